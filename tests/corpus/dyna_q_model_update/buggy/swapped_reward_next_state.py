# expect-fail: model_update_stores_observation, model_update_terminal_as_nan
import numpy as np


def dyna_q_model_update(model, state, action, reward, next_state):
    model[state, action] = next_state, reward
    return model
