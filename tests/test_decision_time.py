"""The decision-time planning bonus notebook: the planners and the agent loop of
helpers/decision_time.py, and the directions of the comparison the notebook documents,
read from the notebook's own run over its 10 seeds with the reference solutions
(conftest's `filled_notebook`, shared with the claims test).

Measured when the notebook was written (30 episodes, 10 seeds, real steps in all
episodes, per seed): Q-learning 3149-3377, Dyna-Q (k = 10) 1616-1757, random-shooting
MPC 1654-1812, MCTS 1402-1500. The tests pin the directions with margins well inside
those ranges: MPC and MCTS beat Q-learning by more than a third on every seed, MCTS beats
Dyna-Q on every seed; MPC against Dyna-Q is too close to call and is not tested.
"""

import numpy as np
import pytest

from autograder.masters import solution_source
from helpers import QuentinsWorld, default_params, q_learning
from helpers.decision_time import (AGENTS, MonteCarloTreeSearch, RandomShootingMPC,
                                   plot_compute_per_step, plot_steps_comparison,
                                   run_decision_time_agent)

NAME = "08_decision_time_planning"


@pytest.fixture(scope="module")
def solutions():
    import math
    namespace = {"np": np, "math": math, "q_learning": q_learning}
    for function in ("dyna_q_model_update", "dyna_q_planning", "rollout_return", "ucb_score"):
        exec(solution_source(NAME, function), namespace)
    return namespace


@pytest.fixture(scope="module")
def comparison(filled_notebook):
    """`(steps, seconds_per_step)` of the notebook's comparison of the four agents."""
    variables = filled_notebook(NAME)[1]
    return variables["steps"], variables["seconds_per_step"]


def _chain_model():
    """A corridor 0 -> 1 -> 2 -> 3 (goal) with action 0; action 1 stays put; the pair
    (3, any) ends the episode. Rewards: 1 for entering 3."""
    model = np.full((4, 2, 2), np.nan)
    for s in range(3):
        model[s, 0] = (1.0 if s == 2 else 0.0, s + 1)
        model[s, 1] = (0.0, s)
    model[3] = (0.0, np.nan)
    return model


# --- the planners ---------------------------------------------------------------------

def test_mpc_estimates_each_first_action_by_its_best_sequence(solutions):
    np.random.seed(0)
    planner = RandomShootingMPC(solutions["rollout_return"], n_sequences=40, horizon=3)
    estimates = planner(_chain_model(), np.zeros(4), 1, 0.5)
    # from 1: action 0 leads to 2, then action 0 enters the goal: 0 + 0.5 * 1
    assert estimates[0] == pytest.approx(0.5)
    # action 1 first stays in 1; the best continuation is 0, 0: 0.25 * 1
    assert estimates[1] == pytest.approx(0.25)


def test_mpc_leaves_an_action_without_sequences_unestimated(solutions):
    planner = RandomShootingMPC(solutions["rollout_return"], n_sequences=1, horizon=2)
    estimates = planner(_chain_model(), np.zeros(4), 0, 0.9)
    assert not np.isnan(estimates[0]) and np.isnan(estimates[1])


def test_mcts_finds_the_goal_two_steps_ahead(solutions):
    np.random.seed(0)
    planner = MonteCarloTreeSearch(solutions["rollout_return"], solutions["ucb_score"],
                                   n_simulations=16, max_depth=3)
    estimates = planner(_chain_model(), np.zeros(4), 1, 0.5)
    assert estimates[0] == pytest.approx(0.5)   # 1 -> 2 -> goal: 0 + 0.5 * 1
    assert estimates[1] < estimates[0]          # staying put first can only delay the goal


def test_mcts_scores_an_untried_action_by_the_state_value(solutions):
    model = _chain_model()
    model[0, 1] = np.nan
    values = np.array([0.7, 0.0, 0.0, 0.0])
    planner = MonteCarloTreeSearch(solutions["rollout_return"], solutions["ucb_score"],
                                   n_simulations=4, max_depth=2)
    assert planner(model, values, 0, 0.5)[1] == pytest.approx(0.7)


