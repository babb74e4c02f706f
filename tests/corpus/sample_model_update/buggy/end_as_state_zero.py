# expect-fail: sample_model_update_end_is_the_last_outcome, sample_model_update_leaves_other_entries
def sample_model_update(model, state, action, reward, next_state):
    outcome = next_state if next_state else 0
    model[state, action, outcome, 0] += 1
    model[state, action, outcome, 1] += reward
    return model
