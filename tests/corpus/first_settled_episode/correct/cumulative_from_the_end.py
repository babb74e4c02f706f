import numpy as np


def first_settled_episode(steps, limit):
    within = np.asarray(steps) <= limit
    tail_ok = np.logical_and.accumulate(within[::-1])[::-1]   # every later episode within
    if not tail_ok[-1]:
        return None
    return int(np.argmax(tail_ok))
