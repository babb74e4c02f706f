# expect-fail: model_update_latest_observation_wins
import numpy as np


def dyna_q_model_update(model, state, action, reward, next_state):
    if np.isnan(model[state, action, 0]):      # only store pairs seen for the first time
        model[state, action] = reward, next_state
    return model
