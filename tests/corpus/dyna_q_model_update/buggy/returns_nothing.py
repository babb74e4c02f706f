# expect-fail: model_update_returns_model
def dyna_q_model_update(model, state, action, reward, next_state):
    model[state, action] = reward, next_state
