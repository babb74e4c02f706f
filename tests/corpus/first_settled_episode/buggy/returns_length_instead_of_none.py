# expect-fail: settled_none_when_last_episode_above
import numpy as np


def first_settled_episode(steps, limit):
    above = np.flatnonzero(np.asarray(steps) > limit)
    if above.size == 0:
        return 0
    return int(above[-1]) + 1       # len(steps) when the last episode is too long
