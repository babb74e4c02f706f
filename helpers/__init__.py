"""Shared code for the Dyna-Q course notebooks: worlds, the learning loop, experiments
and plots. Students import it; they never need to edit it."""

from .experiments import default_params, run_planning_sweep, run_shortcut_experiment
from .learning import epsilon_greedy, learn_environment, q_learning
from .worlds import ACTION_ARROWS, ACTION_NAMES, GridWorld, QuentinsWorld

__all__ = [
    "ACTION_ARROWS", "ACTION_NAMES", "GridWorld", "QuentinsWorld", "default_params",
    "epsilon_greedy", "learn_environment", "q_learning", "run_planning_sweep",
    "run_shortcut_experiment",
]
