import math


def rollout_return(model, state, actions, gamma, state_values):
    g = 0
    t = 0
    for a in actions:
        r = model[state][a][0]
        s_next = model[state][a][1]
        if math.isnan(r):
            return g + gamma ** t * state_values[state]
        g = g + gamma ** t * r
        t = t + 1
        if math.isnan(s_next):
            return g
        state = int(s_next)
    return g + gamma ** t * state_values[state]
