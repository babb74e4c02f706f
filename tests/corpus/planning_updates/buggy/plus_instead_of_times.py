# expect-fail: updates_k_per_real_step, updates_every_episode_counts, updates_none_when_k_zero, updates_float_steps_and_numpy_k
import numpy as np


def planning_updates(steps, k):
    return int(np.sum(steps)) + k
