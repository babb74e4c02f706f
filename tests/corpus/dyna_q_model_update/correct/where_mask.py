import numpy as np


def dyna_q_model_update(model, state, action, reward, next_state):
    mask = np.zeros(model.shape[:2], dtype=bool)
    mask[state, action] = True
    observation = np.array([reward, np.nan if next_state is None else next_state], dtype=float)
    return np.where(mask[:, :, None], observation, model)
