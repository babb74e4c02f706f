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
    states, actions = np.where(~np.isnan(model[:, :, 0]))
    idx = np.random.randint(len(states), size=params["k"])
    s, a = states[idx], actions[idx]
    rewards, next_states = model[s, a, 0], model[s, a, 1]
    best = np.where(np.isnan(next_states), 0.0,
                    value.max(axis=1)[np.nan_to_num(next_states).astype(int)])
    # all k updates computed from the same old table; a repeated pair keeps only one
    value[s, a] = value[s, a] + params["alpha"] * (rewards + params["gamma"] * best - value[s, a])
    return value
