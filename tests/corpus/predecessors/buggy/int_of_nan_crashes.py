# expect-fail: predecessors_returns_pairs, predecessors_finds_every_pair, predecessors_only_leading_pairs, predecessors_ignores_terminal_and_unseen, predecessors_includes_self_loops
def predecessors(model, state):
    found = []
    for s in range(model.shape[0]):
        for a in range(model.shape[1]):
            if int(model[s, a, 1]) == state:
                found.append((s, a))
    return found
