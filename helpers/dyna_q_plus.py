"""Dyna-Q+ machinery for the bonus notebook: a clock that tells the planner how long
ago each state-action pair was last tried, the Dyna-Q versus Dyna-Q+ experiments on a
changing world, measures of when an agent adapts, and their plots.

The planners themselves are the students' functions, passed in as arguments: this
module holds no solution. Experiments return arrays; plotting functions take them.
"""

import matplotlib.pyplot as plt
import numpy as np

from .changing_worlds import BlockingQuentinsWorld
from .experiments import default_params
from .learning import learn_environment
from .plotting import plot_runs_with_spread
from .worlds import DOWN, LEFT, RIGHT, UP, QuentinsWorld

METHODS = ("Dyna-Q", "Dyna-Q+")
SHORTCUT_PAIRS = ((64, UP),)  # the move that is free once the shortcut opens
NEW_EXIT_PAIRS = ((22, UP), (42, DOWN), (31, RIGHT), (33, LEFT))  # the moves into the new gap


class TimeSinceTried:
    """Connects a model update and a Dyna-Q+ planner to `learn_environment`.

    `model_update` counts real steps and remembers when each pair was last tried;
    `planning` hands the planner `elapsed`, an `(n_states, n_actions)` array of the real
    steps since each pair was last tried (0 for the pair tried on this very step; a
    pair never tried counts from the start). The planner gets a fresh copy each step.
    """

    def __init__(self, model_updater, plus_planner, n_states, n_actions):
        self.model_updater = model_updater
        self.plus_planner = plus_planner
        self.clock = 0
        self.last_tried = np.zeros((n_states, n_actions))

    def model_update(self, model, state, action, reward, next_state):
        self.clock += 1
        self.last_tried[state, action] = self.clock
        return self.model_updater(model, state, action, reward, next_state)

    def elapsed(self):
        return self.clock - self.last_tried

    def planning(self, model, value, params):
        return self.plus_planner(model, value, self.elapsed(), params)


def learn_with_bonus(env, model_updater, plus_planner, params, max_steps, n_episodes,
                     change_episode=None):
    """Run Dyna-Q+ with `learn_environment`: `plus_planner(model, value, elapsed, params)`
    plans with the exploration bonus `params['kappa']`. A change of the world at
    `change_episode` is not revealed: the agent must find it.

    Returns `(value, reward_sums, episode_steps)` like `learn_environment`.
    """
    clock = TimeSinceTried(model_updater, plus_planner, env.n_states, env.n_actions)
    return learn_environment(env, clock.model_update, clock.planning, params, max_steps,
                             n_episodes, shortcut_episode=change_episode, reveal_shortcut=False)


class TriedPairs:
    """Wraps a model update and records the real steps (counted from 1) at which any of
    `pairs` was tried: how an experiment sees when an agent discovers a change."""

    def __init__(self, model_updater, pairs):
        self.model_updater = model_updater
        self.pairs = {(int(s), int(a)) for s, a in pairs}
        self.clock = 0
        self.times = []

    def model_update(self, model, state, action, reward, next_state):
        self.clock += 1
        if (state, action) in self.pairs:
            self.times.append(self.clock)
        return self.model_updater(model, state, action, reward, next_state)

    def episodes(self, episode_steps):
        """The episode of each recorded try, given the run's steps per episode."""
        return np.searchsorted(np.cumsum(episode_steps), self.times)


def first_try_after(episodes, change_episode):
    """Episodes from `change_episode` to the first try at or after it (NaN if none)."""
    later = np.asarray(episodes)[np.asarray(episodes) >= change_episode]
    return float(later.min() - change_episode) if later.size else np.nan


def compare_on_changing_world(make_world, watched_pairs, model_updater, planner, plus_planner,
                              kappa, seeds=range(10), n_episodes=150, change_episode=50,
                              max_steps=1000, params=None, progress=True):
    """Dyna-Q and Dyna-Q+ (bonus `kappa`) on fresh worlds from `make_world()`, which
    change silently at `change_episode`; each seed runs both methods after
    `np.random.seed(seed)`.

    Returns `(steps, rewards, found)`: steps and rewards per episode, each of shape
    `(2, len(seeds), n_episodes)`, and `found`, shape `(2, len(seeds))`, the episodes
    from the change until the agent first tried one of `watched_pairs` (the moves that
    reveal the change; NaN if it never did). Index 0 is Dyna-Q, 1 Dyna-Q+ (`METHODS`).
    """
    from tqdm.auto import tqdm  # here, not at the top: in a notebook it loads ipywidgets

    params = default_params(**(params or {}))
    seeds = list(seeds)
    steps = np.zeros((2, len(seeds), n_episodes))
    rewards = np.zeros((2, len(seeds), n_episodes))
    found = np.zeros((2, len(seeds)))
    with tqdm(total=2 * len(seeds), desc="Dyna-Q vs Dyna-Q+", unit="run",
              disable=not progress) as bar:
        for i, seed in enumerate(seeds):
            for m in range(2):
                np.random.seed(seed)
                watcher = TriedPairs(model_updater, watched_pairs)
                if m == 0:
                    run = learn_environment(
                        make_world(), watcher.model_update, planner, params, max_steps,
                        n_episodes, shortcut_episode=change_episode, reveal_shortcut=False)
                else:
                    run = learn_with_bonus(
                        make_world(), watcher.model_update, plus_planner,
                        {**params, "kappa": kappa}, max_steps, n_episodes, change_episode)
                _, rewards[m, i], steps[m, i] = run
                found[m, i] = first_try_after(watcher.episodes(steps[m, i]), change_episode)
                bar.update()
    return steps, rewards, found


