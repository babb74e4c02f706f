# expect-fail: settled_after_last_long_episode, settled_limit_is_inclusive, settled_zero_when_always_within, settled_takes_a_plain_list
import numpy as np


def first_settled_episode(steps, limit):
    above = np.flatnonzero(np.asarray(steps) > limit)
    if above.size == 0:
        return np.array([0])
    if above[-1] == len(steps) - 1:
        return None
    return above[-1:] + 1              # an array of one index, not an index
