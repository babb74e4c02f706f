def sample_model_update(model, state, action, reward, next_state):
    outcome = -1 if next_state is None else next_state
    model[state, action, outcome] += (1, reward)
    return model
