import numpy as np


def dyna_q_planning(model, value, params):
    n_actions = model.shape[1]
    flat = np.flatnonzero(~np.isnan(model[:, :, 0]))
    alpha, gamma = params["alpha"], params["gamma"]
    for _ in range(params["k"]):
        state, action = divmod(int(flat[np.random.randint(flat.size)]), n_actions)
        reward, next_state = model[state, action]
        q = value.item(state, action)
        if next_state == next_state:              # not NaN: bootstrap
            q += alpha * (reward + gamma * value[int(next_state)].max() - q)
        else:
            q += alpha * (reward - q)
        value[state, action] = q
    return value
