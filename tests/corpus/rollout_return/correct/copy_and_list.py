import numpy as np


def rollout_return(model, state, actions, gamma, state_values):
    m = np.copy(model)
    acts = list(actions)
    discounted = 0.0
    weight = 1.0
    s = int(state)
    for a in acts:
        entry = m[s, int(a)]
        if np.isnan(entry).all():
            return discounted + weight * float(state_values[s])
        discounted += weight * float(entry[0])
        weight = weight * gamma
        if np.isnan(entry[1]):
            return discounted
        s = int(entry[1])
    return discounted + weight * float(state_values[s])
