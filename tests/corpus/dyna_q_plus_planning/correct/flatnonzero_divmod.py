import numpy as np


def dyna_q_plus_planning(model, value, elapsed, params):
    n_actions = value.shape[1]
    flat = np.flatnonzero(~np.isnan(model[:, :, 0]))
    bonus = params["kappa"] * np.power(elapsed, 0.5)
    for index in np.random.choice(flat, size=params["k"]):
        s, a = divmod(int(index), n_actions)
        reward, next_state = model[s, a].tolist()
        target = reward + bonus[s, a]
        if next_state == next_state:  # not NaN
            target += params["gamma"] * value[int(next_state)].max()
        value[s, a] += params["alpha"] * (target - value[s, a])
    return value
