import numpy as np


def predecessors(model, state):
    return {(int(s), int(a)) for s, a in np.argwhere(model[:, :, 1] == state)}
