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
    """Sutton & Barto: a random previously observed state, then a random action
    previously taken in it."""
    observed = ~np.isnan(model[:, :, 0])
    seen_states = np.flatnonzero(observed.any(axis=1))
    for _ in range(params["k"]):
        state = np.random.choice(seen_states)
        action = np.random.choice(np.flatnonzero(observed[state]))
        reward, next_state = model[state, action]
        value = q_learning(state, action, reward, next_state, value, params)
    return value
