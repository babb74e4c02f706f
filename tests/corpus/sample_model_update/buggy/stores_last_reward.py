# expect-fail: sample_model_update_adds_the_reward
def sample_model_update(model, state, action, reward, next_state):
    outcome = model.shape[2] - 1 if next_state is None else next_state
    model[state, action, outcome, 0] += 1
    model[state, action, outcome, 1] = reward
    return model
