import math
import random


def dyna_q_plus_planning(model, value, elapsed, params):
    n_states, n_actions = value.shape
    pairs = [(s, a) for s in range(n_states) for a in range(n_actions)
             if not math.isnan(model[s, a, 0])]
    for _ in range(params["k"]):
        s, a = random.choice(pairs)
        reward = model[s, a, 0] + params["kappa"] * math.sqrt(elapsed[s, a])
        next_state = model[s, a, 1]
        if math.isnan(next_state):
            target = reward
        else:
            target = reward + params["gamma"] * max(value[int(next_state)])
        value[s, a] += params["alpha"] * (target - value[s, a])
    return value
