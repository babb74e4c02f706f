"""What the course's widgets compute, as functions that return data: a learning run of
the planning explorer (`run_learning`), the random real experience of the planning
stepper (`collect_experience`, `observed_pairs`) and one planning update found by
comparing value tables (`plan_one_step`, `describe_step`). Drawing lives in
`widget_drawing`, the widgets themselves in `widgets`.

Randomness: each widget draws from its own seeded generator, swapped into NumPy's global
one only while it runs (`private_random`), so results are reproducible and the
notebook's other cells get the random numbers they would have had without the widget.
"""

import contextlib
from dataclasses import dataclass, field

import numpy as np

from .answers import changed_pairs, number_text
from .experiments import default_params
from .learning import learn_environment, q_learning
from .validation import check_returned_array
from .worlds import ACTION_NAMES, QuentinsWorld

DEFAULT_SEED = 1


@contextlib.contextmanager
def private_random(stream):
    """Run a block with NumPy's global generator set to `stream` (a `RandomState`);
    afterwards `stream` has advanced and the global generator is as it was."""
    saved = np.random.get_state()
    np.random.set_state(stream.get_state())
    try:
        yield stream
    finally:
        stream.set_state(np.random.get_state())
        np.random.set_state(saved)


@dataclass
class LearningRun:
    """One run of the explorer: its settings and what `learn_environment` returned."""
    params: dict
    n_episodes: int
    seed: int
    value: np.ndarray
    reward_sums: np.ndarray
    episode_steps: np.ndarray


def run_learning(model_updater, planner, k, epsilon, alpha, n_episodes, seed=DEFAULT_SEED,
                 max_steps=1000):
    """Run Dyna-Q on a fresh Quentin's World with the given settings and seed."""
    params = default_params(k=int(k), epsilon=float(epsilon), alpha=float(alpha))
    with private_random(np.random.RandomState(seed)):
        value, reward_sums, episode_steps = learn_environment(
            QuentinsWorld(), model_updater, planner, params, max_steps, int(n_episodes))
    return LearningRun(params, int(n_episodes), seed, value, reward_sums, episode_steps)


@dataclass
class Experience:
    """What the agent knows after its real steps: model, value table and the path."""
    model: np.ndarray
    value: np.ndarray
    path: list = field(default_factory=list)  # (state, action, reward, next_state)


def collect_experience(env, model_updater, n_steps, params=None):
    """Take `n_steps` uniformly random real steps from the start (back to the start
    after the goal), learning from each with Q-learning and `model_updater`.

    Draws from NumPy's global generator: wrap in `private_random` to control it.
    """
    params = default_params(**(params or {}))
    value = np.ones((env.n_states, env.n_actions))
    model = np.full((env.n_states, env.n_actions, 2), np.nan)
    path = []
    state = env.init_state
    for _ in range(int(n_steps)):
        action = int(np.random.randint(env.n_actions))
        next_state, reward = env.get_outcome(state, action)
        value = q_learning(state, action, reward, next_state, value, params)
        model = check_returned_array(model_updater(model, state, action, reward, next_state),
                                     (env.n_states, env.n_actions, 2), "the model update")
        path.append((state, action, reward, next_state))
        state = env.init_state if next_state is None else next_state
    return Experience(model, value, path)


def observed_pairs(model):
    """The (state, action) pairs the model has seen (reward not NaN), as a list of tuples."""
    return [tuple(pair) for pair in np.argwhere(~np.isnan(np.asarray(model)[:, :, 0])).tolist()]


def changed_entries(before, after):
    """The (state, action) entries that differ between two value tables (NaN == NaN)."""
    before, after = np.asarray(before), np.asarray(after)
    differ = ~((before == after) | (np.isnan(before) & np.isnan(after)))
    return [tuple(pair) for pair in np.argwhere(differ).tolist()]


@dataclass
class PlanningStep:
    """One planning update (the planner run with k = 1) and what it changed.

    `state`, `action`, `before`, `after`, `reward` and `next_state` describe the one
    value that changed; they are None when none did (or more than one did, a bug
    reported in `problem`). `next_state` is None for a terminal next state.
    """
    value: np.ndarray               # the value table after the update
    changed: list                   # every (state, action) whose value changed
    state: int = None
    action: int = None
    reward: float = None
    next_state: int = None
    before: float = None
    after: float = None
    problem: str = None             # what the planner did wrong, if anything


def plan_one_step(model, value, planner, params=None):
    """Call `planner` once with `params['k'] = 1` on copies of `model` and `value` and
    find, by comparing the value tables, which (state, action) it updated.

    Draws from NumPy's global generator: wrap in `private_random` to control it.
    """
    params = dict(default_params(**(params or {})), k=1)
    model = np.asarray(model)
    model_copy = model.copy()
    returned = check_returned_array(planner(model_copy, value.copy(), params), value.shape,
                                    "the planner")
    changed = changed_pairs(np.asarray(value), returned)
    step = PlanningStep(value=returned, changed=changed)
    if not np.array_equal(model, model_copy, equal_nan=True):
        step.problem = "the planner changed the model; planning must only read it"
    elif len(changed) > 1:
        step.problem = (f"with params['k'] = 1 the planner changed {len(changed)} values; "
                        "one planning update changes at most one")
    if len(changed) == 1:
        s, a = changed[0]
        reward, next_state = model[s, a].tolist()
        step.state, step.action, step.reward = s, a, reward
        step.next_state = None if next_state != next_state else int(next_state)
        step.before, step.after = value.item(s, a), returned.item(s, a)
        if reward != reward:
            step.problem = (f"the planner changed Q[{s}, {a}], a pair the model has never "
                            "seen; it should sample only observed pairs")
    return step


def describe_step(step):
    """The text line for a planning update, e.g. 'sampled (state 44, action 1 = up):
    model says reward 0, next state 54; Q[44, 1] changed from 0.9 to 0.86'."""
    if step.problem and step.state is None:
        return f"Problem: {step.problem}."
    if step.state is None:
        return ("No Q-value changed: the sampled pair's value already equals its target "
                "R + γ max Q(S', ·). Click again to sample another pair.")
    s, a = step.state, step.action
    next_state = "terminal (the episode ends)" if step.next_state is None else step.next_state
    text = (f"sampled (state {s}, action {a} = {ACTION_NAMES[a]}): model says reward "
            f"{number_text(step.reward, 4)}, next state {next_state}; Q[{s}, {a}] changed from "
            f"{number_text(step.before, 4)} to {number_text(step.after, 4)}")
    return text + (f". Problem: {step.problem}." if step.problem else "")
