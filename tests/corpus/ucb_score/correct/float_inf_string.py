import math


def ucb_score(total_return, visits, parent_visits, c):
    if not visits:
        return float("inf")
    average = float(total_return) / float(visits)
    return average + c * (math.log(parent_visits) / visits) ** 0.5
