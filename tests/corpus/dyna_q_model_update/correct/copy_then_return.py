import numpy as np


def dyna_q_model_update(model, state, action, reward, next_state):
    new_model = model.copy()
    new_model[state, action] = (reward, np.nan if next_state is None else next_state)
    return new_model
