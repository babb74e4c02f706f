"""How a graded function's answer is read: by its value, with one rule for every
notebook. The public checks in the notebooks and the hidden checks that grade them both
use it, so a type the hidden tests would reject is already named at `grader.check`.

The rule: a count or an index may be a Python int, a NumPy integer or a float equal to
a whole number; any other real number may be an int, a float or a NumPy scalar (or a
0-d array holding one). A bool, a string, an array of one or more dimensions, None
where a number is due and a number where None is due are wrong.

- `number_text(x)`: a number as people read it (public and hidden checks, widgets, the
  gradebook and the feedback all write numbers with it).
- `differing(before, after)`, `changed_pairs(before, after)`: where a table changed.
- `describe(x)`, `as_number(x)`, `as_count(x)`, `as_pairs(x)`: the rule, as data.
- `returned_number`, `returned_count`, `returned_table`, `returned_pairs`: the rule as
  the public checks use it, raising AssertionError with one message naming what the
  function should return and what came back (None, a string, an array of another shape).
- `seeded_generators()`: the public checks of random functions draw the same numbers
  wherever they run (in the student's kernel, or in the grader's process).
"""

import contextlib
import math
import random

import numpy as np

_NDARRAY, _INTEGER, _FLOATING, _BOOL = np.ndarray, np.integer, np.floating, np.bool_


def number_text(x, digits=6):
    """A number as a student or an instructor reads it, the one way every message, widget
    and gradebook writes one: 3, 2.5, 0.512, NaN, infinity, minus infinity, True, None
    (never np.float64(2.5)), with at most `digits` significant digits."""
    if x is None:
        return "None"
    if isinstance(x, (bool, _BOOL)):
        return str(bool(x))
    if isinstance(x, (int, _INTEGER)):
        return str(int(x))
    x = float(x)
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "infinity" if x > 0 else "minus infinity"
    return f"{x:.{digits}g}"


def differing(before, after):
    """Where array `after` differs from array `before`, entry by entry, NaN equal to NaN:
    a boolean array. The one NaN-aware comparison of tables (the checks, the widgets);
    array operators only, so a notebook that rebinds NumPy's functions cannot change it."""
    return ~((after == before) | ((after != after) & (before != before)))


def changed_pairs(before, after):
    """The (state, action) entries of table `after` (an array) that differ from `before`,
    NaN equal to NaN, in row order."""
    rows, columns = differing(before, after).nonzero()
    return [(int(s), int(a)) for s, a in zip(rows, columns)]


def _real(x):
    """The float value of one real number (not a bool), else None."""
    if isinstance(x, _NDARRAY) and x.ndim == 0 and x.dtype.kind in "iuf":
        x = x.item()
    if isinstance(x, (bool, _BOOL)) or not isinstance(x, (int, float, _INTEGER, _FLOATING)):
        return None
    return float(x)


def describe(x):
    """What a returned value is, in a student's words: None, True (a bool), 2.5, 3,
    an array of shape (3,), '3' (a string), a dict."""
    if x is None:
        return "None"
    if isinstance(x, (bool, _BOOL)):
        return f"{bool(x)} (a bool)"
    if _real(x) is not None:
        return number_text(x.item() if isinstance(x, _NDARRAY) else x)
    if isinstance(x, _NDARRAY):
        return f"an array of shape {tuple(x.shape)}"
    if isinstance(x, str):
        return f"{x[:20]!r} (a string)"
    name = type(x).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def as_number(x):
    """(float, None) if `x` is one real number, else (None, what it is instead)."""
    value = _real(x)
    return (value, None) if value is not None else (None, describe(x))


def as_count(x):
    """(int, None) if `x` is a whole number (an int, a NumPy integer or a float equal to
    a whole number), else (None, what it is instead)."""
    value = _real(x)
    if value is None:
        return None, describe(x)
    if not math.isfinite(value) or value != int(value):
        return None, f"{number_text(value)}, which is not a whole number"
    return int(value), None


