def dyna_q_model_update(model, state, action, reward, next_state):
    if next_state is None:
        next_state = float("nan")
    model[state, action, 0:2] = [reward, next_state]
    return model
