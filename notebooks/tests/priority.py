from otter.test_files import test_case

OK_FORMAT = False

name = "priority"
points = None

@test_case(points=1, hidden=False)
def test_priority_is_the_size_of_the_error(priority):
    """The priority is the size of the error (public example)."""
    import numpy as np
    from helpers.answers import number_text, returned_number
    model = np.full((4, 2, 2), np.nan)
    model[1, 0] = (1.0, 2.0)
    model[3, 1] = (0.0, 2.0)
    model[0, 1] = (1.0, np.nan)
    value = np.zeros((4, 2))
    value[2] = [0.5, 0.25]
    value[1, 0], value[3, 1], value[0, 1] = (0.2, 1.0, 0.25)
    params = {'k': 10, 'epsilon': 0.05, 'alpha': 0.5, 'gamma': 0.8}
    result = returned_number(priority(model, value, 1, 0, params), 'priority')
    assert np.isclose(result, 1.2), f'the priority of (1, 0) should be |1 + 0.8 * 0.5 - 0.2| = 1.2, got {number_text(result)}'
    result = returned_number(priority(model, value, 3, 1, params), 'priority')
    assert np.isclose(result, 0.6), f'the priority of (3, 1) should be |0 + 0.8 * 0.5 - 1| = 0.6 (the size of the error, never negative), got {number_text(result)}'
    result = returned_number(priority(model, value, 0, 1, params), 'priority')
    assert np.isclose(result, 0.75), f'(0, 1) ended the episode (next state NaN), so nothing is bootstrapped: its priority should be |1 - 0.25| = 0.75, got {number_text(result)}'

