from otter.test_files import test_case

OK_FORMAT = False

name = "dyna_q_planning"
points = None

@test_case(points=1, hidden=False)
def test_planning_with_k_zero_changes_nothing(dyna_q_planning):
    """With k = 0 no value changes (public example)."""
    import numpy as np
    from helpers.answers import returned_table, seeded_generators
    model = np.full((5, 4, 2), np.nan)
    model[1, 0] = (1.0, 2.0)
    value = np.arange(20, dtype=float).reshape(5, 4)
    with seeded_generators(dyna_q_planning):
        result = dyna_q_planning(model, value.copy(), {'k': 0, 'alpha': 0.5, 'gamma': 0.8})
    result = returned_table(result, (5, 4), 'dyna_q_planning')
    assert np.array_equal(result, value), "with params['k'] = 0 planning must not change any value"

@test_case(points=1, hidden=False)
def test_planning_replays_the_only_observed_pair(dyna_q_planning):
    """One update replays the only observed pair (public example)."""
    import numpy as np
    from helpers.answers import number_text, returned_table, seeded_generators
    model = np.full((5, 4, 2), np.nan)
    model[1, 0] = (1.0, 2.0)
    value = np.zeros((5, 4))
    value[2] = [0.0, 0.5, 0.0, 0.0]
    with seeded_generators(dyna_q_planning):
        result = dyna_q_planning(model, value, {'k': 1, 'alpha': 0.5, 'gamma': 0.8})
    result = returned_table(result, (5, 4), 'dyna_q_planning')
    expected = 0.5 * (1.0 + 0.8 * 0.5)
    assert np.isclose(result[1, 0], expected), f'one planning update of state 1, action 0 should give Q = 0.5 * (1 + 0.8 * 0.5) = {number_text(expected)}, got {number_text(result[1, 0])}'

