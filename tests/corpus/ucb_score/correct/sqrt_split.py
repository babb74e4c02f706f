import numpy as np


def ucb_score(total_return, visits, parent_visits, c):
    if visits <= 0:
        return float(np.inf)
    return float(total_return / visits + c * np.sqrt(np.log(parent_visits)) / np.sqrt(visits))
