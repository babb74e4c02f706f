# expect-fail: bonus_added_to_reward, bonus_of_sampled_pair
import numpy as np

from helpers import q_learning


def dyna_q_plus_planning(model, value, elapsed, params):
    candidates = np.argwhere(~np.isnan(model[:, :, 0]))
    for _ in range(params["k"]):
        idx = np.random.randint(len(candidates))
        state, action = candidates[idx]
        reward, next_state = model[state, action]
        bonus = params["kappa"] * elapsed[state, action]
        value = q_learning(state, action, reward + bonus, next_state, value, params)
    return value
