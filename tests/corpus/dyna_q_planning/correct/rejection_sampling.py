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
    """Draw any pair uniformly and redraw until it has been observed."""
    n_states, n_actions = value.shape
    for _ in range(params["k"]):
        while True:
            state, action = np.random.randint(n_states), np.random.randint(n_actions)
            if not np.isnan(model[state, action, 0]):
                break
        reward, next_state = model[state, action]
        value = q_learning(state, action, reward, next_state, value, params)
    return value
