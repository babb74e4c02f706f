from otter.test_files import test_case

OK_FORMAT = False

name = "first_episode_within"
points = None

@test_case(points=1, hidden=False)
def test_first_episode_within_finds_the_first_match(first_episode_within):
    assert first_episode_within([50, 30, 22, 25, 21], 25) == 2, 'in [50, 30, 22, 25, 21] the first episode with at most 25 steps is index 2'

