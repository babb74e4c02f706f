import numpy as np


def priority(model, value, state, action, params):
    reward = model[state, action, 0]
    next_state = model[state, action, 1]
    bootstrap = 0.0 if np.isnan(next_state) else value[int(next_state), :].max()
    return np.abs(reward + params["gamma"] * bootstrap - value[state, action])
