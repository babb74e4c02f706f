"""The toolkit every hidden check module is built from.

Needs the standard library, numpy, scipy.special and the course's ``helpers`` package
(installed wherever notebooks are graded; its ``answers`` module holds the rule for
reading a returned number, shared with the public checks). Shipped in each autograder
zip beside the check modules, which import it as ``import check_kit``.

Public API
    Check                  name, points, func(student_function); description: func's docstring
    run_checks(checks, f)  -> list of (name, points, earned, message)
    assert_passes(CHECKS, function, name, f)   one check, as a hidden test runs it
    seeded(seed)           decorator: a check runs with seeded generators, no warnings
    call_student(f, ...)   call a student's function; a crash becomes a plain message
    call_student_repeatedly(f, ...)   many calls, in one exchange with a graded process
    with_arguments(f, adapt)          f seen through an argument adapter
    same, close            exact / rounding-tolerant comparison of numbers (NaN-aware)
    number_text(x)         a number as people read it (helpers.answers)
    describe(x)            what a returned value is, in a student's words (helpers.answers)
    as_count(x), as_number(x)   judge a returned number by its value (helpers.answers)
    as_pairs(x)            read returned (state, action) pairs (helpers.answers)
    as_float_array(x, shape)    (a float copy, None) or (None, what ``x`` is instead)
    shape_text(shape), first_change(before, after)   a shape in words; where arrays differ
    changed_pairs(before, after)   the (state, action) entries a table changed (helpers.answers)
    result_or_argument(...), returned_table_or_fail(...)   what a call produced / returned
    shared_check(check, prepare, *args)   a shared check (``shared_checks``) bound to a
                           module's worlds
    acceptance_interval, rejection_probability   exact binomial tests
    np_array, np_asarray, np_zeros, NDARRAY, Random, isnan, sqrt, NAN, INF
                           entry points captured before a notebook can rebind them

Numbers are judged by value, with one rule for every graded function (see
``helpers.answers``); the message names what came back.

Each ``Check.func`` raises AssertionError with a plain-words message when its property
fails; an exception raised by the student's function becomes such an AssertionError too.
"""

import functools
import math
import random
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
from helpers.answers import (as_count, as_number, as_pairs, changed_pairs, describe, differing,
                             number_text)
from scipy.special import bdtr as _bdtr, bdtrc as _bdtrc

__all__ = ["Check", "run_checks", "assert_passes", "seeded", "call_student",
           "call_student_repeatedly", "with_arguments", "same", "close",
           "number_text", "describe", "as_count", "as_number", "as_pairs", "as_float_array",
           "acceptance_interval", "upper_tail", "rejection_probability", "interval_probability",
           "shape_text", "first_change", "changed_pairs", "result_or_argument", "returned_table_or_fail",
           "shared_check",
           "np_array", "np_asarray", "np_zeros", "NDARRAY", "Random", "isnan", "sqrt", "NAN",
           "INF"]

# numpy, math and random entry points captured at import time, before a notebook can
# rebind them (a patched numpy C internals cannot be defended against here); the check
# modules take theirs from here.
np_array = np.array
np_asarray = np.asarray
np_zeros = np.zeros
NDARRAY = np.ndarray
Random = random.Random
isnan = math.isnan
sqrt = math.sqrt
NAN = float("nan")
INF = float("inf")
_np_seed = np.random.seed
_py_seed = random.seed


@dataclass(frozen=True)
class Check:
    """One graded property: ``func(student_function)`` raises AssertionError on failure.
    What it checks, in plain words, is written once: the first paragraph of ``func``'s
    docstring (its ``description``)."""
    name: str
    points: float
    func: Callable

    @property
    def description(self):
        return " ".join((self.func.__doc__ or "").strip().split("\n\n")[0].split())


