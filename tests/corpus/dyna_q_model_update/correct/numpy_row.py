import numpy as np


def dyna_q_model_update(model, state, action, reward, next_state):
    stored_next = np.nan if next_state is None else float(next_state)
    model[state, action, :] = np.array([reward, stored_next], dtype=float)
    return model
