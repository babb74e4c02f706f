# expect-fail: planning_updates_only_observed_pairs
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
    seen_states = np.flatnonzero((~np.isnan(model[:, :, 0])).any(axis=1))
    for _ in range(params["k"]):
        state = np.random.choice(seen_states)
        action = np.random.randint(value.shape[1])      # forgot: only actions taken there
        reward, next_state = model[state, action]
        value = q_learning(state, action, reward, next_state, value, params)
    return value
