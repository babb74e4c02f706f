# expect-fail: ucb_exploration_bonus
import math


def ucb_score(total_return, visits, parent_visits, c):
    if visits == 0:
        return math.inf
    return total_return / visits + c * math.sqrt(math.log(visits) / parent_visits)
