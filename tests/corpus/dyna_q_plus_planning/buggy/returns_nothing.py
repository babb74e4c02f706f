# expect-fail: kappa0_returns_value_table
import numpy as np

from helpers import q_learning


def dyna_q_plus_planning(model, value, elapsed, params):
    candidates = np.argwhere(~np.isnan(model[:, :, 0]))
    for _ in range(params["k"]):
        state, action = candidates[np.random.randint(len(candidates))]
        reward, next_state = model[state, action]
        bonus = params["kappa"] * np.sqrt(elapsed[state, action])
        q_learning(state, action, reward + bonus, next_state, value, params)
