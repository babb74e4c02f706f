import math
import random

import numpy as np


def dyna_q_planning(model, value, params):
    pairs = [(int(s), int(a)) for s, a in zip(*np.where(~np.isnan(model[:, :, 0])))]
    for _ in range(params["k"]):
        state, action = random.choice(pairs)
        reward, next_state = model[state, action]
        best_next = 0.0 if math.isnan(next_state) else max(value[int(next_state)])
        value[state, action] += params["alpha"] * (reward + params["gamma"] * best_next
                                                   - value[state, action])
    return value
