"""What the in-process sections run on: the tutorial's parameters, the masters' reference
solutions and a model learned with them."""

import numpy as np


def tutorial_params(k):
    """The tutorial's learning parameters with `k` planning steps."""
    return {"epsilon": 0.05, "alpha": 0.5, "gamma": 0.8, "k": k}


def reference():
    """The masters' reference solutions (`model_update`, `planning`, ...)."""
    from autograder.masters import load_reference_functions
    return load_reference_functions()


def learned_model(episodes=100, k=10):
    """A model and value table as they are mid-course: after `episodes` episodes of
    Dyna-Q with the reference solutions (seed 1)."""
    from helpers import QuentinsWorld, default_params, learn_environment

    ref = reference()
    seen = {}

    def remember(model, state, action, reward, next_state):
        seen["model"] = ref.model_update(model, state, action, reward, next_state)
        return seen["model"]

    np.random.seed(1)
    value = learn_environment(QuentinsWorld(), remember, ref.planning, default_params(k=k),
                              1000, episodes)[0]
    return seen["model"].copy(), value.copy()
