import numpy as np


def sample_model_update(model, state, action, reward, next_state):
    row = model[state, action]
    if next_state is not None:
        row[next_state] = row[next_state] + np.array([1.0, reward])
    else:
        row[len(row) - 1] = row[len(row) - 1] + np.array([1.0, reward])
    return model
