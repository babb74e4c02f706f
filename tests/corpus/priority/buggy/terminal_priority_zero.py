# expect-fail: priority_terminal_no_bootstrap
import numpy as np


def priority(model, value, state, action, params):
    reward, next_state = model[state, action]
    if np.isnan(next_state):
        return 0.0
    return abs(reward + params["gamma"] * value[int(next_state)].max() - value[state, action])
