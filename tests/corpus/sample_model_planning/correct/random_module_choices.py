import random

from helpers import q_learning


def sample_model_planning(model, value, params):
    n_states = model.shape[2] - 1
    seen = [(s, a) for s in range(model.shape[0]) for a in range(model.shape[1])
            if model[s, a, :, 0].any()]
    for _ in range(params["k"]):
        state, action = random.choice(seen)
        counts = model[state, action, :, 0].tolist()
        outcome = random.choices(range(len(counts)), weights=counts)[0]
        reward = model[state, action, outcome, 1] / counts[outcome]
        next_state = None if outcome == n_states else outcome
        value = q_learning(state, action, reward, next_state, value, params)
    return value
