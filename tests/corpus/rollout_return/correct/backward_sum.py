import numpy as np


def rollout_return(model, state, actions, gamma, state_values):
    # walk forward, collecting rewards; then sum backwards like a return
    rewards, tail = [], None
    for action in actions:
        if np.isnan(model[state, action, 0]):
            tail = state_values[state]
            break
        rewards.append(model[state, action, 0])
        if np.isnan(model[state, action, 1]):
            tail = 0.0
            break
        state = int(model[state, action, 1])
    if tail is None:
        tail = state_values[state]
    g = tail
    for r in reversed(rewards):
        g = r + gamma * g
    return np.array(g)
