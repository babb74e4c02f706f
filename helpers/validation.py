"""Input checks that turn common mistakes into errors a student can act on.

Only checks live here; they are cheap enough to run on every step of a learning run.
"""

import numpy as np


def check_params(params, required):
    """Raise a clear error unless `params` is a dict holding every key in `required`."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict, got {type(params).__name__}")
    for key in required:
        if key not in params:
            raise KeyError(f"params is missing the key {key!r} (it needs {', '.join(map(repr, required))})")


def check_returned_array(returned, shape, who):
    """Return `returned` if it is a NumPy array of `shape`, else raise a clear error."""
    if type(returned) is not np.ndarray or returned.shape != shape:
        got = "None" if returned is None else (
            f"an array of shape {returned.shape}" if isinstance(returned, np.ndarray)
            else f"a {type(returned).__name__}")
        raise TypeError(f"{who} must return a NumPy array of shape {shape}, but it returned {got}"
                        " (did you forget the return statement?)")
    return returned



def check_max_steps(max_steps):
    """Raise a clear error unless `max_steps` is a whole number of steps, at least 1."""
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
        raise ValueError(f"max_steps must be a whole number of steps, at least 1, got {max_steps!r}")
