import numpy as np


def dyna_q_model_update(model, state, action, reward, next_state):
    n_actions = model.shape[1]
    rows = model.reshape(-1, 2)          # a view of the same memory
    rows[state * n_actions + action] = [reward, np.nan if next_state is None else next_state]
    return model
