# expect-fail: kappa0_updates_only_observed_pairs
import numpy as np

from helpers import q_learning


def dyna_q_plus_planning(model, value, elapsed, params):
    # any action of a state seen so far, tried or not (an untried one counts as a bump)
    seen_states = np.flatnonzero(~np.isnan(model[:, :, 0]).all(axis=1))
    for _ in range(params["k"]):
        state = np.random.choice(seen_states)
        action = np.random.randint(value.shape[1])
        reward, next_state = model[state, action]
        if np.isnan(reward):
            reward, next_state = 0.0, state
        bonus = params["kappa"] * np.sqrt(elapsed[state, action])
        value = q_learning(state, action, reward + bonus, next_state, value, params)
    return value
