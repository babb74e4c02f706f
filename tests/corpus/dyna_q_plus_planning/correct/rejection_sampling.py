import math

import numpy as np


def dyna_q_plus_planning(model, value, elapsed, params):
    n_states, n_actions = value.shape
    done = 0
    while done < params["k"]:
        s = np.random.randint(n_states)
        a = np.random.randint(n_actions)
        if np.isnan(model[s, a, 0]):
            continue
        bonus = params["kappa"] * math.sqrt(float(elapsed[s, a]))
        reward, next_state = model[s, a]
        best = 0.0 if np.isnan(next_state) else np.max(value[int(next_state)])
        value[s, a] += params["alpha"] * (reward + bonus + params["gamma"] * best - value[s, a])
        done += 1
    return value
