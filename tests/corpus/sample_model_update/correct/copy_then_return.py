import numpy as np


def sample_model_update(model, state, action, reward, next_state):
    new_model = np.array(model, copy=True)
    if next_state is None:
        index = new_model.shape[2] - 1
    else:
        index = next_state
    new_model[state][action][index][0] = new_model[state][action][index][0] + 1
    new_model[state][action][index][1] = new_model[state][action][index][1] + reward
    return new_model
