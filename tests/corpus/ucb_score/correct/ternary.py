from math import inf, log, sqrt


def ucb_score(total_return, visits, parent_visits, c):
    return inf if visits == 0 else total_return / visits + c * sqrt(log(parent_visits) / visits)
