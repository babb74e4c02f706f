# expect-fail: settled_takes_a_plain_list
import numpy as np


def first_settled_episode(steps, limit):
    above = np.flatnonzero(steps > limit)      # a list > int raises TypeError
    if above.size == 0:
        return 0
    first = int(above[-1]) + 1
    return first if first < len(steps) else None
