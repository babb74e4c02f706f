"""The bonus notebook on Q-planning and sample models: the helpers in
helpers/sample_models.py, and the notebook's comparisons run with the master's
reference solutions (the direction of each result, over enough seeds to be stable)."""

import numpy as np
import pytest

from helpers import QuentinsWorld, default_params, q_learning
from helpers import sample_models as sm

NAME = "05_q_planning_and_sample_models"


@pytest.fixture(scope="module")
def solutions(reference):
    """The master's sample_model_update and sample_model_planning, with the tutorial's
    reference model update and planning of notebooks 1 and 2."""
    from autograder.masters import solution_source

    namespace = {"np": np, "q_learning": q_learning}
    for function in ("sample_model_update", "sample_model_planning"):
        exec(solution_source(NAME, function), namespace)
    namespace["dyna_q_model_update"] = reference.model_update
    namespace["dyna_q_planning"] = reference.planning
    return namespace


# --- models -----------------------------------------------------------------------

def test_empty_models_have_the_documented_shapes():
    assert sm.empty_last_outcome_model(5, 4).shape == (5, 4, 2)
    assert np.isnan(sm.empty_last_outcome_model(5, 4)).all()
    assert sm.empty_sample_model(5, 4).shape == (5, 4, 6, 2)
    assert not sm.empty_sample_model(5, 4).any()


def test_sample_model_probabilities_are_count_shares_and_zero_for_unseen_pairs():
    model = sm.empty_sample_model(3, 2)
    model[1, 0, 2] = (3, 0.0)
    model[1, 0, 3] = (1, 1.0)        # the end
    probabilities = sm.sample_model_probabilities(model)
    assert probabilities[1, 0].tolist() == [0, 0, 0.75, 0.25]
    assert not probabilities[0].any() and not probabilities[2].any()


def test_last_outcome_probabilities_put_all_mass_on_the_remembered_outcome():
    model = sm.empty_last_outcome_model(3, 2)
    model[0, 1] = (0.0, 2.0)
    model[2, 0] = (1.0, np.nan)      # ended the episode
    probabilities = sm.last_outcome_probabilities(model)
    assert probabilities[0, 1].tolist() == [0, 0, 1, 0]
    assert probabilities[2, 0].tolist() == [0, 0, 0, 1]
    assert probabilities.sum() == 2


def test_build_model_feeds_every_transition_in_order(solutions):
    env = QuentinsWorld()
    transitions = sm.sample_every_pair(env, 2, seed=0)
    assert len(transitions) == 2 * env.n_states * env.n_actions
    model = sm.build_model(solutions["sample_model_update"],
                           sm.empty_sample_model(env.n_states, env.n_actions), transitions)
    assert model[..., 0].sum(axis=-1).tolist() == [[2.0] * 4] * env.n_states
    assert model[54, 1, 64].tolist() == [2.0, 0.0]
    assert model[99, 0, env.n_states].tolist() == [2.0, 0.0]


def test_sample_every_pair_does_not_touch_the_global_generator():
    np.random.seed(7)
    expected = np.random.random()
    np.random.seed(7)
    sm.sample_every_pair(QuentinsWorld(slip=0.2, seed=1), 1, seed=3)
    assert np.random.random() == expected


# --- the exact judge ----------------------------------------------------------------

@pytest.fixture(scope="module")
def judge():
    return sm.ExactJudge(QuentinsWorld(), 0.8)


def test_optimal_values_follow_the_19_move_route(judge):
    assert judge.optimal[99].tolist() == [0.0] * 4
    assert judge.optimal[89, 1] == pytest.approx(1.0)          # up from 89 enters the goal
    assert judge.optimal[54].max() == pytest.approx(0.8 ** 18)   # +1 on the 19th move


def test_the_optimal_table_loses_nothing_and_reaches_the_best_return(judge):
    assert judge.value_loss(judge.optimal) == pytest.approx(0.0, abs=1e-12)
    assert judge.start_fraction(judge.optimal) == pytest.approx(1.0)


def test_a_policy_that_never_arrives_gets_nothing_from_the_start(judge):
    always_down = np.zeros((100, 4))
    always_down[:, 3] = 1.0          # down through the gap at 14, then against the border
    assert judge.start_fraction(always_down) == 0.0
    assert judge.value_loss(always_down) > 0.1


def test_greedy_values_solve_the_bellman_equation_of_the_policy():
    judge = sm.ExactJudge(QuentinsWorld(slip=0.2), 0.8)
    value = np.random.default_rng(0).random((100, 4))
    v = judge.greedy_values(value)
    greedy = value.argmax(axis=1)
    states = np.arange(100)
    backup = (judge.expected_reward[states, greedy]
              + 0.8 * judge.probabilities[states, greedy, :100] @ v)
    assert np.allclose(v, backup)


def test_model_error_is_zero_for_the_truth_and_positive_for_a_deterministic_guess():
    env = QuentinsWorld(slip=0.2)
    judge = sm.ExactJudge(env, 0.8)
    assert judge.model_error(judge.probabilities) == 0.0
    one_each = sm.build_model(lambda m, s, a, r, ns: _last(m, s, a, r, ns),
                              sm.empty_last_outcome_model(100, 4), sm.sample_every_pair(env, 1, 0))
    assert 0.1 < judge.model_error(sm.last_outcome_probabilities(one_each)) < 0.5


def _last(model, state, action, reward, next_state):
    model[state, action] = reward, next_state
    return model


# --- the curves ---------------------------------------------------------------------