def test_mcts_calls_the_students_ucb_score_with_counts(solutions):
    calls = []

    def recording_ucb(total_return, visits, parent_visits, c):
        calls.append((visits, parent_visits, c))
        return solutions["ucb_score"](total_return, visits, parent_visits, c)

    planner = MonteCarloTreeSearch(solutions["rollout_return"], recording_ucb,
                                   n_simulations=8, max_depth=2, exploration=0.3)
    planner(_chain_model(), np.zeros(4), 0, 0.9)
    assert calls and all(c == 0.3 and 0 <= v <= p for v, p, c in calls)


def test_budgets_per_decision():
    assert RandomShootingMPC(None, n_sequences=20, horizon=3).simulated_steps_per_decision() == 60
    assert MonteCarloTreeSearch(None, None, n_simulations=16, max_depth=3,
                                rollout_length=0).simulated_steps_per_decision() == 48


# --- the agent loop --------------------------------------------------------------------

def test_agent_writes_estimates_back_and_learns_the_model(solutions):
    class FixedPlanner:
        def __call__(self, model, state_values, state, gamma):
            assert state_values.shape == (100,)
            return np.array([0.3, np.nan, np.nan, np.nan])  # always go right

    np.random.seed(0)
    value, model, steps, seconds = run_decision_time_agent(
        QuentinsWorld(), solutions["dyna_q_model_update"], FixedPlanner(),
        default_params(epsilon=0.0), max_steps=50, n_episodes=1)
    # from 54 right into the red cell 56 and then against the border at 59
    assert steps[0] == 50 and seconds > 0
    assert tuple(model[54, 0]) == (0.0, 55.0) and tuple(model[55, 0]) == (-1.0, 56.0)
    assert np.isnan(model[54, 1, 0])
    assert value[54, 1] == 1.0              # never estimated, never tried
    assert value[59, 0] != 1.0


def test_agent_is_reproducible_with_a_seed(solutions):
    planner = RandomShootingMPC(solutions["rollout_return"])
    runs = []
    for _ in range(2):
        np.random.seed(3)
        runs.append(run_decision_time_agent(QuentinsWorld(), solutions["dyna_q_model_update"],
                                            planner, default_params(), 1000, 3)[2])
    assert np.array_equal(*runs)


# --- the comparison of the notebook ----------------------------------------------------

def test_comparison_has_every_agent_seed_and_episode(comparison):
    steps, seconds = comparison
    assert list(steps) == list(AGENTS) == list(seconds)
    assert all(runs.shape == (10, 30) and (runs >= 10).all() for runs in steps.values())


def test_decision_time_planners_need_far_fewer_real_steps_than_q_learning(comparison):
    totals = {name: runs.sum(axis=1) for name, runs in comparison[0].items()}
    for planner in ("random-shooting MPC", "MCTS"):
        assert (totals[planner] < 0.67 * totals["Q-learning"]).all(), planner


def test_mcts_needs_fewer_real_steps_than_dyna_q_on_every_seed(comparison):
    totals = {name: runs.sum(axis=1) for name, runs in comparison[0].items()}
    assert (totals["MCTS"] < totals["Dyna-Q (k = 10)"]).all()
    assert np.median(totals["MCTS"]) < 0.93 * np.median(totals["Dyna-Q (k = 10)"])


def test_planners_settle_near_the_shortest_path_while_q_learning_still_wanders(comparison):
    late = {name: np.median(runs[:, -10:]) for name, runs in comparison[0].items()}
    assert late["MCTS"] <= 30 and late["random-shooting MPC"] <= 40
    assert late["Q-learning"] >= 2 * late["MCTS"]


def test_decision_time_planning_costs_more_time_per_real_step(comparison):
    median = {name: np.median(s) for name, s in comparison[1].items()}
    for planner in ("random-shooting MPC", "MCTS"):
        assert median[planner] > 5 * median["Q-learning"], planner
        assert median[planner] > median["Dyna-Q (k = 10)"], planner


def test_plots_draw_every_agent(comparison):
    import matplotlib.pyplot as plt

    steps, seconds = comparison
    ax = plot_steps_comparison(steps)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert all(any(label.startswith(name) for label in labels) for name in AGENTS)
    assert ax.get_yscale() == "log"
    ax = plot_compute_per_step(seconds)
    assert [tick.get_text() for tick in ax.get_yticklabels()] == list(AGENTS)
    plt.close("all")
