# expect-fail: model_update_stores_observation
import numpy as np


def dyna_q_model_update(model, state, action, reward, next_state):
    model[state, action] = reward, (next_state or np.nan)
    return model
