from otter.test_files import test_case

OK_FORMAT = False

name = "dyna_q_plus_planning"
points = None

@test_case(points=0.5, hidden=False)
def test_plus_planning_adds_the_bonus_to_the_reward(dyna_q_plus_planning):
    """The bonus is added to the reward (public example)."""
    import numpy as np
    from helpers.answers import number_text, returned_table, seeded_generators
    model = np.full((5, 4, 2), np.nan)
    model[1, 0] = (0.0, 2.0)
    value = np.zeros((5, 4))
    value[2] = [0.0, 0.5, 0.0, 0.0]
    elapsed = np.zeros((5, 4))
    elapsed[1, 0] = 16.0
    params = {'k': 1, 'alpha': 0.5, 'gamma': 0.8, 'kappa': 0.05}
    with seeded_generators(dyna_q_plus_planning):
        result = returned_table(dyna_q_plus_planning(model, value, elapsed, params), (5, 4), 'dyna_q_plus_planning')
    expected = 0.5 * (0.0 + 0.05 * 4.0 + 0.8 * 0.5)
    assert np.isclose(result[1, 0], expected), f'one planning update of state 1, action 0 with bonus 0.05 * sqrt(16) = 0.2 should give Q = 0.5 * (0 + 0.2 + 0.8 * 0.5) = {number_text(expected)}, got {number_text(result[1, 0])}'

@test_case(points=0.5, hidden=False)
def test_plus_planning_changes_neither_model_nor_elapsed(dyna_q_plus_planning):
    """Neither the model nor elapsed changes (public example)."""
    import numpy as np
    from helpers.answers import returned_table, seeded_generators
    model = np.full((5, 4, 2), np.nan)
    model[1, 0] = (1.0, 2.0)
    model[3, 2] = (-1.0, np.nan)
    elapsed = np.arange(20, dtype=float).reshape(5, 4)
    model_before, elapsed_before = (model.copy(), elapsed.copy())
    with seeded_generators(dyna_q_plus_planning):
        result = dyna_q_plus_planning(model, np.zeros((5, 4)), elapsed, {'k': 5, 'alpha': 0.5, 'gamma': 0.8, 'kappa': 0.1})
    returned_table(result, (5, 4), 'dyna_q_plus_planning')
    assert np.array_equal(model, model_before, equal_nan=True), 'planning must not change the model'
    assert np.array_equal(elapsed, elapsed_before), 'planning must not change elapsed'

