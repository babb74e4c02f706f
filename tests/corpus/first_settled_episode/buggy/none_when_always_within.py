# expect-fail: settled_zero_when_always_within
import numpy as np


def first_settled_episode(steps, limit):
    above = np.flatnonzero(np.asarray(steps) > limit)
    if above.size == 0:
        return None                    # "never needed to settle"
    first = int(above[-1]) + 1
    return first if first < len(steps) else None
