"""Quentin's World and GridWorld: every transition, borders, goal, shortcut, layouts."""

import numpy as np
import pytest

from benchmarks.original_tutorial import OriginalQuentinsWorld
from helpers import GridWorld, QuentinsWorld
from helpers.worlds import DOWN, LEFT, RIGHT, UP


def all_outcomes(world):
    return {(s, a): world.get_outcome(s, a) for s in range(100) for a in range(4)}


@pytest.mark.parametrize("shortcut_open", [False, True])
def test_every_transition_matches_the_tutorial(shortcut_open):
    ours, original = QuentinsWorld(), OriginalQuentinsWorld()
    if shortcut_open:
        ours.toggle_shortcut()
        original.toggle_shortcut()
    assert all_outcomes(ours) == all_outcomes(original)


def test_red_cells_form_the_box_with_a_gap_at_14():
    world = QuentinsWorld()
    box = {12, 22, 32, 42, 52, 62, 72, 13, 73, 74, 15, 75, 16, 26, 36, 46, 56, 66, 76}
    assert set(world.red_states) == box
    assert (world.init_state, world.goal_state) == (54, 99)


def test_every_move_into_a_red_cell_costs_one_and_still_happens():
    world = QuentinsWorld()
    costly = {(s, a): o for (s, a), o in all_outcomes(world).items() if o[1] == -1}
    assert len(costly) == 76
    assert all(next_state in world.red_states for next_state, _ in costly.values())


def test_borders_leave_the_agent_in_place_at_no_cost():
    world = QuentinsWorld()
    for s in range(10):
        assert world.get_outcome(s, DOWN) == (s, 0)
        assert world.get_outcome(s * 10, LEFT) == (s * 10, 0)
        if s < 9:
            assert world.get_outcome(90 + s, UP) == (90 + s, 0)
            assert world.get_outcome(s * 10 + 9, RIGHT) == (s * 10 + 9, 0)


def test_entering_the_goal_pays_one_and_any_action_there_ends_the_episode():
    world = QuentinsWorld()
    assert world.get_outcome(98, RIGHT) == (99, 1)
    assert world.get_outcome(89, UP) == (99, 1)
    for action in range(4):
        assert world.get_outcome(99, action) == (None, 0)


def test_shortcut_makes_the_move_up_from_64_free_and_toggles_back():
    world = QuentinsWorld()
    assert world.get_outcome(64, UP) == (74, -1)
    world.toggle_shortcut()
    assert world.get_outcome(64, UP) == (74, 0)
    assert world.get_outcome(73, RIGHT) == (74, -1), "74 stays red from every other side"
    world.toggle_shortcut()
    assert world.get_outcome(64, UP) == (74, -1)


def test_shortest_path_is_20_steps_and_10_with_the_shortcut():
    world = QuentinsWorld()
    assert world.shortest_episode() == 20
    world.toggle_shortcut()
    assert world.shortest_episode() == 10


def test_a_world_whose_goal_cannot_be_reached_says_so():
    with pytest.raises(ValueError, match="goal cannot be reached"):
        GridWorld("S#G").shortest_episode()


def test_get_all_outcomes_lists_one_certain_outcome_per_pair():
    outcomes = QuentinsWorld().get_all_outcomes()
    assert len(outcomes) == 400
    assert outcomes[64, UP] == [(1.0, 74, -1)]
    assert outcomes[99, LEFT] == [(1.0, None, 0)]


def test_walls_block_moves_and_layout_numbering_starts_bottom_left():
    world = GridWorld("""
        ..G
        .#.
        S.x
    """)
    assert (world.dim_x, world.dim_y, world.n_states) == (3, 3, 9)
    assert (world.init_state, world.goal_state, world.wall_states, world.red_states) == (0, 8, [4], [2])
    assert world.get_outcome(1, UP) == (1, 0), "the wall at 4 blocks the move"
    assert world.get_outcome(3, RIGHT) == (3, 0)
    assert world.get_outcome(1, RIGHT) == (2, -1)
    assert world.get_outcome(5, UP) == (8, 1)


def test_numpy_integer_and_integral_float_states_are_accepted():
    world = QuentinsWorld()
    assert world.get_outcome(np.int64(54), np.int64(3)) == (44, 0)
    assert world.get_outcome(54.0, 3) == (44, 0)


@pytest.mark.parametrize("state, action, message", [
    (100, 0, "state must be an integer from 0 to 99"),
    (-1, 0, "state must be an integer from 0 to 99"),
    (5.5, 0, "state must be an integer from 0 to 99"),
    (5, 4, "action must be an integer from 0 to 3"),
    (5, None, "action must be an integer from 0 to 3"),
])
def test_out_of_range_state_or_action_is_a_clear_error(state, action, message):
    with pytest.raises(ValueError, match=message):
        QuentinsWorld().get_outcome(state, action)


@pytest.mark.parametrize("layout, message", [
    ("...\n..G", "exactly one start cell 'S'"),
    ("S..\n...", "exactly one goal cell 'G'"),
    ("S.\n..G", "same length"),
    ("S?G", "unknown character"),
    ("", "empty"),
])
def test_bad_layouts_are_refused_with_a_reason(layout, message):
    with pytest.raises(ValueError, match=message):
        GridWorld(layout)


def test_a_world_without_shortcut_refuses_to_toggle():
    with pytest.raises(ValueError, match="no shortcut"):
        GridWorld("S.G").toggle_shortcut()


def test_slippery_world_slips_at_the_given_rate_without_touching_np_random():
    world = QuentinsWorld(slip=0.4, seed=3)
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    outcomes = [world.get_outcome(54, DOWN)[0] for _ in range(4000)]
    assert np.random.random() == before
    # a slip picks one of the 4 actions uniformly, so 3/4 of slips leave the intended move
    moved_down = np.mean(np.array(outcomes) == 44)
    assert abs(moved_down - (1 - 0.4 * 3 / 4)) < 0.04


def test_the_slip_rule_is_one_table_for_drawing_and_for_listing_outcomes():
    taken = QuentinsWorld(slip=0.4).taken_actions(DOWN)
    assert [action for _, action in taken] == [RIGHT, UP, LEFT, DOWN]
    assert [p for p, _ in taken] == pytest.approx([0.1, 0.1, 0.1, 0.7])
    assert QuentinsWorld().taken_actions(DOWN) == [(1.0, DOWN)]


def test_slippery_outcome_probabilities_sum_to_one():
    outcomes = QuentinsWorld(slip=0.2).get_all_outcomes()
    for listed in outcomes.values():
        assert sum(p for p, _, _ in listed) == pytest.approx(1.0)
    assert dict(((ns, r), p) for p, ns, r in outcomes[54, DOWN])[(44, 0)] == pytest.approx(0.85)
