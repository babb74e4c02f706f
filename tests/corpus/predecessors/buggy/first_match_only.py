# expect-fail: predecessors_finds_every_pair, predecessors_includes_self_loops
def predecessors(model, state):
    for s in range(model.shape[0]):
        for a in range(model.shape[1]):
            if model[s, a, 1] == state:
                return [(s, a)]
    return []
