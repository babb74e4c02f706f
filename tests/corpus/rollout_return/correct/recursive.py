import numpy as np


def rollout_return(model, state, actions, gamma, state_values):
    if len(actions) == 0:
        return float(state_values[state])
    reward, next_state = model[state, actions[0]]
    if np.isnan(reward):
        return float(state_values[state])
    if np.isnan(next_state):
        return float(reward)
    return float(reward + gamma * rollout_return(model, int(next_state), actions[1:], gamma,
                                                 state_values))