def run_checks(checks, func):
    """Run ``checks`` on ``func``; return a list of (name, points, earned, message)."""
    results = []
    for check in checks:
        try:
            check.func(func)
        except AssertionError as failure:
            message = str(failure) or f"the property '{check.description}' does not hold."
            results.append((check.name, check.points, 0.0, message))
        except Exception as error:  # a defect of a check module, never the student's
            results.append((check.name, check.points, 0.0,
                            f"this check could not be completed ({type(error).__name__}); "
                            "please tell the course staff."))
        else:
            results.append((check.name, check.points, check.points, ""))
    return results


def assert_passes(checks, function, name, student_function):
    """Run check `name` of ``checks[function]`` on the student's function, as a hidden
    test does: raise AssertionError with its message unless it passes."""
    [check] = [c for c in checks[function] if c.name == name]
    [(_, points, earned, message)] = run_checks([check], student_function)
    if earned != points:  # raised, not asserted: `python -O` removes assert statements
        raise AssertionError(message)


def seeded(seed):
    """Decorator for a check: seed the global generators with `seed` where the student's
    function draws from them (here, and in the student's process when the function is
    the grader's proxy) and silence warnings around it, so regrading gives the same
    result and every grading path the same draws."""
    def prepare(check_function):
        @functools.wraps(check_function)
        def run(student_function):
            _np_seed(seed)
            _py_seed(seed)
            seed_student = getattr(student_function, "seed_generators", None)
            if seed_student is not None:
                seed_student(seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return check_function(student_function)
        return run
    return prepare


def call_student(func, fname, args, context):
    """Call the student's function `fname`; turn any exception into a plain message."""
    try:
        return func(*args)
    except (Exception, SystemExit) as error:  # noqa: BLE001 - any student crash
        raise AssertionError(_crash_message(error, fname, context)) from None


def call_student_repeatedly(func, fname, arg_lists, context):
    """The results of calling the student's function once per argument list, in order,
    exactly as repeated `call_student` calls give them (the first crash becomes the same
    plain message). The grader's proxy of a function makes the calls in one exchange
    with the student's process (its `call_many`); a plain function is called in a loop."""
    many = getattr(func, "call_many", None)
    if many is None:
        return [call_student(func, fname, args, context) for args in arg_lists]
    results = []
    for outcome in many(arg_lists):
        if isinstance(outcome, BaseException):
            raise AssertionError(_crash_message(outcome, fname, context))
        results.append(outcome)
    return results


def with_arguments(func, adapt):
    """`func` called with `adapt(*args)` in place of `args`, keeping what the grader's
    proxy of a function offers (`call_many`, `seed_generators`)."""
    def adapted(*args):
        return func(*adapt(*args))
    if hasattr(func, "call_many"):
        adapted.call_many = lambda arg_lists: func.call_many([adapt(*args) for args in arg_lists])
    if hasattr(func, "seed_generators"):
        adapted.seed_generators = func.seed_generators
    return adapted


def _crash_message(error, fname, context):
    try:
        text = str(error)
    except Exception:  # noqa: BLE001
        text = ""
    text = " ".join(text.split())
    if len(text) > 200:
        text = text[:197] + "..."
    detail = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return f"your {fname} raised {detail} when called {context}."


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

def same(x, y):
    """Exact equality where NaN equals NaN."""
    return x == y or (x != x and y != y)


def close(x, y):
    """Equal up to float rounding; NaN equals only NaN and an infinity only itself."""
    if x == y:
        return True
    if x != x or y != y:
        return x != x and y != y
    if math.isinf(x) or math.isinf(y):
        return False
    return abs(x - y) <= 1e-12 + 1e-9 * abs(y)


def as_float_array(obj, shape):
    """(a new float array, None) if ``obj`` reads as an array of numbers of ``shape``,
    else (None, a description of what it is)."""
    if obj is None:
        return None, "None"
    if isinstance(obj, NDARRAY) and obj.dtype.kind not in "fiu":
        return None, f"an array of dtype {obj.dtype} (not numbers)"
    try:
        array = np_array(obj, dtype=float)
    except Exception:  # noqa: BLE001
        return None, f"a {type(obj).__name__} that cannot be read as an array of numbers"
    if tuple(array.shape) != tuple(shape):
        return None, f"an array of shape {tuple(array.shape)}"
    return array, None


def shape_text(shape):
    """A shape as a student writes it: (6, 4)."""
    return "(" + ", ".join(str(n) for n in shape) + ")"


def first_change(before, after):
    """The index (all axes but the last) of the first entry of array ``after`` that differs
    from ``before``, NaN equal to NaN; None if none does."""
    changed = differing(before, after).any(axis=-1).nonzero()
    return None if not len(changed[0]) else tuple(int(axis[0]) for axis in changed)


# ---------------------------------------------------------------------------
# Returned tables: the function must return what it computed
# ---------------------------------------------------------------------------

def _same_array(x, y):
    """Same shape and entries, NaN equal to NaN."""
    return x.shape == y.shape and first_change(y, x) is None


def result_or_argument(returned, argument, shape, fname, what, context):
    """The float array a call produced: the returned one, or else the argument (updated
    in place), which must still have ``shape``."""
    array, problem = as_float_array(returned, shape)
    if array is not None:
        return array
    array, _ = as_float_array(argument, shape)
    if array is None:
        raise AssertionError(
            f"your {fname} returned {problem} and the {what} it was given no longer has shape "
            f"{shape_text(shape)} after it was called {context}.")
    return array


def returned_table_or_fail(returned, argument, before, name, missing, different, unchanged):
    """The float array a function returned, which must have the shape of ``before`` (its
    argument ``name`` as passed in): the argument itself if the function changed that in
    place, else a copy that differs from ``before``. Otherwise raise AssertionError with
    ``missing`` (completed by what came back), ``different`` or ``unchanged``."""
    array, problem = as_float_array(returned, before.shape)
    if array is None:
        hint = f" Add `return {name}` at the end." if returned is None else ""
        raise AssertionError(f"{missing} returned {problem}.{hint}")
    in_place = not _same_array(argument, before)
    if in_place and not _same_array(array, argument):
        raise AssertionError(different)
    if not in_place and _same_array(array, before):
        raise AssertionError(unchanged)
    return array


def shared_check(check, prepare, *args):
    """The check function ``f -> check(f, *args)``, prepared by ``prepare`` (a module's
    ``seeded(SEED)``) and documented as ``check``."""
    @prepare
    @functools.wraps(check)
    def run(f):
        return check(f, *args)
    return run


# ---------------------------------------------------------------------------
# Exact binomial tests (the statistical checks argue their bounds with these)
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def acceptance_interval(n, p, beta):
    """Exact binomial acceptance interval [lo, hi] for Binomial(n, p):
    P(X < lo) < beta and P(X > hi) < beta, with lo smallest and hi largest."""
    lo_a, lo_b = 0, n              # smallest c with P(X <= c) >= beta
    while lo_a < lo_b:
        mid = (lo_a + lo_b) // 2
        if _bdtr(mid, n, p) >= beta:
            lo_b = mid
        else:
            lo_a = mid + 1
    hi_a, hi_b = 0, n              # largest c with P(X >= c) >= beta
    while hi_a < hi_b:
        mid = (hi_a + hi_b + 1) // 2
        if upper_tail(mid, n, p) >= beta:
            hi_a = mid
        else:
            hi_b = mid - 1
    return lo_a, hi_a


def upper_tail(c, n, p):
    """P(X >= c) for X ~ Binomial(n, p)."""
    return 1.0 if c <= 0 else float(_bdtrc(c - 1, n, p))


def rejection_probability(n, p, beta):
    """P(X falls outside the acceptance interval) for X ~ Binomial(n, p)."""
    lo, hi = acceptance_interval(n, p, beta)
    return (float(_bdtr(lo - 1, n, p)) if lo > 0 else 0.0) + upper_tail(hi + 1, n, p)


def interval_probability(lo, hi, n, q):
    """P(lo <= X <= hi) for X ~ Binomial(n, q)."""
    if q <= 0.0:
        return 1.0 if lo == 0 else 0.0
    below = float(_bdtr(lo - 1, n, q)) if lo > 0 else 0.0
    return max(0.0, float(_bdtr(hi, n, q)) - below)
