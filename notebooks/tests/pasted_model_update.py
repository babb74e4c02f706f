from otter.test_files import test_case

OK_FORMAT = False

name = "pasted_model_update"
points = 0

@test_case(points=None, hidden=False)
def test_model_update_stores_reward_and_next_state(dyna_q_model_update):
    import numpy as np
    from helpers.answers import returned_table
    model = dyna_q_model_update(np.full((6, 4, 2), np.nan), 2, 1, -1.0, 3)
    model = returned_table(model, (6, 4, 2), 'dyna_q_model_update')
    assert tuple(model[2, 1]) == (-1.0, 3.0), f"after observing reward -1 and next state 3 for state 2, action 1, model[2, 1] should be (-1, 3) but it is ({', '.join((str(x) for x in model[2, 1]))})"

@test_case(points=None, hidden=False)
def test_model_update_leaves_other_pairs_unknown(dyna_q_model_update):
    import numpy as np
    from helpers.answers import returned_table
    model = dyna_q_model_update(np.full((6, 4, 2), np.nan), 2, 1, 1.0, 5)
    model = returned_table(model, (6, 4, 2), 'dyna_q_model_update')
    assert np.isnan(np.delete(model.reshape(24, 2), 2 * 4 + 1, axis=0)).all(), 'only model[2, 1] should change; other pairs were never observed and must stay NaN'

