"""Dyna-Q+ (bonus notebook 06): the helpers that run it, the blocking world, and the
directions of the two comparisons with Dyna-Q, read from the notebook's own run over its
20 seeds (conftest's `filled_notebook`, shared with the claims test).

Measured with the masters' reference functions (kappa 0.002, k 10, change at episode 50
of 150): Dyna-Q+ tries the move up from 64 after the unannounced shortcut opens in most
runs, Dyna-Q almost never; when the usual exit is blocked both find the new gap in every
run, neither reliably sooner (over seeds 0-39 each was sooner in about half the runs,
medians 4 and 4 episodes), and afterwards Dyna-Q+ keeps exploring (longer episodes).
"""

import numpy as np
import pytest

from helpers import QuentinsWorld, default_params, learn_environment, q_learning
from helpers.changing_worlds import BlockingQuentinsWorld, SwitchingGridWorld
from helpers.dyna_q_plus import (NEW_EXIT_PAIRS, SHORTCUT_PAIRS, TimeSinceTried, TriedPairs,
                                 describe_head_to_head, first_try_after, learn_with_bonus)
from helpers.worlds import DOWN, LEFT, QUENTINS_LAYOUT, UP


@pytest.fixture(scope="module")
def plus_planning():
    from autograder.masters import solution_source

    namespace = {"np": np, "q_learning": q_learning}
    exec(solution_source("06_dyna_q_plus", "dyna_q_plus_planning"), namespace)
    return namespace["dyna_q_plus_planning"]


@pytest.fixture(scope="module")
def notebook_run(filled_notebook):
    """The variables of notebook 06 run with the reference answers: its comparisons."""
    return filled_notebook("06_dyna_q_plus")[1]


# --- the blocking world --------------------------------------------------------------

def test_blocking_world_starts_as_quentins_world_without_the_shortcut():
    world, quentin = BlockingQuentinsWorld(), QuentinsWorld()
    assert world.get_all_outcomes() == quentin.get_all_outcomes()


def test_the_change_walls_up_14_and_opens_32_and_toggles_back():
    world = BlockingQuentinsWorld()
    assert world.get_outcome(24, DOWN) == (14, 0) and world.get_outcome(33, LEFT) == (32, -1)
    world.toggle_change()
    assert world.get_outcome(24, DOWN) == (24, 0), "moving into the new wall leaves the agent in place"
    assert world.get_outcome(33, LEFT) == (32, 0), "the new gap is free"
    assert world.cells[14] == "wall" and world.cells[32] == "free" and 14 in world.wall_states
    world.toggle_shortcut()  # what learn_environment calls: the same switch
    assert world.get_outcome(24, DOWN) == (14, 0) and not world.changed


def test_switching_world_refuses_layouts_with_another_goal():
    moved_goal = QUENTINS_LAYOUT.replace(".........G", "........G.")
    with pytest.raises(ValueError, match="same start and goal"):
        SwitchingGridWorld(QUENTINS_LAYOUT, moved_goal)


def test_the_watched_moves_are_the_ones_the_change_alters():
    world = BlockingQuentinsWorld()
    before = {pair: world.get_outcome(*pair) for pair in NEW_EXIT_PAIRS}
    world.toggle_change()
    assert all(world.get_outcome(*pair) == (32, 0) != before[pair] for pair in NEW_EXIT_PAIRS)
    quentin = QuentinsWorld()
    quentin.toggle_shortcut()
    assert [quentin.get_outcome(*pair) for pair in SHORTCUT_PAIRS] == [(74, 0)]


# --- the clock and the watcher ------------------------------------------------------------

def test_elapsed_counts_real_steps_since_each_pair_was_last_tried():
    seen = []

    def planner(model, value, elapsed, params):
        seen.append(elapsed.copy())
        elapsed[:] = -1  # a planner that scribbles on its copy changes nothing
        return value

    clock = TimeSinceTried(lambda model, *transition: model, planner, 3, 2)
    for state, action in [(0, 1), (2, 0), (0, 1), (1, 1)]:
        clock.model_update(None, state, action, 0.0, 0)
        clock.planning(None, np.zeros((3, 2)), {})
    last = seen[-1]
    assert last[1, 1] == 0, "the pair tried on this step has elapsed time 0"
    assert last[0, 1] == 1 and last[2, 0] == 2
    assert last[0, 0] == 4, "a pair never tried counts from the start"
    assert seen[0][0, 1] == 0 and seen[1][0, 1] == 1


