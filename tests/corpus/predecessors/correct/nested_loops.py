def predecessors(model, state):
    n_states, n_actions = model.shape[0], model.shape[1]
    found = []
    for s in range(n_states):
        for a in range(n_actions):
            if model[s, a, 1] == state:       # NaN never equals a state
                found.append((s, a))
    return found
