import numpy as np


def planning_updates(steps, k):
    return int(round(float(np.sum(steps)))) * int(k)
