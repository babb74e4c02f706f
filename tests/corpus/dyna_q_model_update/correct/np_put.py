import numpy as np


def dyna_q_model_update(model, state, action, reward, next_state):
    first = np.ravel_multi_index((state, action, 0), model.shape)
    np.put(model, [first, first + 1], [reward, np.nan if next_state is None else next_state])
    return model
