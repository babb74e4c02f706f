# expect-fail: settled_after_last_long_episode, settled_takes_a_plain_list
def first_settled_episode(steps, limit):
    if steps[-1] > limit:
        return None
    for episode, n in enumerate(steps):
        if n <= limit:
            return episode             # the first lucky episode, not the settling one
    return None
