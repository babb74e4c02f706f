import numpy as np

from helpers import q_learning


def dyna_q_plus_planning(model, value, elapsed, params):
    value = value.copy()
    # rewards with their bonus, for every pair at once (a new array: the model is untouched)
    rewards = model[:, :, 0] + params["kappa"] * np.sqrt(elapsed)
    candidates = list(zip(*np.nonzero(~np.isnan(model[:, :, 0]))))
    for _ in range(params["k"]):
        state, action = candidates[np.random.choice(len(candidates))]
        value = q_learning(state, action, rewards[state, action], model[state, action, 1],
                           value, params)
    return value
