"""Hidden property checks for the analysis functions of notebooks 03 and 04:
``first_settled_episode``, ``planning_updates`` (2 points each) and
``episodes_to_exploit`` (2 points).

Built on ``check_kit``, shipped beside it (and numpy, the standard library); the hidden
tests pick checks from ``CHECKS[function]``.

Decisions
- Answers are judged by value (``check_kit.as_count``): an episode index or a count may
  be a Python int, a NumPy integer or a float equal to a whole number. A bool, a
  fraction, an array or a string is wrong, and so is a number where None is due (and
  the reverse); the message names what came back.
- Each property is its own check, and each check's cases avoid the situations another
  check is about (for example, only the limit check has episodes of exactly ``limit``
  steps), so one mistake costs only the points of the properties it breaks.
- Expected answers come from plain-Python references here. The steps are passed as the
  notebooks pass them (float arrays), except in the check about plain lists.
"""

import numpy as np

from check_kit import (Check, Random, as_count, call_student, describe, np_array, number_text,
                       seeded)

SEED = 3003
_FS = "first_settled_episode"
_PU = "planning_updates"
_EE = "episodes_to_exploit"
_prepared = seeded(SEED)


def _steps_text(steps):
    values = [number_text(x).removesuffix(".0") for x in np.ravel(steps).tolist()]
    shown = ", ".join(values[:14]) + (", ..." if len(values) > 14 else "")
    return f"[{shown}]" if np.ndim(steps) < 2 else f"an array of shape {np.shape(steps)}: [{shown}]"


def _judge(fname, call, result, expected, why=""):
    """Raise AssertionError unless `result` has the value `expected` (a whole number, or
    None); the message names what came back."""
    reason = f" ({why})" if why else ""
    if expected is None:
        if result is not None:
            raise AssertionError(f"{call} should return None{reason}, but your {fname} "
                                 f"returned {describe(result)}.")
        return
    value, problem = as_count(result)
    if problem is not None:
        raise AssertionError(f"{call} should return the whole number {expected}{reason}, but "
                             f"your {fname} returned {problem}.")
    if value != expected:
        raise AssertionError(f"{call} should return {expected}{reason}, but your {fname} "
                             f"returned {value}.")


# ---------------------------------------------------------------------------
# first_settled_episode(steps, limit)
# ---------------------------------------------------------------------------

def _settled(steps, limit):
    above = [i for i, x in enumerate(steps) if x > limit]
    if not above:
        return 0
    return above[-1] + 1 if above[-1] + 1 < len(steps) else None


def _settling_runs(seed, count):
    """Steps that end within the limit after a noisy start with lucky short episodes;
    no episode takes exactly `limit` steps."""
    rng = Random(seed)
    runs = []
    for _ in range(count):
        limit = rng.choice((20, 25, 30, 40))
        noisy = [rng.choice((limit + rng.randrange(1, 200), limit - rng.randrange(1, 10)))
                 for _ in range(rng.randrange(3, 15))]
        noisy.append(limit + rng.randrange(1, 50))      # the last long episode
        calm = [limit - rng.randrange(1, 10) for _ in range(rng.randrange(1, 12))]
        runs.append((noisy + calm, limit))
    return runs


def _check_settled(f, cases, why, as_list=False):
    for steps, limit in cases:
        argument = list(steps) if as_list else np_array(steps, dtype=float)
        call = f"{_FS}({_steps_text(steps)}, {limit})"
        result = call_student(f, _FS, (argument, limit), f"as {call}")
        _judge(_FS, call, result, _settled(steps, limit), why)


@_prepared
def check_settled_after_last_long_episode(f):
    """The answer is the episode right after the last one above the limit, however short
    some earlier episodes were."""
    _check_settled(f, [([50, 25, 22, 31, 21, 20], 30), ([90, 15, 80, 12, 10], 20)]
                   + _settling_runs(1, 12), "the episode right after the last one above the limit")


@_prepared
def check_settled_limit_is_inclusive(f):
    """An episode of exactly `limit` steps is within the limit."""
    _check_settled(f, [([40, 30, 25], 30), ([35, 20, 20], 20), ([50, 31, 30, 30, 12], 30)],
                   "an episode of exactly `limit` steps is within the limit")


@_prepared
def check_settled_none_when_last_episode_above(f):
    """None when even the last episode takes more than `limit` steps."""
    _check_settled(f, [([20, 21, 45], 30), ([10, 10, 10, 99], 20), ([100], 50)]
                   + [(steps + [limit + 7], limit) for steps, limit in _settling_runs(2, 4)],
                   "the last episode is still above the limit")


