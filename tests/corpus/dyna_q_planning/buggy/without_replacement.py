# expect-fail: planning_sequential_updates
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
    candidates = np.array(np.where(~np.isnan(model[:, :, 0]))).T
    picks = np.random.choice(len(candidates), size=params["k"], replace=False)
    for i in picks:
        state, action = candidates[i]
        reward, next_state = model[state, action]
        value = q_learning(state, action, reward, next_state, value, params)
    return value
