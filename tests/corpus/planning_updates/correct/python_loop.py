import numpy as np


def planning_updates(steps, k):
    total = 0
    for n in np.ravel(steps):
        total += n
    return total * k
