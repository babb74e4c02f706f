"""epsilon_greedy, q_learning and learn_environment: semantics and input checks."""

import numpy as np
import pytest

from helpers import QuentinsWorld, default_params, epsilon_greedy, learn_environment, q_learning
from helpers.decision_time import run_decision_time_agent

PARAMS = {"alpha": 0.5, "gamma": 0.8}


def test_q_learning_bootstraps_from_the_best_next_action():
    value = np.zeros((3, 2))
    value[2] = [0.25, 1.0]
    value[0, 1] = 0.5
    q_learning(0, 1, 1.0, 2, value, PARAMS)
    # 0.5 + 0.5 * (1 + 0.8 * 1.0 - 0.5)
    assert value[0, 1] == pytest.approx(1.15)
    assert np.count_nonzero(value) == 3, "only the updated entry changes"


@pytest.mark.parametrize("terminal", [None, np.nan])
def test_q_learning_does_not_bootstrap_from_a_terminal_state(terminal):
    value = np.full((3, 2), 5.0)
    q_learning(1, 0, 1.0, terminal, value, PARAMS)
    assert value[1, 0] == pytest.approx(5.0 + 0.5 * (1.0 - 5.0))


def test_q_learning_accepts_float_states_from_the_model_and_returns_the_table():
    value = np.ones((4, 2))
    assert q_learning(np.float64(1.0), np.int64(1), -1.0, 3.0, value, PARAMS) is value
    assert value[1, 1] == pytest.approx(1 + 0.5 * (-1 + 0.8 - 1))


def test_q_learning_propagates_nan_like_numpy_max():
    value = np.ones((2, 2))
    value[1, 0] = np.nan
    q_learning(0, 0, 0.0, 1, value, PARAMS)
    assert np.isnan(value[0, 0])


def test_q_learning_names_a_missing_parameter():
    with pytest.raises(KeyError, match="'gamma'"):
        q_learning(0, 0, 0.0, 1, np.ones((2, 2)), {"alpha": 0.5})


@pytest.mark.parametrize("state, action", [(2, 0), (-1, 0), (0, 2)])
def test_q_learning_refuses_states_and_actions_outside_the_table(state, action):
    with pytest.raises(ValueError, match="outside the value table"):
        q_learning(state, action, 0.0, None, np.ones((2, 2)), PARAMS)


def test_epsilon_greedy_is_greedy_at_zero_and_uniform_at_one():
    np.random.seed(0)
    q = np.array([0.0, 3.0, 1.0, 2.0])
    assert {epsilon_greedy(q, 0.0) for _ in range(200)} == {1}
    counts = np.bincount([epsilon_greedy(q, 1.0) for _ in range(8000)], minlength=4)
    assert np.all(np.abs(counts / 8000 - 0.25) < 0.03)


def no_planning(model, value, params):
    return value


def remember(model, state, action, reward, next_state):
    model[state, action] = reward, next_state
    return model


def test_learn_environment_returns_values_rewards_and_steps_per_episode():
    np.random.seed(0)
    value, rewards, steps = learn_environment(QuentinsWorld(), remember, no_planning,
                                              default_params(), 1000, 30)
    assert value.shape == (100, 4) and rewards.shape == steps.shape == (30,)
    assert steps.min() >= 10, "no episode beats the shortest route through red cells (10 steps)"


def test_learn_environment_stops_an_episode_at_max_steps():
    np.random.seed(0)
    _, _, steps = learn_environment(QuentinsWorld(), remember, no_planning,
                                    default_params(epsilon=1.0), 5, 3)
    assert list(steps) == [5, 5, 5]


@pytest.mark.parametrize("max_steps", [0, -1, 2.5, None])
@pytest.mark.parametrize("learn", [learn_environment, run_decision_time_agent])
def test_episodes_without_a_step_are_a_clear_error(learn, max_steps):
    with pytest.raises(ValueError, match="max_steps must be a whole number of steps, at least 1"):
        learn(QuentinsWorld(), remember, no_planning, default_params(), max_steps, 3)


def test_learn_environment_shows_the_opened_shortcut_to_the_model():
    seen = {}

    def spy(model, state, action, reward, next_state):
        seen["model"] = model
        return remember(model, state, action, reward, next_state)

    np.random.seed(0)
    learn_environment(QuentinsWorld(), spy, no_planning, default_params(), 1000, 2,
                      shortcut_episode=1)
    assert tuple(seen["model"][64, 1]) == (0.0, 74.0)


def test_learn_environment_names_missing_parameters():
    with pytest.raises(KeyError, match="'epsilon'"):
        learn_environment(QuentinsWorld(), remember, no_planning, {"alpha": 0.5, "gamma": 0.8},
                          10, 1)


def test_a_model_update_that_returns_nothing_is_a_clear_error():
    def forgets_return(model, state, action, reward, next_state):
        model[state, action] = reward, next_state

    with pytest.raises(TypeError, match="the model update must return a NumPy array of shape "
                                        r"\(100, 4, 2\), but it returned None"):
        learn_environment(QuentinsWorld(), forgets_return, no_planning, default_params(), 10, 1)


def test_a_planner_returning_the_wrong_shape_is_a_clear_error():
    with pytest.raises(TypeError, match=r"the planner must return .* shape \(100, 4\)"):
        learn_environment(QuentinsWorld(), remember, lambda m, v, p: v[:5], default_params(),
                          10, 1)
