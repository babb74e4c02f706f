"""The course's experiments as plain functions that return arrays: the planning sweep
(how much to plan) and the shortcut experiment (when the world changes).

They call `learn_environment` in the tutorial's order, so after `np.random.seed(1)` the
numbers match the original. Drawing is left to `helpers.plotting`.
"""

import numpy as np

from .learning import learn_environment
from .worlds import QuentinsWorld

DEFAULT_PARAMS = {"epsilon": 0.05, "alpha": 0.5, "gamma": 0.8, "k": 10}


def default_params(**changes):
    """Return a fresh copy of the tutorial's parameters with `changes` applied."""
    params = dict(DEFAULT_PARAMS)
    params.update(changes)
    return params


def run_planning_sweep(model_updater, planner, planning_steps=(0, 1, 10, 100),
                       n_experiments=10, n_episodes=100, max_steps=1000, params=None,
                       progress=True):
    """Run Dyna-Q on Quentin's World for each k in `planning_steps`, `n_experiments` times.

    Returns steps per episode, shape `(len(planning_steps), n_experiments, n_episodes)`.
    """
    from tqdm.auto import tqdm  # here, not at the top: in a notebook it loads ipywidgets

    params = default_params(**(params or {}))
    env = QuentinsWorld()
    steps = np.zeros((len(planning_steps), n_experiments, n_episodes))
    with tqdm(total=len(planning_steps) * n_experiments, desc="planning sweep",
              unit="run", disable=not progress) as bar:
        for i, k in enumerate(planning_steps):
            params["k"] = k
            bar.set_postfix(k=k)
            for experiment in range(n_experiments):
                steps[i, experiment] = learn_environment(
                    env, model_updater, planner, params, max_steps, n_episodes)[2]
                bar.update()
    return steps


def run_shortcut_experiment(model_updater, planner, planning_steps=(0, 10), n_episodes=400,
                            shortcut_episode=200, max_steps=1000, params=None, progress=True):
    """Run each k in `planning_steps` once on a fresh Quentin's World whose shortcut
    opens at `shortcut_episode`.

    Returns steps per episode, shape `(len(planning_steps), n_episodes)`.
    """
    from tqdm.auto import tqdm

    params = default_params(**(params or {}))
    steps = np.zeros((len(planning_steps), n_episodes))
    for i, k in enumerate(tqdm(planning_steps, desc="shortcut experiment", unit="agent",
                               disable=not progress)):
        params["k"] = k
        steps[i] = learn_environment(QuentinsWorld(), model_updater, planner, params,
                                     max_steps, n_episodes, shortcut_episode=shortcut_episode)[2]
    return steps
