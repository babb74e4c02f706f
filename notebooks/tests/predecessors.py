from otter.test_files import test_case

OK_FORMAT = False

name = "predecessors"
points = None

@test_case(points=1, hidden=False)
def test_predecessors_finds_the_pairs_leading_to_a_state(predecessors):
    """The pairs leading to a state are found (public example)."""
    import numpy as np
    from helpers.answers import returned_pairs
    model = np.full((5, 2, 2), np.nan)
    model[0, 0] = (0.0, 3.0)
    model[2, 1] = (-1.0, 3.0)
    model[3, 0] = (0.0, 3.0)
    model[1, 1] = (1.0, np.nan)
    model[4, 0] = (0.0, 2.0)
    found = returned_pairs(predecessors(model, 3), 'predecessors')
    assert found == [(0, 0), (2, 1), (3, 0)], f'the pairs leading to state 3 are (0, 0), (2, 1) and (3, 0), got {found}'
    assert returned_pairs(predecessors(model, 1), 'predecessors') == [], 'no pair leads to state 1: return an empty list'
    assert returned_pairs(predecessors(model, 0), 'predecessors') == [], 'no pair leads to state 0: a NaN next state (the episode ended, or the pair was never tried) is not state 0'

