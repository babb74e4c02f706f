"""Plots for the course. Every function takes data (a world, a value table, rewards or
steps) and draws it; none of them computes learning results.

`use_course_style()` applies the style sheet shipped inside this package (no URL).
"""

from importlib import resources

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .worlds import ACTION_ARROWS, ACTION_NAMES

ACTION_LABELS = tuple(name[0].upper() for name in ACTION_NAMES)  # R, U, L, D
_CELL_COLOURS = {"red": "#e45756", "wall": "#4c4c4c", "start": "#54a24b", "goal": "#f2cf5b"}


def use_course_style():
    """Apply the course's matplotlib style (readable on a laptop and in Colab)."""
    with resources.as_file(resources.files("helpers") / "styles" / "course.mplstyle") as path:
        plt.style.use(str(path))


def _axes(ax):
    return plt.subplots()[1] if ax is None else ax


def plot_state_action_values(env, value, ax=None):
    """Plot the value of each action in each state, one line per action."""
    ax = _axes(ax)
    for action in range(env.n_actions):
        ax.plot(range(env.n_states), value[:, action], marker="o", markersize=3,
                linestyle="--", linewidth=1, label=ACTION_LABELS[action])
    ax.set(xlabel="State", ylabel="Value", title="Value of each action")
    ax.legend(loc="upper left", ncol=4)
    return ax


def draw_grid(env, ax=None):
    """Draw the world's cells: red cells, walls, start and goal, with state numbers
    on the axes. Cell (x, y) spans [x, x+1] x [y, y+1]."""
    ax = _axes(ax)
    for state, kind in env.cells.items():
        if kind in _CELL_COLOURS:
            x, y = state % env.dim_x, state // env.dim_x
            ax.add_patch(Rectangle((x, y), 1, 1, color=_CELL_COLOURS[kind], alpha=0.6, zorder=0))
    ax.set(xlim=(0, env.dim_x), ylim=(0, env.dim_y), aspect="equal")
    ax.set_xticks(np.arange(env.dim_x) + 0.5, [str(x) for x in range(env.dim_x)])
    ax.set_yticks(np.arange(env.dim_y) + 0.5,
                  [str(y * env.dim_x) for y in range(env.dim_y)])
    ax.set_xticks(np.arange(env.dim_x + 1), minor=True)
    ax.set_yticks(np.arange(env.dim_y + 1), minor=True)
    ax.grid(which="minor", color="0.75", linewidth=0.8)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="both", length=0)
    ax.set(xlabel="column", ylabel="first state of the row")
    return ax


def cell_centres(env, states):
    """The x and y coordinates of the centres of the cells `states` on the grid."""
    states = np.asarray(states, dtype=int)
    return states % env.dim_x + 0.5, states // env.dim_x + 0.5


def action_arrows(actions):
    """The x and y components (floats) of a unit arrow for each of `actions`."""
    return np.array([ACTION_ARROWS[a] for a in actions], dtype=float).reshape(-1, 2).T


def plot_quiver_max_action(env, value, ax=None):
    """Draw the greedy action of every state as an arrow on the grid."""
    ax = draw_grid(env, ax)
    greedy = np.asarray(value).argmax(axis=1)
    states = np.arange(env.n_states)
    keep = np.array([env.cells[s] not in ("wall", "goal") for s in states])
    x, y = cell_centres(env, states)
    u, v = action_arrows(greedy)
    ax.quiver(x[keep], y[keep], u[keep], v[keep], pivot="middle", scale=14, width=0.006)
    ax.set_title("Greedy action in each state")
    return ax


