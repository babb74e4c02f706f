import numpy as np


def first_settled_episode(steps, limit):
    steps = np.asarray(steps, dtype=float)
    if steps[-1] > limit:
        return None
    settled = 0.0
    for i, n in enumerate(steps):
        if n > limit:
            settled = float(i + 1)   # an index written as a float
    return settled
