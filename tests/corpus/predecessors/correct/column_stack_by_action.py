import numpy as np


def predecessors(model, state):
    states, actions = np.where(np.isclose(model[:, :, 1], state))
    order = np.argsort(actions, kind="stable")          # grouped by action
    return np.column_stack([states[order], actions[order]])
