# expect-fail: planning_returns_value_table, planning_k_zero_changes_nothing, planning_leaves_model_unchanged, planning_updates_only_observed_pairs, planning_q_learning_update, planning_makes_k_updates, planning_samples_uniformly, planning_sequential_updates
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
    original = value.copy()
    candidates = np.array(np.where(~np.isnan(model[:, :, 0]))).T
    for _ in range(params["k"]):
        state, action = candidates[np.random.choice(len(candidates))]
        reward, next_state = model[state, action]
        value = q_learning(state, action, reward, next_state, value, params)
    return original
