import numpy as np
from helpers import q_learning


def sample_model_planning(model, value, params):
    n_states = model.shape[2] - 1
    seen = model[:, :, :, 0].sum(axis=2) > 0
    states = np.flatnonzero(seen.any(axis=1))
    for _ in range(params["k"]):
        state = np.random.choice(states)
        action = np.random.choice(np.flatnonzero(seen[state]))
        counts = model[state, action, :, 0]
        outcome = np.random.multinomial(1, counts / counts.sum()).argmax()
        reward = model[state, action, outcome, 1] / counts[outcome]
        value = q_learning(state, action, reward, None if outcome == n_states else outcome,
                           value, params)
    return value
