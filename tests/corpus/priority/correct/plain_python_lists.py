import math


def priority(model, value, state, action, params):
    reward, next_state = model[state][action].tolist()
    current = value[state][action]
    if math.isnan(next_state):
        error = reward - current
    else:
        error = reward + params["gamma"] * max(value[int(next_state)].tolist()) - current
    return error if error >= 0 else -error
