import numpy as np


def q_learning(state, action, reward, next_state, value, params):
    prev = value[state, action]
    if next_state is None or np.isnan(next_state):
        max_next = 0
    else:
        max_next = np.max(value[int(next_state)])
    value[state, action] = prev + params["alpha"] * (reward + params["gamma"] * max_next - prev)
    return value


def dyna_q_planning(model, value, params):
    states, actions = np.where(~np.isnan(model[:, :, 0]))
    draws = np.random.randint(len(states), size=params["k"])
    for i in draws:
        reward, next_state = model[states[i], actions[i]]
        value = q_learning(states[i], actions[i], reward, next_state, value, params)
    return value
