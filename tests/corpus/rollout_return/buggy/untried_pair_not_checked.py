# expect-fail: rollout_stops_at_untried_pair
import numpy as np


def rollout_return(model, state, actions, gamma, state_values):
    total, discount = 0.0, 1.0
    for action in actions:
        reward, next_state = model[state, action]
        total += discount * reward
        discount *= gamma
        if np.isnan(next_state):
            return total
        state = int(next_state)
    return total + discount * state_values[state]
