"""The learning loop students plug their Dyna-Q functions into: epsilon-greedy action
choice, the Q-learning update and `learn_environment`.

Random numbers come from NumPy's global generator in the same order as the original
tutorial, so `np.random.seed(1)` reproduces its figures. Plotting lives elsewhere.

Speed: `q_learning` runs k times per real step inside the students' planning, so it and
the per-step loop work on plain Python numbers (`ndarray.item`, `.tolist()`) instead of
NumPy scalars and checks only what can go wrong cheaply; when that check fails,
`_explain_bad_input` raises an error a student can act on (or the original error).
"""

import numpy as np

from .validation import check_max_steps, check_params, check_returned_array

LEARNING_PARAMS = ("epsilon", "alpha", "gamma")


def epsilon_greedy(q, epsilon):
    """Return the index of the largest value in `q` with probability 1 - epsilon,
    otherwise a uniformly random action (which may also be the greedy one)."""
    if np.random.random() > epsilon:
        if type(q) is np.ndarray:
            return int(q.argmax())  # what np.argmax(q) calls, without its dispatch
        return int(np.argmax(q))
    return np.random.randint(len(q))


def q_learning(state, action, reward, next_state, value, params):
    """Apply one Q-learning update to `value[state, action]` in place and return `value`.

    A `next_state` of None or NaN is terminal: nothing is bootstrapped from it.
    Uses `params['alpha']` (learning rate) and `params['gamma']` (discount).
    """
    # int(x) returns x itself for a plain int: skip the call in the common case
    s = state if state.__class__ is int else int(state)
    a = action if action.__class__ is int else int(action)
    try:
        if s < 0 or a < 0:
            raise IndexError(s, a)
        prev_value = value.item(s, a)  # raises IndexError past the table's end
        alpha = params["alpha"]
        gamma = params["gamma"]
    except Exception:  # outside the table, a missing parameter, not an array...
        _explain_bad_input(state, action, value, params)
        raise
    if next_state is None or next_state != next_state:  # None or NaN: terminal
        max_value = 0
    else:
        row = value[int(next_state)].tolist()
        try:  # the usual four actions: max(row)'s comparisons, unrolled
            max_value, a1, a2, a3 = row
        except ValueError:  # another number of actions
            max_value = _row_max(row)
        else:
            if a1 > max_value:
                max_value = a1
            if a2 > max_value:
                max_value = a2
            if a3 > max_value:
                max_value = a3
            total = max_value + a1 + a2 + a3
            if total != total:  # a NaN in the row (or inf - inf): NumPy's rule
                max_value = _row_max(row)
    delta = reward + gamma * max_value - prev_value
    value[s, a] = prev_value + alpha * delta
    return value


def _explain_bad_input(state, action, value, params):
    """Raise an error a student can act on for inputs `q_learning` cannot use."""
    s, a = int(state), int(action)
    if not (0 <= s < value.shape[0] and 0 <= a < value.shape[1]):
        raise ValueError(
            f"q_learning got state {state!r} and action {action!r}, outside the value table "
            f"of shape {value.shape}"
        )
    for key in ("alpha", "gamma"):
        if key not in params:
            raise KeyError(f"params is missing {key!r}; Q-learning needs 'alpha' and 'gamma'")


def _row_max(row):
    """`max(row)` with NumPy's rule that any NaN makes the maximum NaN; on a short
    Python list this is several times faster than `ndarray.max()`."""
    total = sum(row)
    if total != total and any(v != v for v in row):
        return float("nan")
    return max(row)


def learn_environment(env, model_updater, planner, params, max_steps, n_episodes,
                      shortcut_episode=None, model=None, *, reveal_shortcut=True):
    """Run Dyna-Q (Q-learning when the planner does nothing) for `n_episodes` episodes.

    Per real step: epsilon-greedy action, outcome from `env`, Q-learning update,
    `model = model_updater(model, state, action, reward, next_state)`, then
    `value = planner(model, value, params)`; the planner is not called when
    `params['k']` is 0 (Dyna-Q without planning is Q-learning, as in the tutorial).
    At `shortcut_episode` the world's shortcut opens and its single transition is shown
    once to the model (through `model_updater`) and to the value table; with
    `reveal_shortcut=False` the world changes silently and the agent must find the
    change by acting (as in Sutton and Barto's Dyna-Q+ experiments).

    `model` is the model the agent starts with: by default the tutorial's
    `(n_states, n_actions, 2)` array of NaN; another array (for another kind of model)
    is used as given and must keep its shape.

    Returns `(value, reward_sums, episode_steps)`; an episode's steps include the
    final step taken in the goal. ValueError unless `max_steps` is at least 1.
    """
    check_params(params, LEARNING_PARAMS)
    check_max_steps(max_steps)
    value = np.ones((env.n_states, env.n_actions))
    if model is None:
        model = np.full((env.n_states, env.n_actions, 2), np.nan)
    reward_sums = np.zeros(n_episodes)
    episode_steps = np.zeros(n_episodes)
    epsilon = params["epsilon"]
    plans = params.get("k") != 0  # k = 0 is Q-learning: the planner is not called at all
    ndarray = np.ndarray
    for episode in range(n_episodes):
        if shortcut_episode is not None and episode == shortcut_episode:
            env.toggle_shortcut()
            if reveal_shortcut:
                state, action = env.shortcut
                next_state, reward = env.get_outcome(state, action)
                model = model_updater(model, state, action, reward, next_state)
                value = q_learning(state, action, reward, next_state, value, params)
        state = env.init_state
        reward_sum = 0
        for t in range(max_steps):
            action = epsilon_greedy(value[state], epsilon)
            next_state, reward = env.get_outcome(state, action)
            reward_sum += reward
            value = q_learning(state, action, reward, next_state, value, params)
            # The students' functions must hand back an array of the same shape; the
            # test is inlined (check_returned_array only builds the error message).
            returned = model_updater(model, state, action, reward, next_state)
            if type(returned) is not ndarray or returned.shape != model.shape:
                check_returned_array(returned, model.shape, "the model update")
            model = returned
            if plans:
                returned = planner(model, value, params)
                if type(returned) is not ndarray or returned.shape != value.shape:
                    check_returned_array(returned, value.shape, "the planner")
                value = returned
            if next_state is None:
                break
            state = next_state
        reward_sums[episode] = reward_sum
        episode_steps[episode] = t + 1
    return value, reward_sums, episode_steps
