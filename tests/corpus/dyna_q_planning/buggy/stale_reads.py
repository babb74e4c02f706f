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
    new_value = value.copy()
    candidates = np.array(np.where(~np.isnan(model[:, :, 0]))).T
    for _ in range(params["k"]):
        state, action = candidates[np.random.choice(len(candidates))]
        reward, next_state = model[state, action]
        best = 0 if np.isnan(next_state) else np.max(value[int(next_state)])
        # reads the old table, writes the new one: repeated draws do not build up
        new_value[state, action] = value[state, action] + params["alpha"] * (
            reward + params["gamma"] * best - value[state, action])
    return new_value
