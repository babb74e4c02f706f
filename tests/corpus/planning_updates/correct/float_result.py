import numpy as np


def planning_updates(steps, k):
    return float(k * np.sum(steps))
