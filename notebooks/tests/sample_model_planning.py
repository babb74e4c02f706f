from otter.test_files import test_case

OK_FORMAT = False

name = "sample_model_planning"
points = None

@test_case(points=0.5, hidden=False)
def test_sample_model_planning_with_k_zero_changes_nothing(sample_model_planning):
    """With k = 0 no value changes (public example)."""
    import numpy as np
    from helpers.answers import returned_table, seeded_generators
    model = np.zeros((5, 4, 6, 2))
    model[1, 0, 2] = (3.0, 3.0)
    value = np.arange(20, dtype=float).reshape(5, 4)
    with seeded_generators(sample_model_planning):
        result = sample_model_planning(model, value.copy(), {'k': 0, 'alpha': 0.5, 'gamma': 0.8})
    result = returned_table(result, (5, 4), 'sample_model_planning')
    assert np.array_equal(result, value), "with params['k'] = 0 planning must not change any value"

@test_case(points=0.5, hidden=False)
def test_sample_model_planning_uses_the_average_reward(sample_model_planning):
    """An update uses the average reward (public example)."""
    import numpy as np
    from helpers.answers import number_text, returned_table, seeded_generators
    model = np.zeros((5, 4, 6, 2))
    model[1, 0, 2] = (4.0, 2.0)
    value = np.zeros((5, 4))
    value[2] = [0.0, 0.5, 0.0, 0.0]
    with seeded_generators(sample_model_planning):
        result = sample_model_planning(model, value, {'k': 1, 'alpha': 0.5, 'gamma': 0.8})
    result = returned_table(result, (5, 4), 'sample_model_planning')
    expected = 0.5 * (0.5 + 0.8 * 0.5)
    assert np.isclose(result[1, 0], expected), f'the only seen pair is state 1, action 0, always to state 2 with average reward 2 / 4 = 0.5; one update should give Q = 0.5 * (0.5 + 0.8 * 0.5) = {number_text(expected)}, got {number_text(result[1, 0])}'

