import numpy as np


def predecessors(model, state):
    return np.argwhere(model[:, :, 1] == state)
