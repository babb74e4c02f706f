import math
import random


def dyna_q_planning(model, value, params):
    n_states, n_actions = value.shape
    actions_of = {}
    for s in range(n_states):
        taken = [a for a in range(n_actions) if not math.isnan(model[s, a, 0])]
        if taken:
            actions_of[s] = taken
    states = sorted(actions_of)
    for _ in range(params["k"]):
        s = random.choice(states)
        a = random.choice(actions_of[s])
        r, s_next = model[s, a]
        bootstrap = 0.0 if math.isnan(s_next) else float(value[int(s_next)].max())
        value[s, a] = value[s, a] + params["alpha"] * (r + params["gamma"] * bootstrap - value[s, a])
    return value
