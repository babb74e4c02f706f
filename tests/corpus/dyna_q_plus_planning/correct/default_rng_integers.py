import numpy as np


def dyna_q_plus_planning(model, value, elapsed, params):
    rng = np.random.default_rng()
    observed = np.argwhere(~np.isnan(model[..., 0]))
    alpha, gamma, kappa = params["alpha"], params["gamma"], params["kappa"]
    for i in rng.integers(len(observed), size=params["k"]):
        s, a = observed[i]
        r, s_next = model[s, a]
        r = r + kappa * elapsed[s, a] ** 0.5
        future = 0.0 if np.isnan(s_next) else gamma * value[int(s_next)].max()
        value[s, a] = value[s, a] + alpha * (r + future - value[s, a])
    return value