def shortcut_world():
    """Quentin's World whose shortcut (up from 64) opens when `toggle_shortcut()` is called."""
    return QuentinsWorld()


def blocking_world():
    """Quentin's World whose usual exit closes and a new one opens on `toggle_change()`."""
    return BlockingQuentinsWorld()


def describe_discovery(waits, what):
    """One line per method: in how many runs it did `what`, and the episodes from the
    change until then over the runs (`waits`, shape (2, n_seeds), NaN for never): median
    and 25-75% range, a run that never did it counting as the slowest."""
    lines = []
    for method, runs in zip(METHODS, np.asarray(waits, dtype=float)):
        done = int(np.isfinite(runs).sum())
        line = f"{method:>8}: {what} in {done} of {len(runs)} runs"
        if done:
            ranked = np.where(np.isnan(runs), np.inf, runs)
            low, median, high = np.percentile(ranked, [25, 50, 75], method="lower")
            line += (f"; episodes from the change: median {_episodes(median)}, "
                     f"25-75% {_episodes(low)} to {_episodes(high)}")
        lines.append(line)
    return "\n".join(lines)


def describe_head_to_head(waits):
    """One line: in how many runs (seeds) each method of `waits`, shape (2, n_seeds), did
    it sooner than the other (a run that never did it counts as last), in how many both
    did it in the same episode, and in how many neither did it."""
    dyna_q, plus = np.where(np.isnan(np.asarray(waits, dtype=float)), np.inf, waits)
    plus_sooner, dyna_q_sooner = int(np.sum(plus < dyna_q)), int(np.sum(dyna_q < plus))
    neither = int(np.sum(np.isinf(plus) & np.isinf(dyna_q)))
    tie = len(plus) - plus_sooner - dyna_q_sooner - neither
    return (f"run by run: Dyna-Q+ sooner in {plus_sooner}, Dyna-Q sooner in {dyna_q_sooner}, "
            f"both in the same episode in {tie}, neither in {neither} of {len(plus)} runs")


def describe_phases(steps, rewards, change_episode):
    """Per method, before and after the change: the median over the seeds and episodes of
    the steps per episode, and the median over the seeds of the reward summed over those
    episodes (`steps` and `rewards` of shape (2, n_seeds, n_episodes)). One string."""
    n_episodes = np.shape(steps)[-1]
    lines = []
    for phase, part in (("before the change", slice(0, change_episode)),
                        ("after the change", slice(change_episode, n_episodes))):
        lines.append(f"{phase} (episodes {part.start}-{part.stop - 1}), medians over the seeds:")
        for method, method_steps, method_rewards in zip(METHODS, steps, rewards):
            per_episode = np.median(method_steps[:, part])
            total = np.median(method_rewards[:, part].sum(axis=-1))
            lines.append(f"  {method:>8}: {per_episode:.0f} steps per episode, reward {total:.1f} "
                         f"summed over the {part.stop - part.start} episodes")
    return "\n".join(lines)


def _episodes(n):
    return "never" if np.isinf(n) else f"{n:.0f}"


def plot_comparison(steps, rewards, change_episode, title, max_steps_shown=100):
    """Dyna-Q against Dyna-Q+ over seeds (median line and 25-75% band): steps per episode
    on the left, reward summed over the episodes so far on the right."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for method, method_steps, method_rewards in zip(METHODS, steps, rewards):
        plot_runs_with_spread(method_steps, method, ax=left)
        plot_runs_with_spread(np.cumsum(method_rewards, axis=-1), method, ax=right)
    n_episodes = np.shape(steps)[-1]
    for ax in (left, right):
        ax.axvline(change_episode, linestyle="--", color="0.4", label="the world changes")
        ax.set(xlabel="Episode", xlim=(0, n_episodes - 1))
    left.set(ylabel="Steps per episode", ylim=(0, max_steps_shown),
             title="Steps per episode (fewer is better)")
    right.set(ylabel="Total reward so far", title="Reward summed over episodes")
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.legend(*left.get_legend_handles_labels(), loc="lower center", ncol=3)
    return fig
