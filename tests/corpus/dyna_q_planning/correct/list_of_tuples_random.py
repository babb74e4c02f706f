import random

import numpy as np


def q_learning(state, action, reward, next_state, value, params):
    prev = value[state, action]
    if next_state is None or np.isnan(next_state):
        max_next = 0
    else:
        max_next = np.max(value[int(next_state)])
    value[state, action] = prev + params["alpha"] * (reward + params["gamma"] * max_next - prev)
    return value


def dyna_q_planning(model, value, params):
    k = params["k"]
    seen = [(s, a) for s in range(model.shape[0]) for a in range(model.shape[1])
            if not np.isnan(model[s, a, 0])]
    draws = [seen[random.randrange(len(seen))] for _ in range(k)]
    for state, action in draws:
        reward, next_state = model[state, action]
        value = q_learning(state, action, reward, next_state, value, params)
    return value
