from otter.test_files import test_case

OK_FORMAT = False

name = "ucb_score"
points = None

@test_case(points=1, hidden=False)
def test_ucb_score_small_cases(ucb_score):
    """The UCB score of a few small cases (public example)."""
    import math
    from helpers.answers import number_text, returned_number
    result = returned_number(ucb_score(0.0, 0, 5, 1.0), 'ucb_score')
    assert result == math.inf, f'an action never visited must score infinity, got {number_text(result)}'
    result = returned_number(ucb_score(2.0, 4, 10, 0.0), 'ucb_score')
    assert math.isclose(result, 0.5), f'with c = 0 the score is the average return 2 / 4 = 0.5, got {number_text(result)}'
    expected = 0.5 + math.sqrt(math.log(10) / 4)
    result = returned_number(ucb_score(2.0, 4, 10, 1.0), 'ucb_score')
    assert math.isclose(result, expected), f'ucb_score(2.0, 4, 10, 1.0) should be 2 / 4 + 1 * sqrt(ln(10) / 4) = {expected:.6f}, got {number_text(result)}'

