"""The toolkit every hidden check module is built from.

Needs the standard library, numpy, scipy.special and the course's ``helpers`` package
(installed wherever notebooks are graded; its ``answers`` module holds the rule for
reading a returned number, shared with the public checks). Shipped in each autograder
zip beside the check modules, which import it as ``import check_kit``.

Public API
    Check                  name, points, description, func(student_function)
    run_checks(checks, f)  -> list of (name, points, earned, message)
    assert_passes(CHECKS, function, name, f)   one check, as a hidden test runs it
    seeded(seed)           decorator: a check runs with seeded generators, no warnings
    call_student(f, ...)   call a student's function; a crash becomes a plain message
    call_student_repeatedly(f, ...)   many calls, in one exchange with a graded process
    with_arguments(f, adapt)          f seen through an argument adapter
    same, close            exact / rounding-tolerant comparison of numbers (NaN-aware)
    number_text(x)         a number as a failure message shows it
    describe(x)            what a returned value is, in a student's words (helpers.answers)
    as_count(x), as_number(x)   judge a returned number by its value (helpers.answers)
    as_pairs(x)            read returned (state, action) pairs (helpers.answers)
    as_float_array(x, shape)    (a float copy, None) or (None, what ``x`` is instead)
    shape_text(shape), first_change(before, after)   a shape in words; where arrays differ
    result_or_argument(...), returned_table_or_fail(...)   what a call produced / returned
    update_returns_model(f, ...)          a model update returns the updated model
    planning_returns_value_table(f, ...), planning_k_zero_changes_nothing(f, ...),
    planning_leaves_model_unchanged(f, ...), planning_updates_only_known_pairs(f, ...)
                           the planning checks Dyna-Q and sample-model planning share,
                           on worlds built on PlanningWorld; value_text(world, s, a, table)
    shared_check(check, prepare, *args)   such a check bound to a module's worlds
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
from helpers.answers import as_count, as_number, as_pairs, describe
from scipy.special import bdtr as _bdtr, bdtrc as _bdtrc

__all__ = ["Check", "run_checks", "assert_passes", "seeded", "call_student",
           "call_student_repeatedly", "with_arguments", "same", "close",
           "number_text", "describe", "as_count", "as_number", "as_pairs", "as_float_array",
           "acceptance_interval", "upper_tail", "rejection_probability", "interval_probability",
           "shape_text", "first_change", "result_or_argument", "returned_table_or_fail",
           "update_returns_model", "planning_returns_value_table",
           "planning_k_zero_changes_nothing", "planning_leaves_model_unchanged",
           "planning_updates_only_known_pairs", "PlanningWorld", "value_text",
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
    """One graded property: ``func(student_function)`` raises AssertionError on failure."""
    name: str
    points: float
    description: str
    func: Callable


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
    assert earned == points, message


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


def number_text(x):
    """A number as a student reads it: 2.0, 0.512, NaN, infinity, None."""
    if x is None:
        return "None"
    x = float(x)
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "infinity" if x > 0 else "minus infinity"
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x)}.0" if abs(x) < 1e6 else f"{x:g}"
    return f"{x:.6g}"


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
    differs = ~((after == before) | ((after != after) & (before != before)))
    changed = differs.any(axis=-1).nonzero()
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


def update_returns_model(f, fname, cases, unchanged):
    """A model update returns the updated model on each case (``case.fresh()``, the model
    it is called on; ``case.call_text()``, ``case.context()``, ``case.shape``).
    ``unchanged``: the message when it returns the model as passed in, with ``{call}``."""
    for case in cases:
        model = case.fresh()
        call = case.call_text()
        returned = call_student(f, fname, (model, case.state, case.action, case.reward,
                                           case.next_state), case.context())
        returned_table_or_fail(
            returned, model, case.fresh(), "model",
            f"{fname} must return the model (an array of shape {shape_text(case.shape)}), "
            f"but {call}",
            f"{call} updated the model it was given but returned a different array; return "
            "the model you updated.",
            unchanged.format(call=call))


# ---------------------------------------------------------------------------
# Planning checks shared by the planners (Dyna-Q, sample models)
# ---------------------------------------------------------------------------

class PlanningWorld:
    """A model and a value table for calls of a planning function (fresh copies per call).

    A subclass sets ``fname`` (the graded function), ``model`` and ``value`` (float
    arrays), ``alpha`` and ``gamma``, and defines ``context(k)`` (a call in words) and
    ``changed(table)`` (the (state, action) pairs whose value differs from ``value``)."""

    def arguments(self, k, value=None):
        """Fresh arguments of one planning call: (model, value table, params)."""
        value = self.value.copy() if value is None else np_array(value, dtype=float)
        return self.model.copy(), value, {"k": k, "alpha": self.alpha, "gamma": self.gamma}

    def call(self, func, k, value=None):
        """(returned object, the arguments (model, value, params) after the call)."""
        arguments = self.arguments(k, value)
        return call_student(func, self.fname, arguments, self.context(k)), arguments

    def table(self, returned, arguments, k):
        """The value table a call produced: the returned one, or else the value argument
        it updated in place (which must keep its shape)."""
        return result_or_argument(returned, arguments[1], self.value.shape, self.fname,
                                  "value table", self.context(k))

    def run(self, func, k, value=None):
        """(value table the call produced, model argument after the call, returned object)."""
        returned, arguments = self.call(func, k, value)
        return self.table(returned, arguments, k), arguments[0], returned

    def run_many(self, func, k, times):
        """The value tables of `times` calls with k, each on fresh arguments."""
        argument_lists = [self.arguments(k) for _ in range(times)]
        returned = call_student_repeatedly(func, self.fname, argument_lists, self.context(k))
        return [self.table(r, arguments, k) for r, arguments in zip(returned, argument_lists)]


def value_text(world, s, a, table):
    """How value[s, a] went from its value in ``world`` to the one in ``table``."""
    return (f"value[{s}, {a}] from {number_text(world.value[s][a])} to "
            f"{number_text(table[s][a])}")


def shared_check(check, prepare, *args):
    """The check function ``f -> check(f, *args)``, prepared by ``prepare`` (a module's
    ``seeded(SEED)``) and documented as ``check``."""
    @prepare
    @functools.wraps(check)
    def run(f):
        return check(f, *args)
    return run


def planning_returns_value_table(f, worlds, k=3):
    """Planning returns the value table it updated, or an updated copy, of the table's
    shape."""
    for world in worlds:
        before = world.value
        returned, (_, value, _) = world.call(f, k)
        fname, context = world.fname, world.context(k)
        returned_table_or_fail(
            returned, value, before, "value",
            f"{fname} must return the value table (an array of shape "
            f"{shape_text(before.shape)}), but when called {context} it",
            f"your {fname} updated the value table it was given but returned a different "
            "table; return the table you updated.",
            f"the value table returned by {fname} {context} is identical to the table passed "
            "in: it must contain the k planning updates.")


def planning_k_zero_changes_nothing(f, worlds, busy_world):
    """With k=0 no value changes, in the table returned nor in the argument (and with k=2
    on ``busy_world`` some value does)."""
    for world in worlds:
        returned, (_, value, _) = world.call(f, 0)
        for candidate in (returned, value):
            table, _ = as_float_array(candidate, world.value.shape)
            changed = [] if table is None else world.changed(table)
            if changed:
                s, a = changed[0]
                raise AssertionError(f"with k=0 planning must make no update, but it changed "
                                     f"{value_text(world, s, a, table)}.")
    table, _, _ = busy_world.run(f, 2)
    if not busy_world.changed(table):
        raise AssertionError(
            f"{busy_world.fname} did not change the value table with k=2 either: with k > 0 it "
            "must update values, so 'k=0 changes nothing' cannot be credited yet.")


def planning_leaves_model_unchanged(f, runs, k, entry_text, shape_sep=","):
    """Planning reads the model but never modifies it: ``repeats`` calls with ``k`` on each
    world of ``runs`` ((world, repeats) pairs), of which some change a value.
    ``entry_text`` writes one model entry; ``shape_sep`` goes before the words of a
    changed shape."""
    updated = False
    for world, repeats in runs:
        for _ in range(repeats):
            table, model, _ = world.run(f, k)
            updated = updated or bool(world.changed(table))
            after = f"planning must not modify the model, but after a call {world.context(k)}"
            if model.shape != world.model.shape:
                raise AssertionError(
                    f"{after}{shape_sep} the model's shape changed to {shape_text(model.shape)}.")
            index = first_change(world.model, model)
            if index is not None:
                raise AssertionError(
                    f"{after}, model[{', '.join(map(str, index))}] changed from "
                    f"{entry_text(world.model[index])} to {entry_text(model[index])}.")
    if not updated:
        raise AssertionError(
            f"{runs[0][0].fname} never changed the value table, so leaving the model alone cannot "
            "be credited yet: with k > 0 planning must update values.")


def planning_updates_only_known_pairs(f, worlds, wrong_pair, pair_words):
    """Every update is on a pair the model knows: ``wrong_pair(world, s, a, table)`` says
    why changing value[s, a] is wrong, or None if the model knows the pair (k=5, 20 calls
    per world, of which some change a value); ``pair_words``: (one such pair, such pairs)."""
    updated = False
    for world in worlds:
        for _ in range(20):
            table, _, _ = world.run(f, 5)
            for s, a in world.changed(table):
                wrong = wrong_pair(world, s, a, table)
                if wrong:
                    raise AssertionError(wrong)
                updated = True
    if not updated:
        one, many = pair_words
        raise AssertionError(
            f"{worlds[0].fname} never changed the value of {one} (k=5, {20 * len(worlds)} calls), "
            f"so this property cannot be credited: planning must update {many}.")


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
