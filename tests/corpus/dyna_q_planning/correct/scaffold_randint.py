import numpy as np

from helpers import q_learning


def dyna_q_planning(model, value, params):
    candidates = np.argwhere(~np.isnan(model[:, :, 0]))
    for _ in range(params["k"]):
        idx = np.random.randint(len(candidates))
        state, action = candidates[idx]
        reward, next_state = model[state, action]
        value = q_learning(state, action, reward, next_state, value, params)
    return value
