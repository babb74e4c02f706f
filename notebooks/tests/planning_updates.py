from otter.test_files import test_case

OK_FORMAT = False

name = "planning_updates"
points = None

@test_case(points=1, hidden=False)
def test_planning_updates_counts_k_per_step(planning_updates):
    assert planning_updates([20, 30], 10) == 500, '2 episodes of 20 and 30 steps with k = 10 give 500 updates'

