import numpy as np


def dyna_q_planning(model, value, params):
    """State uniformly among states with an observation (by redrawing), then an
    observed action of it uniformly (by redrawing)."""
    rng = np.random.default_rng()
    n_states, n_actions = value.shape
    observed = ~np.isnan(model[:, :, 0])
    for _ in range(params["k"]):
        state = rng.integers(n_states)
        while not observed[state].any():
            state = rng.integers(n_states)
        action = rng.integers(n_actions)
        while not observed[state, action]:
            action = rng.integers(n_actions)
        reward, next_state = model[state, action]
        bootstrap = 0 if np.isnan(next_state) else np.max(value[int(next_state)])
        value[state, action] += params["alpha"] * (reward + params["gamma"] * bootstrap - value[state, action])
    return value
