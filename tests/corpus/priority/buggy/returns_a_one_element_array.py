# expect-fail: priority_returns_a_number, priority_positive_error, priority_negative_error, priority_terminal_no_bootstrap
import numpy as np


def priority(model, value, state, action, params):
    # value[[state], [action]] is an array holding one number: so is the answer, which is
    # an array, not a number
    reward, next_state = model[state, action]
    future = 0.0
    if not np.isnan(next_state):
        future = params["gamma"] * sorted(value[int(next_state)])[-1]
    return np.abs(reward + future - value[[state], [action]])
