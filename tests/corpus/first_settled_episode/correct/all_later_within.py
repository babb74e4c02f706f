def first_settled_episode(steps, limit):
    steps = list(steps)
    for episode in range(len(steps)):
        if all(n <= limit for n in steps[episode:]):
            return episode
    return None
