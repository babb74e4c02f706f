import math


def predecessors(model, state):
    pairs = []
    for s, row in enumerate(model.tolist()):
        for a, (reward, next_state) in enumerate(row):
            if not math.isnan(next_state) and int(next_state) == state:
                pairs.append((s, a))
    return pairs
