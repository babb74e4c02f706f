# expect-fail: updates_every_episode_counts
def planning_updates(steps, k):
    return sum(steps) * k              # on a 2-D array: a row of sums, not one number
