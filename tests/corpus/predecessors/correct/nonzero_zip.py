import numpy as np


def predecessors(model, state):
    states, actions = np.nonzero(model[..., 1] == state)
    return list(zip(states.tolist(), actions.tolist()))
