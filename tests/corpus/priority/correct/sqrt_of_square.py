import numpy as np


def priority(model, value, state, action, params):
    reward, next_state = model[state, action]
    gamma = params["gamma"]
    target = reward + (0 if next_state != next_state else gamma * value[int(next_state)].max())
    delta = target - value[state, action]
    return float(np.sqrt(delta ** 2))
