# expect-fail: model_update_leaves_other_entries
def dyna_q_model_update(model, state, action, reward, next_state):
    model[state] = reward, next_state          # writes every action of the state
    return model