@_prepared
def check_settled_zero_when_always_within(f):
    """0 when every episode is within the limit from the start."""
    _check_settled(f, [([10, 12], 20), ([5], 8), ([19, 3, 7, 11], 25)],
                   "every episode is within the limit")


@_prepared
def check_settled_takes_a_plain_list(f):
    """A plain list of step counts works like an array."""
    _check_settled(f, [([50, 25, 22, 31, 21, 20], 30), ([90, 15, 80, 12, 10], 20)]
                   + _settling_runs(3, 3), "", as_list=True)


# ---------------------------------------------------------------------------
# planning_updates(steps, k)
# ---------------------------------------------------------------------------

def _check_updates(f, cases, why):
    for steps, k in cases:
        call = f"{_PU}({_steps_text(steps)}, {k})"
        result = call_student(f, _PU, (steps, k), f"as {call}")
        _judge(_PU, call, result, int(round(float(np.sum(steps)))) * int(k), why)


def _episode_steps(seed, count, shape):
    rng = np.random.default_rng(seed)
    return [(rng.integers(10, 300, size=shape).astype(float), int(rng.choice([1, 3, 10, 100])))
            for _ in range(count)]


@_prepared
def check_updates_k_per_real_step(f):
    """k planning updates for every real step of every episode."""
    _check_updates(f, [([20, 30], 10), ([7], 1), ([12, 40, 5], 3)]
                   + [(steps.tolist(), k) for steps, k in _episode_steps(4, 4, 6)],
                   "k planning updates for every real step")


@_prepared
def check_updates_every_episode_counts(f):
    """With a 2-D array (agents x episodes) every episode counts."""
    _check_updates(f, [(np_array([[10.0, 20.0], [30.0, 40.0]]), 3)] + _episode_steps(5, 3, (4, 7)),
                   "every episode of every agent counts")


@_prepared
def check_updates_none_when_k_zero(f):
    """With k = 0 there is no planning at all."""
    _check_updates(f, [([20, 30], 0), (np_array([3.0, 4.0]), 0)], "with k = 0 there is no planning")


@_prepared
def check_updates_float_steps_and_numpy_k(f):
    """Steps recorded as floats and k as a NumPy integer, as the notebook's sweep gives
    them, count the same."""
    _check_updates(f, [(np_array([5.0, 5.0]), np.int64(100)), (np_array([17.0, 3.0, 9.0]), np.int64(1))]
                   + [(steps, np.int64(k)) for steps, k in _episode_steps(6, 3, 9)],
                   "the same count whatever the types")


# ---------------------------------------------------------------------------
# episodes_to_exploit(steps, shortcut_episode, limit, run=5)
# ---------------------------------------------------------------------------

def _exploit(steps, opening, limit, run):
    within = [x <= limit for x in steps[opening:]]
    for start in range(len(within) - run + 1):
        if all(within[start:start + run]):
            return start
    return None


def _check_exploit(f, cases, why, default_run=False):
    for steps, opening, limit, run in cases:
        arguments = (np_array(steps, dtype=float), opening, limit) + (() if default_run else (run,))
        call = (f"{_EE}({_steps_text(steps)}, {opening}, {limit}"
                + (")" if default_run else f", run={run})"))
        result = call_student(f, _EE, arguments, f"as {call}")
        _judge(_EE, call, result, _exploit(steps, opening, limit, run), why)


def _adapting_runs(seed, count):
    """Long episodes, a shortcut, then noisy adaptation into a run of short ones. No short
    run starts before the opening, and no episode takes exactly `limit` steps."""
    rng = Random(seed)
    cases = []
    for _ in range(count):
        limit, run = rng.choice((10, 12, 20)), rng.choice((2, 3, 5))
        before = [limit + rng.randrange(5, 60) for _ in range(rng.randrange(1, 8))]
        after = []
        for _ in range(rng.randrange(0, 10)):   # short bursts broken by a long episode
            after += [limit - rng.randrange(1, 4)] * rng.randrange(0, run) + [limit + rng.randrange(1, 30)]
        after += [limit - rng.randrange(1, 4) for _ in range(run + rng.randrange(0, 4))]
        cases.append((before + after, len(before), limit, run))
    return cases