def test_tried_pairs_maps_real_steps_to_episodes():
    watcher = TriedPairs(lambda model, *transition: model, [(5, UP)])
    for step, pair in enumerate([(5, UP), (1, 0), (5, UP), (5, UP), (2, 2), (5, UP)]):
        watcher.model_update(None, *pair, 0.0, 0)
    assert watcher.times == [1, 3, 4, 6]
    # episodes of 3, 2 and 1 steps: steps 1-3, 4-5 and 6
    assert watcher.episodes([3, 2, 1]).tolist() == [0, 0, 1, 2]
    assert first_try_after([0, 0, 1, 2], 1) == 0 and first_try_after([0, 3], 2) == 1
    assert np.isnan(first_try_after([0, 1], 2))


def test_learn_environment_can_open_the_shortcut_without_showing_it():
    calls = {True: 0, False: 0}
    for reveal in calls:
        def count(model, state, action, reward, next_state, reveal=reveal):
            calls[reveal] += 1
            return model

        np.random.seed(3)
        steps = learn_environment(QuentinsWorld(), count, lambda m, v, p: v, default_params(k=0),
                                  1000, 4, shortcut_episode=2, reveal_shortcut=reveal)[2]
        assert calls[reveal] == steps.sum() + reveal
    assert calls[True] != calls[False]


def test_dyna_q_plus_with_kappa_zero_repeats_dyna_q_exactly(reference, plus_planning):
    params = default_params()
    np.random.seed(5)
    dyna_q = learn_environment(QuentinsWorld(), reference.model_update, reference.planning,
                               params, 1000, 40, shortcut_episode=20, reveal_shortcut=False)
    np.random.seed(5)
    plus = learn_with_bonus(QuentinsWorld(), reference.model_update, plus_planning,
                            {**params, "kappa": 0.0}, 1000, 40, change_episode=20)
    for a, b in zip(dyna_q, plus):
        assert np.array_equal(a, b)


def test_the_reference_solution_earns_every_hidden_check(plus_planning):
    import check_kit
    import dyna_q_plus_checks

    results = check_kit.run_checks(
        dyna_q_plus_checks.CHECKS["dyna_q_plus_planning"], plus_planning)
    assert [message for *_, message in results if message] == []
    assert sum(points for _, points, _, _ in results) == pytest.approx(5.0)


# --- the comparisons ------------------------------------------------------------------

def _found(runs):
    return np.isfinite(runs).sum()


def _median_with_never_last(runs):
    return np.median(np.where(np.isnan(runs), np.inf, runs))


def test_head_to_head_counts_runs_and_ranks_never_last():
    waits = np.array([[3, np.nan, 5, np.nan, 2], [1, 4, 5, np.nan, np.nan]])
    assert describe_head_to_head(waits) == (
        "run by run: Dyna-Q+ sooner in 2, Dyna-Q sooner in 1, both in the same episode in 1, "
        "neither in 1 of 5 runs")


def test_dyna_q_plus_finds_the_unannounced_shortcut_before_dyna_q(notebook_run):
    steps, found = notebook_run["shortcut_steps"], notebook_run["shortcut_found"]
    dyna_q, plus = found
    # measured on seeds 0-19: Dyna-Q+ 17 of 20 runs (median 30 episodes), Dyna-Q 0 of 20
    assert _found(plus) >= 14 and _found(dyna_q) <= 3
    assert _median_with_never_last(plus) < _median_with_never_last(dyna_q)
    assert _median_with_never_last(plus) <= 60
    # and it then uses it: shorter episodes than Dyna-Q at the end of the run
    assert np.median(steps[1, :, -50:]) < np.median(steps[0, :, -50:]) == 20


def test_after_a_block_both_find_the_new_exit_and_dyna_q_plus_keeps_exploring(notebook_run):
    steps, found = notebook_run["blocking_steps"], notebook_run["blocking_found"]
    # measured on seeds 0-19: every run of both methods steps into the new gap, within 38
    # episodes (medians 4 and 3; which one is sooner is no stable direction, see above).
    # Median steps per episode over the last 50 episodes: Dyna-Q 20, Dyna-Q+ 47.
    assert _found(found[0]) == _found(found[1]) == found.shape[1] == 20
    assert np.nanmax(found) <= 80
    assert np.median(steps[0, :, -50:]) == 20
    assert np.median(steps[1, :, -50:]) > 30
