# expect-fail: priority_negative_error
import numpy as np


def priority(model, value, state, action, params):
    reward, next_state = model[state, action]
    target = reward if np.isnan(next_state) else reward + params["gamma"] * value[int(next_state)].max()
    return target - value[state, action]
