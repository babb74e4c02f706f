# expect-fail: predecessors_only_leading_pairs
import numpy as np


def predecessors(model, state):
    found = [tuple(p) for p in np.argwhere(model[:, :, 1] == state).tolist()]
    for s in range(model.shape[0]):            # "and the ones I missed"
        for a in range(model.shape[1]):
            if model[s, a, 1] == state:
                found.append((s, a))
    return found