def as_pairs(x):
    """(list of (int, int) pairs, None) if `x` holds (state, action) pairs: a list, tuple
    or set of pairs (each a list, tuple or array of two whole numbers) or an array with one
    pair per row (an empty one holds none); else (None, what it is instead)."""
    if isinstance(x, _NDARRAY):
        if x.size == 0:
            return [], None
        if x.ndim != 2 or x.shape[1] != 2:
            return None, (f"an array of shape {tuple(x.shape)} (one pair per row needs "
                          "shape (n, 2))")
    elif type(x) not in (list, tuple, set, frozenset):
        return None, describe(x)
    pairs = []
    for item in x:
        if isinstance(item, _NDARRAY):
            item = item.tolist()
        if type(item) not in (list, tuple) or len(item) != 2:
            shown = (f"holds {len(item)} values, not 2" if type(item) in (list, tuple)
                     else f"is {describe(item)}")
            return None, (f"a {type(x).__name__} whose items are not (state, action) pairs "
                          f"(one item {shown})")
        (state, bad_state), (action, bad_action) = as_count(item[0]), as_count(item[1])
        if bad_state or bad_action:
            return None, (f"a pair that does not hold two whole numbers ({describe(item[0])}, "
                          f"{describe(item[1])})")
        pairs.append((state, action))
    return pairs, None


def _fail_unless(holds, message):
    """Raise AssertionError(message), the public checks' failure, unless `holds` (raised
    explicitly: `python -O` removes assert statements)."""
    if not holds:
        raise AssertionError(message)


def _none_message(function, wanted):
    return f"{function} returned None, but it should return {wanted}: add a return statement at the end"


def _wrong_message(function, wanted, problem):
    return f"{function} must return {wanted}, but it returned {problem}"


def returned_number(result, function):
    """`result` as a float; AssertionError unless it is one number."""
    _fail_unless(result is not None, _none_message(function, "one number"))
    value, problem = as_number(result)
    _fail_unless(problem is None, _wrong_message(function, "one number", problem))
    return value


def returned_count(result, function, none_allowed=False):
    """`result` as an int (or None, where allowed); AssertionError unless it is a whole
    number."""
    if result is None and none_allowed:
        return None
    wanted = f"a whole number{' or None' if none_allowed else ''}"
    _fail_unless(result is not None, _none_message(function, wanted))
    value, problem = as_count(result)
    _fail_unless(problem is None, _wrong_message(function, wanted, problem))
    return value


def returned_table(result, shape, function):
    """`result` as a float array of `shape`; AssertionError unless it is one."""
    wanted = f"a NumPy array of shape {tuple(shape)}"
    _fail_unless(result is not None, _none_message(function, wanted))
    try:
        array = np.array(result, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(_wrong_message(function, "an array of numbers", describe(result))) from None
    _fail_unless(array.shape == tuple(shape), _wrong_message(function, wanted, describe(result)))
    return array


def returned_pairs(result, function):
    """`result` as a sorted list of (state, action) int pairs; AssertionError unless it
    holds such pairs (see `as_pairs`)."""
    wanted = "a list of (state, action) pairs"
    _fail_unless(result is not None, _none_message(function, wanted))
    pairs, problem = as_pairs(result)
    _fail_unless(problem is None, _wrong_message(function, wanted, problem))
    return sorted(pairs)


@contextlib.contextmanager
def seeded_generators(function, seed=0):
    """Seed NumPy's and Python's global generators for a check of `function`, then put
    their states back: the check draws the same numbers wherever it runs, and the
    student's own random numbers go on as if it had not run. When `function` is the
    grader's stand-in for a function in another process, that process is seeded too."""
    numpy_state, python_state = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    random.seed(seed)
    seed_elsewhere = getattr(function, "seed_generators", None)
    if seed_elsewhere is not None:
        seed_elsewhere(seed)
    try:
        yield
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)
