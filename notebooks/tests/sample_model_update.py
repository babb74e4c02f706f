from otter.test_files import test_case

OK_FORMAT = False

name = "sample_model_update"
points = None

@test_case(points=1, hidden=False)
def test_sample_model_update_counts_and_adds_up(sample_model_update):
    import numpy as np
    from helpers.answers import returned_table
    model = np.zeros((5, 4, 6, 2))
    model = returned_table(sample_model_update(model, 2, 1, -1.0, 3), (5, 4, 6, 2), 'sample_model_update')
    model = returned_table(sample_model_update(model, 2, 1, -1.0, 3), (5, 4, 6, 2), 'sample_model_update')
    assert tuple(model[2, 1, 3]) == (2.0, -2.0), f"after seeing (state 2, action 1) -> next state 3 with reward -1 twice, model[2, 1, 3] should be (count 2, total reward -2), but it is ({', '.join((str(x) for x in model[2, 1, 3]))})"
    model = returned_table(sample_model_update(model, 4, 0, 1.0, None), (5, 4, 6, 2), 'sample_model_update')
    assert tuple(model[4, 0, 5]) == (1.0, 1.0), f"when the episode ends (next_state None) the outcome is the last index, n_states = 5: model[4, 0, 5] should be (1, 1), but it is ({', '.join((str(x) for x in model[4, 0, 5]))})"

