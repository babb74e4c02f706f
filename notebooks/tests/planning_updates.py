from otter.test_files import test_case

OK_FORMAT = False

name = "planning_updates"
points = None

@test_case(points=1, hidden=False)
def test_planning_updates_counts_k_per_step(planning_updates):
    from helpers.answers import returned_count
    result = returned_count(planning_updates([20, 30], 10), 'planning_updates')
    assert result == 500, f'2 episodes of 20 and 30 steps with k = 10 give 500 updates, got {result}'

