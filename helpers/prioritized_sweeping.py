"""Prioritized sweeping for the bonus notebook 07: a planner that first updates the
state-action pairs whose values are most wrong, and the experiment that compares it with
Dyna-Q's uniformly random choice of pairs (its *search control*).

What is here: the planner `PrioritizedSweeping` (it plugs into `learn_environment`),
`RandomSearchControl` (Dyna-Q's planning, counting its updates), `OptimalPathWatch`
(ends a run once the greedy path from the start is optimal), the experiment
`run_search_control_comparison` (plain arrays over seeds), two plots, and
`describe_goal_steps` and `episode_lengths`, which say what a run of the planner did.

What is not here: how to compute a pair's priority and how to find the pairs that lead
to a state. Those are the student's `priority` and `predecessors`, passed in as
arguments, as `learn_environment` takes the student's model update and planner.

The measure: value updates until the greedy path from the start is optimal, counting
both kinds of update: one Q-learning update per real step plus every planning update.
"""

import heapq
import itertools
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np

from . import plotting
from .experiments import default_params
from .learning import learn_environment, q_learning
from .sample_models import ExactJudge
from .worlds import ACTION_NAMES, QuentinsWorld

SEARCH_CONTROLS = ("random (Dyna-Q)", "prioritized sweeping")


class PrioritizedSweeping:
    """Planning with a priority queue of state-action pairs (Sutton and Barto, 8.4).

    After each real step the pair just tried enters the queue if its priority exceeds
    `theta`. Then up to `params['k']` times: take the pair with the highest priority,
    apply a Q-learning update with what the model remembers about it, and queue each
    pair that the model says leads to that pair's state, if its priority now exceeds
    `theta`. A pair already queued keeps the higher of its two priorities; equal
    priorities leave in the order they arrived. The queue lasts from one real step to
    the next and may run empty before k updates are done. No random numbers are drawn.

    Arguments:
    - `priority(model, value, state, action, params)`: how wrong value[state, action]
      is according to the model (a number; larger is more urgent);
    - `predecessors(model, state)`: the (state, action) pairs the model says lead to
      `state`;
    - `theta`: the smallest priority worth queueing.

    Use it in `learn_environment` with `planner.model_updater(dyna_q_model_update)` as the
    model update (so the planner learns which pair was just tried) and the planner itself
    as the planner. `updates` counts planning updates; `updated_states` counts them per
    state. `transitions` holds every real step `(state, action, reward, next_state)` and
    `sweeps` the planning updates made after each of them, as `(state, action,
    priority, new value)` in the order they were made. Use a new planner for each run.
    """

    def __init__(self, priority, predecessors, theta=1e-4):
        self.priority = priority
        self.predecessors = predecessors
        self.theta = theta
        self.updates = 0
        self.updated_states = Counter()
        self.last_pair = None
        self.transitions = []
        self.sweeps = []
        self._heap = []              # (-priority, arrival number, state, action)
        self._queued = {}            # (state, action) -> its priority in the queue
        self._arrivals = itertools.count()

    def model_updater(self, update):
        """Wrap the model update `update` so that it also records the pair just tried."""
        def update_and_record(model, state, action, reward, next_state):
            self.last_pair = (int(state), int(action))
            self.transitions.append((*self.last_pair, reward, next_state))
            return update(model, state, action, reward, next_state)
        return update_and_record

    def __len__(self):
        """The number of pairs waiting in the queue."""
        return len(self._queued)

    def push(self, state, action, priority):
        """Queue (state, action) with `priority` if that exceeds theta; a pair already
        queued keeps the higher priority."""
        priority = _one_number(priority)
        pair = (int(state), int(action))
        if priority > self.theta and priority > self._queued.get(pair, -np.inf):
            self._queued[pair] = priority
            heapq.heappush(self._heap, (-priority, next(self._arrivals), *pair))

    def pop(self):
        """Remove and return the queued pair with the highest priority, or None if the
        queue is empty."""
        popped = self._pop()
        return None if popped is None else popped[:2]

    def _pop(self):
        """Like `pop`, as `(state, action, priority)`."""
        while self._heap:
            negative, _, state, action = heapq.heappop(self._heap)
            if self._queued.get((state, action)) == -negative:  # else a superseded entry
                del self._queued[state, action]
                return state, action, -negative
        return None

    def __call__(self, model, value, params):
        if self.last_pair is not None:
            self.push(*self.last_pair, self.priority(model, value, *self.last_pair, params))
            self.last_pair = None
        sweep = []
        self.sweeps.append(sweep)
        for _ in range(params["k"]):
            popped = self._pop()
            if popped is None:
                break
            state, action, urgency = popped
            reward, next_state = model[state, action].tolist()
            value = q_learning(state, action, reward, next_state, value, params)
            sweep.append((state, action, urgency, float(value[state, action])))
            self.updates += 1
            self.updated_states[state] += 1
            for before_state, before_action in as_pairs(self.predecessors(model, state)):
                self.push(before_state, before_action,
                          self.priority(model, value, before_state, before_action, params))
        return value


