import numpy as np


def sample_model_update(model, state, action, reward, next_state):
    n_outcomes = model.shape[2]
    hit = np.zeros(n_outcomes)
    hit[n_outcomes - 1 if next_state is None else next_state] = 1.0
    model[state, action, :, 0] += hit
    model[state, action, :, 1] += hit * reward
    return model
