# expect-fail: predecessors_finds_every_pair, predecessors_ignores_terminal_and_unseen, predecessors_includes_self_loops, predecessors_only_leading_pairs
import numpy as np


def predecessors(model, state):
    return np.argwhere(model[:, :, 0] == state)
