# expect-fail: priority_returns_a_number, priority_terminal_no_bootstrap, priority_leaves_tables_unchanged
def priority(model, value, state, action, params):
    reward, next_state = model[state, action]
    target = reward + params["gamma"] * value[int(next_state)].max()
    return abs(target - value[state, action])
