import numpy as np


def predecessors(model, state):
    next_states = np.nan_to_num(model[:, :, 1], nan=-1)     # -1 is never a state
    return tuple((int(s), int(a)) for s, a in zip(*np.where(next_states == state)))
