def sample_model_update(model, state, action, reward, next_state):
    n_states = model.shape[2] - 1
    outcome = n_states if next_state is None else int(next_state)
    model[state, action, outcome, 0] += 1
    model[state, action, outcome, 1] += reward
    return model
