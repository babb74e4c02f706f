import numpy as np


def rollout_return(model, state, actions, gamma, state_values):
    g = 0.0
    i = 0
    done = False
    while i < len(actions) and not done:
        r, nxt = model[state, actions[i], 0], model[state, actions[i], 1]
        if np.isnan(r):
            break
        g += (gamma ** i) * r
        i += 1
        if np.isnan(nxt):
            done = True
        else:
            state = int(nxt)
    if not done:
        g += (gamma ** i) * state_values[state]
    return np.float64(g)
