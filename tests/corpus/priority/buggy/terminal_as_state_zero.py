# expect-fail: priority_terminal_no_bootstrap
import numpy as np


def priority(model, value, state, action, params):
    reward, next_state = np.nan_to_num(model[state, action])
    target = reward + params["gamma"] * value[int(next_state)].max()
    return abs(target - value[state, action])
