import numpy as np


def first_settled_episode(steps, limit):
    bad = np.where(np.asarray(steps) > limit)[0]
    if len(bad) == 0:
        return 0
    if bad[-1] == len(steps) - 1:
        return None
    return bad[-1] + 1          # a NumPy integer
