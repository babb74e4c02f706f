import numpy as np
from helpers import q_learning


def sample_model_planning(model, value, params):
    end = model.shape[2] - 1
    totals = model[..., 0].sum(axis=-1)
    seen = np.flatnonzero(totals > 0)
    for _ in range(params["k"]):
        flat = seen[np.random.randint(seen.size)]
        state, action = divmod(int(flat), model.shape[1])
        cumulative = np.cumsum(model[state, action, :, 0])
        outcome = int(np.searchsorted(cumulative, np.random.random() * cumulative[-1], side="right"))
        count, total = model[state, action, outcome]
        value = q_learning(state, action, total / count, None if outcome == end else outcome,
                           value, params)
    return value
