import numpy as np


def sample_model_planning(model, value, params):
    rng = np.random.default_rng()
    n_states = model.shape[2] - 1
    pairs = [(s, a) for s in range(model.shape[0]) for a in range(model.shape[1])
             if model[s, a, :, 0].sum() > 0]
    for _ in range(params["k"]):
        s, a = pairs[rng.integers(len(pairs))]
        counts = model[s, a, :, 0]
        j = rng.choice(n_states + 1, p=counts / counts.sum())
        r = model[s, a, j, 1] / counts[j]
        future = 0.0 if j == n_states else value[j].max()
        value[s, a] += params["alpha"] * (r + params["gamma"] * future - value[s, a])
    return value
