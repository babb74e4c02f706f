"""Which isolation tier grades: bubblewrap where it runs; else, for a root grader, a
sandbox account (`autograder.sandbox_account`); else none, only where the caller says why
that is acceptable. Apart from `autograder.isolation` so that the tiers build on it and
this module alone knows them all.
"""

import os

from .isolation import HOW_TO_ENABLE, Isolation, IsolationUnavailable, bubblewrap
from .sandbox_account import account_tier


def not_isolated(why):
    """No isolation: the student's process runs with the grader's rights."""
    return Isolation(f"isolation: none ({why})")


def choose(unsafe=None, fallback=None):
    """The isolation to grade with: none if `unsafe` says why; else bubblewrap; else, for
    a root grader, the sandbox-account tier (`autograder.sandbox_account`); else, where
    a `fallback` says why that is acceptable, none. Raises IsolationUnavailable otherwise."""
    if unsafe:
        return not_isolated(unsafe)
    try:
        return bubblewrap()
    except IsolationUnavailable as error:
        why = str(error)
    if os.geteuid() == 0:
        try:
            return account_tier(why)
        except IsolationUnavailable as error:
            why = f"{why}; no sandbox account either: {error}"
    else:
        why = (f"{why}; the grader is not root, so student code cannot run as an account "
               "of its own either: it runs with the grader's rights")
    if fallback is None:
        raise IsolationUnavailable(why)
    return not_isolated(f"{why}; {fallback}")


def refusal(why, override):
    """What a grader refusing to run without isolation says: why, how to enable it, and
    `override`, the way to grade without it anyway."""
    return (f"Not grading: submissions cannot be isolated on this machine: {why}.\n"
            "Isolation keeps each submission from reading or changing your files, reaching "
            "the network or stopping the grader.\n"
            f"To enable it, {HOW_TO_ENABLE}.\n"
            f"To grade without isolation anyway (student code then runs with your rights): "
            f"{override}.")
