# expect-fail: rollout_discounted_rewards, rollout_bootstraps_at_the_end, rollout_stops_at_episode_end, rollout_stops_at_untried_pair
import numpy as np


def rollout_return(model, state, actions, gamma, state_values):
    total = 0.0
    t = 0
    for action in actions:
        reward, next_state = model[state, action]
        if np.isnan(reward):
            break
        t += 1
        total += gamma ** t * reward
        if np.isnan(next_state):
            return total
        state = int(next_state)
    return total + gamma ** t * state_values[state]
