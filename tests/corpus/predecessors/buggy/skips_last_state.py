# expect-fail: predecessors_finds_every_pair
def predecessors(model, state):
    found = []
    for s in range(model.shape[0] - 1):
        for a in range(model.shape[1]):
            if model[s, a, 1] == state:
                found.append((s, a))
    return found
