# expect-fail: predecessors_ignores_terminal_and_unseen, predecessors_only_leading_pairs
def predecessors(model, state):
    found = []
    for s in range(model.shape[0]):
        if state in model[s, :, 1]:            # some action of s leads to state...
            found += [(s, a) for a in range(model.shape[1])]   # ...but not every one
    return found
