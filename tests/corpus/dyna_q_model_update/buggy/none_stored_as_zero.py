# expect-fail: model_update_terminal_as_nan
def dyna_q_model_update(model, state, action, reward, next_state):
    if next_state is None:
        next_state = 0
    model[state, action] = reward, next_state
    return model
