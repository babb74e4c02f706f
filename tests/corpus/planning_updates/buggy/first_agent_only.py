# expect-fail: updates_every_episode_counts
import numpy as np


def planning_updates(steps, k):
    steps = np.asarray(steps)
    first = steps[0] if steps.ndim == 2 else steps    # only the first agent's episodes
    return int(first.sum()) * k
