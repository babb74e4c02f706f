import numpy as np


def dyna_q_planning(model, value, params):
    rng = np.random.default_rng()
    observed = np.argwhere(~np.isnan(model[..., 0]))
    alpha, gamma = params["alpha"], params["gamma"]
    for _ in range(params["k"]):
        state, action = observed[rng.integers(len(observed))]
        reward, next_state = model[state, action]
        target = reward if np.isnan(next_state) else reward + gamma * value[int(next_state)].max()
        value[state, action] = (1 - alpha) * value[state, action] + alpha * target
    return value
