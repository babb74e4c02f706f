import numpy as np

from helpers import q_learning


def dyna_q_plus_planning(model, value, elapsed, params):
    observed = ~np.isnan(model[:, :, 0])
    states = np.flatnonzero(observed.any(axis=1))
    for _ in range(params["k"]):
        state = np.random.choice(states)
        action = np.random.choice(np.flatnonzero(observed[state]))
        reward, next_state = model[state, action]
        reward += params["kappa"] * np.sqrt(elapsed[state, action])
        q_learning(state, action, reward, next_state, value, params)
    return value
