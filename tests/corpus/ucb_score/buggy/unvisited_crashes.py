# expect-fail: ucb_unvisited_is_infinite
import math


def ucb_score(total_return, visits, parent_visits, c):
    return total_return / visits + c * math.sqrt(math.log(parent_visits) / visits)
