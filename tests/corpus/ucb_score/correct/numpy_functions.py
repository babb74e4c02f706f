import numpy as np


def ucb_score(total_return, visits, parent_visits, c):
    if visits == 0:
        return np.inf
    mean = total_return / visits
    bonus = c * np.sqrt(np.log(parent_visits) / visits)
    return mean + bonus
