def first_settled_episode(steps, limit):
    episode = len(steps)
    while episode > 0 and steps[episode - 1] <= limit:
        episode -= 1
    if episode == len(steps):
        return None
    return episode