def _one_number(priority):
    """A priority as a float; a clear error if it is not one number."""
    try:
        if priority is None:
            raise TypeError
        return float(np.asarray(priority, dtype=float).item())
    except (TypeError, ValueError):
        raise TypeError(f"priority must return one number, but it returned {priority!r}") from None


def as_pairs(found):
    """(state, action) pairs as ints, from a list of pairs or an (n, 2) array."""
    try:
        pairs = np.asarray(found, dtype=float)
        if pairs.size and (pairs.ndim != 2 or pairs.shape[1] != 2):
            raise ValueError
    except (TypeError, ValueError):
        raise TypeError("predecessors must return a list of (state, action) pairs or an array "
                        f"of shape (n, 2), but it returned {found!r}") from None
    return [(int(s), int(a)) for s, a in pairs.reshape(-1, 2).tolist()]


class RandomSearchControl:
    """Dyna-Q's planning `planning(model, value, params)` (uniformly random pairs) as
    given, counting its updates: `params['k']` per call."""

    def __init__(self, planning):
        self.planning = planning
        self.updates = 0

    def model_updater(self, update):
        """The model update, unchanged (the same interface as PrioritizedSweeping)."""
        return update

    def __call__(self, model, value, params):
        self.updates += params["k"]
        return self.planning(model, value, params)


class OptimalPathReached(Exception):
    """Raised by `OptimalPathWatch` to end a run: the greedy path is optimal."""


class OptimalPathWatch:
    """Wraps a planner. After each real step it follows the greedy actions from the start
    and, the first time that path is optimal, records how many value updates and real
    steps it took and ends the run by raising OptimalPathReached.

    Value updates = real steps (one Q-learning update each) + the planner's `updates`.
    `value` is the value table at that moment (None before).
    """

    def __init__(self, env, planner, gamma, best_return=None):
        self.env = env
        self.planner = planner
        self.gamma = gamma
        self.best_return = optimal_return(env, gamma) if best_return is None else best_return
        self.real_steps = 0
        self.updates_to_optimal = None
        self.steps_to_optimal = None
        self.value = None

    @property
    def updates(self):
        """Value updates so far: the real ones plus the planner's."""
        return self.real_steps + self.planner.updates

    def __call__(self, model, value, params):
        value = self.planner(model, value, params)
        self.real_steps += 1
        _, discounted = greedy_path(self.env, value, self.gamma)
        if discounted >= self.best_return - 1e-12:
            self.updates_to_optimal, self.steps_to_optimal = self.updates, self.real_steps
            self.value = value
            raise OptimalPathReached
        return value


def greedy_path(env, value, gamma):
    """Follow the greedy action (the first of equals) from the start of the
    deterministic world `env`. Returns (moves to the goal, discounted return), or
    (None, -inf) if the path comes back to a state it has visited: it never reaches
    the goal."""
    state, discounted, visited = env.init_state, 0.0, set()
    while state != env.goal_state:
        if state in visited:
            return None, -np.inf
        visited.add(state)
        row = value[state].tolist()
        state, reward = env.get_outcome(state, row.index(max(row)))
        discounted += gamma ** (len(visited) - 1) * reward
    return len(visited), discounted


def optimal_return(env, gamma, tolerance=1e-12):
    """The best discounted return from the start of `env` (value iteration on its
    transition probabilities, by `ExactJudge`)."""
    return float(ExactJudge(env, gamma, tolerance).optimal[env.init_state].max())


def measure_run(env, model_updater, planner, params, max_episodes=200, max_steps=1000,
                best_return=None):
    """One learning run on `env` with `planner` (a PrioritizedSweeping or a
    RandomSearchControl), ended as soon as the greedy path from the start is optimal.

    Returns the run's OptimalPathWatch: `updates_to_optimal` and `steps_to_optimal`
    (None if the run never got there) and `value`, the value table at that moment.
    Needs params['k'] >= 1: with k = 0 `learn_environment` never calls the planner.
    """
    if params["k"] < 1:
        raise ValueError("measure_run needs at least one planning update per step, "
                         f"got k = {params['k']}")
    watch = OptimalPathWatch(env, planner, params["gamma"], best_return)
    try:
        learn_environment(env, planner.model_updater(model_updater), watch, params,
                          max_steps, max_episodes)
    except OptimalPathReached:
        pass
    return watch


