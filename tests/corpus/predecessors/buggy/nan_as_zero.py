# expect-fail: predecessors_ignores_terminal_and_unseen
import numpy as np


def predecessors(model, state):
    next_states = np.nan_to_num(model[:, :, 1]).astype(int)
    return np.argwhere(next_states == state)