@_prepared
def check_exploit_counts_from_the_opening(f):
    """The answer counts episodes from the opening (the episode at `shortcut_episode` is 0),
    including a run that starts there or ends with the last episode (only this check's
    runs end with the last episode)."""
    _check_exploit(f, [([20, 20, 20, 11, 20, 10, 10, 10, 10, 10], 2, 12, 5),
                       ([20, 11, 9, 10], 1, 12, 3), ([30, 30, 8, 9], 0, 12, 2)]
                   + _adapting_runs(7, 10), "counted from the episode where the shortcut opened")


@_prepared
def check_exploit_ignores_episodes_before_the_opening(f):
    """Short episodes before the shortcut opened do not count."""
    _check_exploit(f, [([10, 10, 10, 20, 11, 11, 30], 3, 12, 2),
                       ([5, 5, 5, 5, 5, 30, 30, 4, 4, 4, 4, 4, 30], 5, 8, 5),
                       ([9, 9, 9, 25, 25, 9, 9, 25], 3, 10, 2)],
                   "episodes before the shortcut opened do not count")


@_prepared
def check_exploit_run_is_consecutive(f):
    """The short episodes of a run follow one another: a long episode breaks the run."""
    _check_exploit(f, [([30, 8, 8, 30, 8, 8, 8, 30], 0, 10, 3), ([40, 5, 40, 5, 40, 5, 5, 40], 1, 10, 2),
                       ([25, 9, 9, 9, 9, 30, 9, 9, 9, 9, 9, 30], 0, 10, 5)],
                   "a long episode breaks a run of short ones")


@_prepared
def check_exploit_limit_is_inclusive(f):
    """An episode of exactly `limit` steps counts as short."""
    _check_exploit(f, [([20, 12, 12, 12, 20], 1, 12, 3), ([30, 30, 10, 10, 30], 1, 10, 2)],
                   "an episode of exactly `limit` steps counts as short")


@_prepared
def check_exploit_none_without_a_run(f):
    """None when no run of `run` short episodes exists after the opening."""
    _check_exploit(f, [([20, 20, 20, 10], 1, 12, 2), ([20, 10, 10, 10, 10], 1, 12, 5),
                       ([30, 9, 30, 9, 30], 0, 10, 2), ([40, 40], 1, 12, 1)],
                   "no run of short episodes exists")


@_prepared
def check_exploit_run_defaults_to_five(f):
    """Without `run`, a run is 5 episodes long."""
    _check_exploit(f, [([20, 10, 10, 10, 10, 10, 20], 1, 12, 5),
                       ([20, 10, 10, 10, 10, 20, 10, 10, 10, 10, 10, 20], 1, 12, 5),
                       ([30, 9, 9, 9, 30, 9, 9, 9, 9, 9, 9, 30], 0, 10, 5)],
                   "a run is 5 episodes long by default", default_run=True)


# ---------------------------------------------------------------------------
# The check lists
# ---------------------------------------------------------------------------

CHECKS = {
    _FS: [
        Check("settled_after_last_long_episode", 0.5, check_settled_after_last_long_episode),
        Check("settled_limit_is_inclusive", 0.5, check_settled_limit_is_inclusive),
        Check("settled_none_when_last_episode_above", 0.5, check_settled_none_when_last_episode_above),
        Check("settled_zero_when_always_within", 0.25, check_settled_zero_when_always_within),
        Check("settled_takes_a_plain_list", 0.25, check_settled_takes_a_plain_list),
    ],
    _PU: [
        Check("updates_k_per_real_step", 0.75, check_updates_k_per_real_step),
        Check("updates_every_episode_counts", 0.5, check_updates_every_episode_counts),
        Check("updates_none_when_k_zero", 0.25, check_updates_none_when_k_zero),
        Check("updates_float_steps_and_numpy_k", 0.5, check_updates_float_steps_and_numpy_k),
    ],
    _EE: [
        Check("exploit_counts_from_the_opening", 0.5, check_exploit_counts_from_the_opening),
        Check("exploit_ignores_episodes_before_the_opening", 0.5, check_exploit_ignores_episodes_before_the_opening),
        Check("exploit_run_is_consecutive", 0.25, check_exploit_run_is_consecutive),
        Check("exploit_limit_is_inclusive", 0.25, check_exploit_limit_is_inclusive),
        Check("exploit_none_without_a_run", 0.25, check_exploit_none_without_a_run),
        Check("exploit_run_defaults_to_five", 0.25, check_exploit_run_defaults_to_five),
    ],
}
