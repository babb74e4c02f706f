# expect-fail: priority_leaves_tables_unchanged
from helpers import q_learning


def priority(model, value, state, action, params):
    before = value[state, action]
    reward, next_state = model[state, action]
    value = q_learning(state, action, reward, next_state, value, params)
    return abs(value[state, action] - before) / params["alpha"]
