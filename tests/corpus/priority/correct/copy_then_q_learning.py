from helpers import q_learning


def priority(model, value, state, action, params):
    # run the update on a copy and read off how far it moved, divided by alpha
    reward, next_state = model[state, action]
    trial = q_learning(state, action, reward, next_state, value.copy(), params)
    return abs(trial[state, action] - value[state, action]) / params["alpha"]
