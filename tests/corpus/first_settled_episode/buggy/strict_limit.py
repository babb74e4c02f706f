# expect-fail: settled_limit_is_inclusive
import numpy as np


def first_settled_episode(steps, limit):
    above = np.flatnonzero(np.asarray(steps) >= limit)   # an episode of `limit` steps counts as too long
    if above.size == 0:
        return 0
    first = int(above[-1]) + 1
    return first if first < len(steps) else None
