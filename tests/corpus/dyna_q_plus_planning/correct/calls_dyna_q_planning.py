import numpy as np

from helpers import q_learning


def dyna_q_planning(model, value, params):
    candidates = np.argwhere(~np.isnan(model[:, :, 0]))
    for _ in range(params["k"]):
        state, action = candidates[np.random.randint(len(candidates))]
        reward, next_state = model[state, action]
        value = q_learning(state, action, reward, next_state, value, params)
    return value


def dyna_q_plus_planning(model, value, elapsed, params):
    # Dyna-Q planning on a model whose rewards carry the bonus (a copy of the model)
    bonus_model = model.copy()
    bonus_model[:, :, 0] += params["kappa"] * np.sqrt(elapsed)
    return dyna_q_planning(bonus_model, value, params)