def test_dyna_q_curve_stops_at_the_budget_and_measures_at_every_checkpoint(solutions):
    calls = []

    def measure(value):
        calls.append(value.copy())
        return len(calls)

    np.random.seed(0)
    curve = sm.dyna_q_curve(QuentinsWorld(), solutions["dyna_q_model_update"],
                            solutions["dyna_q_planning"], default_params(), [110, 220, 550],
                            measure)
    assert curve.tolist() == [1, 2, 3]
    assert not np.array_equal(calls[0], calls[2])


def test_q_planning_curve_makes_exactly_the_checkpoint_number_of_updates():
    made = []

    def counting_planner(model, value, params):
        made.append(params["k"])
        return value

    sm.q_planning_curve(counting_planner, sm.empty_last_outcome_model(4, 4), default_params(),
                        [100, 250, 1000], measure=lambda value: 0.0)
    assert made == [100, 150, 750]


def test_compare_at_equal_updates_gives_one_row_per_seed():
    agents = {"a": lambda seed, checkpoints, measure: np.full(len(checkpoints), seed),
              "b": lambda seed, checkpoints, measure: np.random.random(len(checkpoints))}
    curves = sm.compare_at_equal_updates(agents, [3, 4], [10, 20, 30], measure=None,
                                         progress=False)
    assert curves["a"].tolist() == [[3, 3, 3], [4, 4, 4]]
    np.random.seed(4)
    assert curves["b"][1].tolist() == np.random.random(3).tolist()


def test_the_plot_draws_one_median_line_per_method():
    import matplotlib.pyplot as plt

    curves = {"x": np.arange(12.0).reshape(3, 4), "y": np.ones((3, 4))}
    ax = sm.plot_curves(curves, [1, 2, 3, 4], "loss", "title", best=0.0)
    assert len(ax.get_lines()) == 3
    assert "median of 3 seeds" in ax.get_legend().get_texts()[0].get_text()
    plt.close(ax.figure)


# --- the notebook's comparisons (master solutions) --------------------------------------

SEEDS = range(10)


def test_the_sample_model_beats_the_last_outcome_model_in_the_slippery_world(solutions):
    """Q-planning, 5 samples of every pair, 8000 updates, 10 seeds. Measured (return lost,
    averaged over states): sample model median 0.101 (0.079 to 0.136), last-outcome model
    0.173 (0.120 to 0.425); the sample model lost less in 9 of 10 seeds (the tenth: 0.136
    against 0.133)."""
    params = default_params()
    judge = sm.ExactJudge(sm.slippery_world(0), params["gamma"])
    agents = {
        "last": sm.q_planning_agent(solutions["dyna_q_planning"], solutions["dyna_q_model_update"],
                                    sm.empty_last_outcome_model, sm.slippery_world, 5, params),
        "sample": sm.q_planning_agent(solutions["sample_model_planning"],
                                      solutions["sample_model_update"], sm.empty_sample_model,
                                      sm.slippery_world, 5, params),
    }
    curves = sm.compare_at_equal_updates(agents, SEEDS, [4000, 8000], judge.value_loss,
                                         progress=False)
    last, sample = curves["last"][:, -1], curves["sample"][:, -1]
    assert np.median(sample) < np.median(last) - 0.05
    assert np.sum(sample < last) >= 8


def test_more_samples_make_the_sample_model_exact_but_not_the_last_outcome_model(solutions):
    judge = sm.ExactJudge(sm.slippery_world(0), 0.8)
    last = sm.model_errors(judge, solutions["dyna_q_model_update"], sm.empty_last_outcome_model,
                           sm.last_outcome_probabilities, sm.slippery_world, [1, 20], range(3))
    sample = sm.model_errors(judge, solutions["sample_model_update"], sm.empty_sample_model,
                             sm.sample_model_probabilities, sm.slippery_world, [1, 20], range(3))
    assert np.allclose(last[:, 0], sample[:, 0])        # one sample: the same belief
    assert (sample[:, 1] < 0.5 * sample[:, 0]).all()
    assert (last[:, 1] > 0.8 * last[:, 0]).all()


def test_in_the_deterministic_world_q_planning_leads_everywhere_and_dyna_q_from_the_start(
        solutions):
    """Equal value updates, 5 seeds. Everywhere, after 10000 updates: return lost 0.021 to
    0.044 for Q-planning, 0.069 to 0.297 for Dyna-Q. From the start, after 22000 updates:
    Dyna-Q takes the best route in 5 of 5 seeds, Q-planning in none yet."""
    params = default_params()
    judge = sm.ExactJudge(QuentinsWorld(), params["gamma"])
    agents = {
        "q_planning": sm.q_planning_agent(solutions["dyna_q_planning"],
                                          solutions["dyna_q_model_update"],
                                          sm.empty_last_outcome_model, sm.deterministic_world,
                                          1, params),
        "dyna_q": sm.dyna_q_agent(solutions["dyna_q_model_update"], solutions["dyna_q_planning"],
                                  sm.empty_last_outcome_model, sm.deterministic_world, params),
    }
    both = lambda value: (judge.start_fraction(value), judge.value_loss(value))  # noqa: E731
    curves = sm.compare_at_equal_updates(agents, range(5), [10000, 22000], both, progress=False)
    q_planning, dyna_q = curves["q_planning"], curves["dyna_q"]
    assert np.median(q_planning[:, 0, 1]) < np.median(dyna_q[:, 0, 1])
    assert np.median(dyna_q[:, 1, 0]) > np.median(q_planning[:, 1, 0])
