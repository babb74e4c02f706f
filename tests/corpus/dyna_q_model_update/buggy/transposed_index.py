# expect-fail: model_update_stores_observation, model_update_terminal_as_nan, model_update_latest_observation_wins, model_update_leaves_other_entries
def dyna_q_model_update(model, state, action, reward, next_state):
    model[action, state] = reward, next_state
    return model
