import numpy as np


def ucb_score(total_return, visits, parent_visits, c):
    if visits == 0:
        return np.float64("inf")
    exploitation = np.divide(total_return, visits)
    exploration = c * np.exp(0.5 * (np.log(np.log(parent_visits)) - np.log(visits))) if parent_visits > 1 else 0.0
    return exploitation + exploration
