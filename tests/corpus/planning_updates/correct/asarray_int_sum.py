import numpy as np


def planning_updates(steps, k):
    return np.asarray(steps, dtype=np.int64).sum() * np.int64(k)
