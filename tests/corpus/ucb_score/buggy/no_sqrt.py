# expect-fail: ucb_exploration_bonus
import numpy as np


def ucb_score(total_return, visits, parent_visits, c):
    if visits == 0:
        return np.inf
    return total_return / visits + c * np.log(parent_visits) / visits
