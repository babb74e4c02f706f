import numpy as np


def dyna_q_model_update(model, state, action, reward, next_state):
    model[state, action] = reward, next_state   # None becomes NaN in a float array
    return model
