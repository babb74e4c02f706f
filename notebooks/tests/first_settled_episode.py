from otter.test_files import test_case

OK_FORMAT = False

name = "first_settled_episode"
points = None

@test_case(points=1, hidden=False)
def test_first_settled_episode_ignores_early_lucky_episodes(first_settled_episode):
    from helpers.answers import returned_count
    result = returned_count(first_settled_episode([50, 30, 22, 31, 21, 20], 30), 'first_settled_episode', none_allowed=True)
    assert result == 4, f'in [50, 30, 22, 31, 21, 20] with limit 30, episode 3 still takes 31 steps, so the agent settles at episode 4; got {result}'

