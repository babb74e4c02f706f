# expect-fail: predecessors_includes_self_loops
def predecessors(model, state):
    found = []
    for s in range(model.shape[0]):
        if s == state:
            continue                     # "a state is not its own predecessor"
        for a in range(model.shape[1]):
            if model[s, a, 1] == state:
                found.append((s, a))
    return found
