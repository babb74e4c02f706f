def sample_model_update(model, state, action, reward, next_state):
    is_end = next_state is None
    column = model.shape[2] - 1 if is_end else int(float(next_state))
    count, total = model[state, action, column]
    model[state, action, column] = count + 1, total + reward
    return model
