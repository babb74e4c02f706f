from otter.test_files import test_case

OK_FORMAT = False

name = "rollout_return"
points = None

@test_case(points=1, hidden=False)
def test_rollout_return_small_model(rollout_return):
    """The discounted return of a rollout (public example)."""
    import numpy as np
    from helpers.answers import number_text, returned_number
    model = np.full((4, 2, 2), np.nan)
    model[0, 0] = (0.0, 1.0)
    model[1, 1] = (1.0, 2.0)
    model[2, 0] = (-1.0, np.nan)
    values = np.array([0.1, 0.2, 0.3, 0.4])
    result = returned_number(rollout_return(model, 0, [0, 1], 0.5, values), 'rollout_return')
    assert np.isclose(result, 0 + 0.5 * 1 + 0.25 * 0.3), f'actions [0, 1] from state 0 give rewards 0 and 1 and stop in state 2, so the return is 0 + 0.5 * 1 + 0.5 ** 2 * state_values[2] = 0.575, got {number_text(result)}'
    result = returned_number(rollout_return(model, 0, np.array([0, 1, 0, 1]), 0.5, values), 'rollout_return')
    assert np.isclose(result, 0 + 0.5 * 1 + 0.25 * -1), f'actions [0, 1, 0, 1] end the episode at the third step, so the return is 0 + 0.5 * 1 + 0.25 * (-1) = 0.25 with no state value and no fourth step, got {number_text(result)}'
    result = returned_number(rollout_return(model, 0, [1, 0], 0.5, values), 'rollout_return')
    assert np.isclose(result, 0.1), f'action 1 was never tried in state 0, so the rollout stops at once and returns state_values[0] = 0.1, got {number_text(result)}'

