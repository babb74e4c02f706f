# expect-fail: ucb_unvisited_is_infinite
import math


def ucb_score(total_return, visits, parent_visits, c):
    if visits == 0:
        return 0.0
    return total_return / visits + c * math.sqrt(math.log(parent_visits) / visits)
