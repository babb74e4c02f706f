# expect-fail: predecessors_returns_pairs, predecessors_finds_every_pair, predecessors_only_leading_pairs, predecessors_ignores_terminal_and_unseen, predecessors_includes_self_loops
import numpy as np


def predecessors(model, state):
    return {(int(s), int(a)) for s, a in np.argwhere(model[:, :, 1] == state)}
