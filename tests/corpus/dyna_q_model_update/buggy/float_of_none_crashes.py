# expect-fail: model_update_terminal_as_nan, model_update_latest_observation_wins, model_update_leaves_other_entries, model_update_returns_model
def dyna_q_model_update(model, state, action, reward, next_state):
    model[state, action] = reward, float(next_state)
    return model