def run_search_control_comparison(model_updater, planning, priority, predecessors,
                                  n_seeds=10, params=None, theta=1e-4, max_episodes=200,
                                  progress=True):
    """Dyna-Q with random search control (`planning`) against prioritized sweeping
    (`priority`, `predecessors`, `theta`) on Quentin's World, same k, seeds 0 .. n_seeds-1
    (`np.random.seed(seed)` before each run, so both methods start from the same seed).

    Returns (updates, steps), each of shape (2, n_seeds): value updates (real + planning)
    and real steps until the greedy path is optimal; row 0 random search control, row 1
    prioritized sweeping (the order of SEARCH_CONTROLS); NaN where a run never got there.
    """
    from tqdm.auto import tqdm  # here, not at the top: in a notebook it loads ipywidgets

    params = default_params(**(params or {}))
    env = QuentinsWorld()
    best = optimal_return(env, params["gamma"])
    planners = (lambda: RandomSearchControl(planning),
                lambda: PrioritizedSweeping(priority, predecessors, theta))
    updates = np.full((2, n_seeds), np.nan)
    steps = np.full((2, n_seeds), np.nan)
    with tqdm(total=2 * n_seeds, desc="search control", unit="run", disable=not progress) as bar:
        for seed in range(n_seeds):
            for row, make_planner in enumerate(planners):
                np.random.seed(seed)
                run = measure_run(env, model_updater, make_planner(), params, max_episodes,
                                  best_return=best)
                if run.updates_to_optimal is not None:
                    updates[row, seed] = run.updates_to_optimal
                    steps[row, seed] = run.steps_to_optimal
                bar.update()
    return updates, steps


def episode_lengths(transitions):
    """Real steps of each finished episode in `transitions` (`(state, action, reward,
    next_state)` per real step, as `PrioritizedSweeping.transitions` records them), and
    the steps taken so far in the unfinished last one."""
    ends = [i + 1 for i, (*_, next_state) in enumerate(transitions) if next_state is None]
    finished = np.diff([0] + ends).astype(int)
    return finished, len(transitions) - (ends[-1] if ends else 0)


def describe_goal_steps(planner, n_steps=2, n_updates=10):
    """What a PrioritizedSweeping planner did from the real step in which the agent
    first entered the goal (its first positive reward): for that step and the next
    `n_steps - 1`, the transition, the number of pairs the model then holds, and the
    first `n_updates` planning updates in the order they were made, each as the pair, its
    priority when it left the queue and its value after the update. One string."""
    rewarded = [i for i, (_, _, reward, _) in enumerate(planner.transitions) if reward > 0]
    if not rewarded:
        return "the agent never reached the goal"
    lines = []
    for step in range(rewarded[0], min(rewarded[0] + n_steps, len(planner.sweeps))):
        state, action, reward, next_state = planner.transitions[step]
        where = "the episode ends" if next_state is None else f"{next_state}"
        gained = f"{reward:+g}" if reward else "0"
        known = len({(s, a) for s, a, *_ in planner.transitions[:step + 1]})
        lines.append(f"real step {step + 1}: {ACTION_NAMES[action]} from {state} -> {where}, "
                     f"reward {gained}; the model now holds {known} pairs")
        sweep = planner.sweeps[step]
        updates = [f"({s}, {ACTION_NAMES[a]}) {p:.2f} -> {v:.2f}" for s, a, p, v in sweep[:n_updates]]
        if len(sweep) > n_updates:
            updates.append(f"... ({len(sweep)} in all)")
        lines.append("  planning updates (pair, priority -> its new value):")
        lines += [f"    {line}" for line in _wrap(updates or ["none"], 84)]
    return "\n".join(lines)


def _wrap(items, width):
    """`items` joined by commas into lines of at most `width` characters, never
    breaking an item."""
    lines = [items[0]]
    for item in items[1:]:
        if len(lines[-1]) + 2 + len(item) > width:
            lines[-1] += ","
            lines.append(item)
        else:
            lines[-1] += f", {item}"
    return lines


def plot_per_seed(results, ylabel, labels=SEARCH_CONTROLS, ax=None):
    """Compare methods over seeds: a box (median and 25-75% range) per row of `results`
    with one dot per seed on top, a thin grey line joining each seed's dots."""
    ax = plt.subplots()[1] if ax is None else ax
    results = np.atleast_2d(np.asarray(results, dtype=float))
    positions = np.arange(1, len(results) + 1)
    ax.boxplot([row[~np.isnan(row)] for row in results], positions=positions, widths=0.5,
               showfliers=False, medianprops={"color": "black", "linewidth": 2})
    ax.plot(positions, results, color="0.75", linewidth=0.8, zorder=1)
    for position, row in zip(positions, results):
        ax.scatter(np.full(len(row), position), row, s=25, alpha=0.8, zorder=2)
    ax.set_xticks(positions, [f"{label}\n(median {np.nanmedian(row):,.0f})"
                              for label, row in zip(labels, results)])
    ax.set_ylim(0, None)
    ax.set(ylabel=ylabel, xlim=(0.4, len(results) + 0.6))
    ax.set_title(f"{results.shape[1]} seeds, one dot each", fontsize=12, fontweight="normal")
    return ax


def plot_updates_per_state(env, planner, ax=None):
    """Where a PrioritizedSweeping planner spent its planning updates: a heat map of the
    number of updates of each state's pairs."""
    ax = plt.subplots()[1] if ax is None else ax
    counts = np.zeros(env.n_states)
    for state, n in planner.updated_states.items():
        counts[state] = n
    plotting.plot_heatmap_max_val(env, counts, ax=ax)
    ax.set_title(f"Planning updates per state ({planner.updates:,} in all)")
    return ax
