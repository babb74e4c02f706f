import numpy as np


def first_settled_episode(steps, limit):
    above = np.asarray(steps)[::-1] > limit
    if not above.any():
        return 0
    last_above = len(above) - 1 - np.argmax(above)
    return None if last_above == len(above) - 1 else last_above + 1