def plot_heatmap_max_val(env, value, ax=None):
    """Show the largest action value of each state as a heat map on the grid."""
    ax = _axes(ax)
    value = np.asarray(value)
    best = value if value.ndim == 1 else value.max(axis=1)
    image = ax.imshow(best.reshape(env.dim_y, env.dim_x), origin="lower", cmap="viridis",
                      extent=(0, env.dim_x, 0, env.dim_y), interpolation="none")
    ax.set_xticks(np.arange(env.dim_x) + 0.5, [str(x) for x in range(env.dim_x)])
    ax.set_yticks(np.arange(env.dim_y) + 0.5, [str(y * env.dim_x) for y in range(env.dim_y)])
    ax.grid(False)
    ax.set(title="Largest value in each state", xlabel="column", ylabel="first state of the row")
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return image


def smooth(values, window=10):
    """Moving average over `window` episodes (shorter windows at the ends)."""
    values = np.asarray(values, dtype=float)
    kernel = np.ones(window)
    return np.convolve(values, kernel, mode="same") / np.convolve(np.ones_like(values), kernel,
                                                                   mode="same")


def plot_rewards(rewards, window=10, ax=None):
    """Plot the total reward of each episode and its moving average."""
    ax = _axes(ax)
    episodes = np.arange(len(rewards))
    average = smooth(rewards, window)
    ax.plot(episodes, rewards, color="0.8", linewidth=0.8, label="each episode")
    ax.plot(episodes, average, linewidth=2, label=f"{window}-episode average")
    # rare very bad early episodes would flatten the curve: scale to the average
    ax.set_ylim(average.min() - 1, max(np.max(rewards), average.max()) + 0.5)
    ax.set(xlabel="Episode", ylabel="Total reward", title="Reward per episode")
    ax.legend(loc="lower right")
    return ax


def plot_performance(env, value, reward_sums):
    """The four views of one run: action values, greedy arrows, rewards, best values."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 10))
    plot_state_action_values(env, value, ax=axes[0, 0])
    plot_quiver_max_action(env, value, ax=axes[0, 1])
    plot_rewards(reward_sums, ax=axes[1, 0])
    plot_heatmap_max_val(env, value, ax=axes[1, 1])
    fig.tight_layout()
    return fig


def plot_steps_per_episode(steps, labels, title="Steps per episode", legend_title=None,
                           shortcut_episode=None, first_episode=20, optimal_steps=None, ax=None):
    """Compare agents: one line of steps per episode for each row of `steps`."""
    ax = _axes(ax)
    steps = np.atleast_2d(steps)
    episodes = np.arange(steps.shape[1])
    for row, label in zip(steps, labels):
        ax.plot(episodes, row, linewidth=1.5, label=str(label))
    if shortcut_episode is not None:
        ax.axvline(shortcut_episode, linestyle="--", color="0.4", label="shortcut opens")
    if optimal_steps is not None:
        ax.axhline(optimal_steps, linestyle=":", color="0.2",
                   label=f"shortest safe path ({optimal_steps} steps)")
    ax.set(xlabel="Episode", ylabel="Steps per episode", title=title,
           xlim=(first_episode, steps.shape[1] - 1), ylim=(0, 160))
    ax.legend(loc="upper right", title=legend_title)
    return ax


def plot_runs_with_spread(runs, label, x=None, ax=None, color=None):
    """Compare methods over seeds: the median of `runs` (one row per seed) as a line, and
    the band from the 25th to the 75th percentile around it. Call once per method."""
    ax = _axes(ax)
    runs = np.atleast_2d(np.asarray(runs, dtype=float))
    x = np.arange(runs.shape[1]) if x is None else np.asarray(x)
    low, median, high = np.percentile(runs, [25, 50, 75], axis=0)
    line, = ax.plot(x, median, linewidth=2, color=color,
                    label=f"{label} (median of {runs.shape[0]} seeds)")
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.25, linewidth=0)
    return ax


__all__ = [
    "ACTION_LABELS", "action_arrows", "cell_centres", "draw_grid", "plot_heatmap_max_val",
    "plot_performance", "plot_quiver_max_action", "plot_rewards", "plot_runs_with_spread",
    "plot_state_action_values", "plot_steps_per_episode", "smooth", "use_course_style",
]
