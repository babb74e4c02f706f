# expect-fail: sample_model_update_end_is_the_last_outcome, sample_model_update_leaves_other_entries
def sample_model_update(model, state, action, reward, next_state):
    model[state, action, next_state, 0] += 1
    model[state, action, next_state, 1] += reward
    return model
