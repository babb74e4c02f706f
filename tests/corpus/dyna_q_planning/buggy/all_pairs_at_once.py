# expect-fail: planning_makes_k_updates, planning_samples_uniformly
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
    observed = ~np.isnan(model[:, :, 0])
    rewards = np.nan_to_num(model[:, :, 0])
    next_states = model[:, :, 1]
    terminal = np.isnan(next_states)
    for _ in range(params["k"]):             # a full sweep instead of one sampled pair
        best = value.max(axis=1)[np.nan_to_num(next_states).astype(int)]
        target = rewards + params["gamma"] * np.where(terminal, 0.0, best)
        value = np.where(observed, value + params["alpha"] * (target - value), value)
    return value
