import numpy as np


def priority(model, value, state, action, params):
    reward, next_state = model[state, action]
    if np.isnan(next_state):
        target = reward
    else:
        target = reward + params["gamma"] * np.max(value[int(next_state)])
    return abs(target - value[state, action])
