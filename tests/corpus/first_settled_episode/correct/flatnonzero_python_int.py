import numpy as np


def first_settled_episode(steps, limit):
    steps = np.asarray(steps)
    above = np.flatnonzero(steps > limit)
    if above.size == 0:
        return 0
    first = int(above[-1]) + 1
    return first if first < len(steps) else None
