import numpy as np
from helpers import q_learning


def sample_model_planning(model, value, params):
    n_states = model.shape[2] - 1
    counts = model[:, :, :, 0]
    candidates = np.argwhere(counts.sum(axis=2) > 0)
    for _ in range(params["k"]):
        state, action = candidates[np.random.randint(len(candidates))]
        weights = counts[state, action]
        outcome = np.random.choice(len(weights), p=weights / weights.sum())
        reward = model[state, action, outcome, 1] / weights[outcome]
        next_state = None if outcome == n_states else int(outcome)
        value = q_learning(state, action, reward, next_state, value, params)
    return value
