import numpy as np


def rollout_return(model, state, actions, gamma, state_values):
    rewards = []
    ended = False
    for action in np.asarray(actions, dtype=int).tolist():
        reward, next_state = model[state, action].tolist()
        if reward != reward:
            break
        rewards.append(reward)
        if next_state != next_state:
            ended = True
            break
        state = int(next_state)
    discounts = gamma ** np.arange(len(rewards))
    value = float(np.dot(discounts, rewards)) if rewards else 0.0
    if not ended:
        value += gamma ** len(rewards) * state_values[state]
    return value
