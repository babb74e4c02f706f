import math

import numpy as np


def dyna_q_planning(model, value, params):
    observed = np.argwhere(~np.isnan(model[:, :, 0]))
    picks = np.random.choice(len(observed), size=params["k"], replace=True)
    for i in picks:
        s, a = (int(x) for x in observed[i])
        reward, next_state = (float(x) for x in model[s, a])
        max_next = 0.0 if math.isnan(next_state) else max(value[int(next_state)].tolist())
        value[s, a] = value[s, a] + params["alpha"] * (reward + params["gamma"] * max_next - value[s, a])
    return value
