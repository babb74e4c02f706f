"""What the planning stepper draws: the grid with the model's observed pairs, the pair
a planning update sampled and its action values before and after (`draw_planning_step`,
which takes data and returns the figure)."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from . import plotting
from .widget_runs import observed_pairs
from .worlds import ACTION_NAMES

_OBSERVED_COLOUR = "#4c78a8"
_SAMPLED_COLOUR = "#f58518"


def _pair_arrows(env, pairs, length):
    x, y = plotting.cell_centres(env, [s for s, _ in pairs])
    u, v = plotting.action_arrows([a for _, a in pairs])
    return x, y, u * length, v * length


def draw_planning_step(env, model, value, step=None, n_updates=0, axes=None):
    """Draw the grid with every observed (state, action) pair as a blue arrow, the pair a
    planning `step` sampled as an orange arrow with its next state outlined, and, beside
    it, that state's action values before and after the update. Returns the figure."""
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 5), gridspec_kw={"width_ratios": [1.25, 1]})
    grid_ax, bar_ax = axes
    plotting.draw_grid(env, grid_ax)
    pairs = observed_pairs(model)
    for state in sorted({s for s, _ in pairs}):
        grid_ax.add_patch(Rectangle((state % env.dim_x, state // env.dim_x), 1, 1,
                                    color=_OBSERVED_COLOUR, alpha=0.15, zorder=0.5))
    if pairs:
        grid_ax.quiver(*_pair_arrows(env, pairs, 0.4), angles="xy", scale_units="xy", scale=1,
                       color=_OBSERVED_COLOUR, width=0.006, headwidth=4, headlength=4,
                       headaxislength=3.5, zorder=2)
    handles = [Line2D([], [], color=_OBSERVED_COLOUR, linewidth=2,
                      label=f"observed pairs ({len(pairs)})")]
    sampled = step is not None and step.state is not None
    if sampled:
        grid_ax.quiver(*_pair_arrows(env, [(step.state, step.action)], 0.45), angles="xy",
                       scale_units="xy", scale=1, color=_SAMPLED_COLOUR, width=0.016, headwidth=3,
                       headlength=3, headaxislength=2.6, zorder=3)
        handles.append(Line2D([], [], color=_SAMPLED_COLOUR, linewidth=4, label="sampled pair"))
        if step.next_state is not None:
            nx, ny = step.next_state % env.dim_x, step.next_state // env.dim_x
            grid_ax.add_patch(Rectangle((nx + 0.06, ny + 0.06), 0.88, 0.88, fill=False,
                                        edgecolor=_SAMPLED_COLOUR, linewidth=2.5,
                                        linestyle="--", zorder=3))
            handles.append(Patch(fill=False, edgecolor=_SAMPLED_COLOUR, linestyle="--",
                                 linewidth=2, label="its next state (model)"))
    grid_ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.12), ncol=3,
                   fontsize=10)
    grid_ax.set_title(f"Planning update {n_updates}" if n_updates else "The model so far")

    if sampled:
        row_before = value[step.state].copy()
        row_before[step.action] = step.before
        positions = np.arange(env.n_actions)
        bar_ax.bar(positions - 0.2, row_before, width=0.4, color="0.7", label="before")
        bar_ax.bar(positions + 0.2, value[step.state], width=0.4, color=_SAMPLED_COLOUR,
                   label="after")
        bar_ax.set_xticks(positions, [f"{a} {name}" for a, name in enumerate(ACTION_NAMES)])
        bar_ax.set(title=f"Q[{step.state}, ·] before and after", ylabel="action value")
        bar_ax.axhline(0, color="0.3", linewidth=0.8)
        bar_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    else:
        bar_ax.axis("off")
        bar_ax.text(0.5, 0.5, "Click “Plan one step”:\none observed pair is sampled\n"
                    "and its Q-value updated\nfrom what the model says.",
                    ha="center", va="center", fontsize=13, transform=bar_ax.transAxes)
    fig = grid_ax.figure
    fig.tight_layout()
    return fig
