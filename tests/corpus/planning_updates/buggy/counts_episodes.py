# expect-fail: updates_k_per_real_step, updates_every_episode_counts, updates_float_steps_and_numpy_k
import numpy as np


def planning_updates(steps, k):
    return np.size(steps) * k          # episodes, not real steps
