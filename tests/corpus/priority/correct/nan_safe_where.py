import numpy as np


def priority(model, value, state, action, params):
    reward, next_state = model[state, action]
    row = value[0 if np.isnan(next_state) else int(next_state)]
    target = np.where(np.isnan(next_state), reward, reward + params["gamma"] * row.max())
    return float(abs(target - value[state, action]))
