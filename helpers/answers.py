"""How a graded function's answer is read: by its value, with one rule for every
notebook. The public checks in the notebooks and the hidden checks that grade them both
use it, so a type the hidden tests would reject is already named at `grader.check`.

The rule: a count or an index may be a Python int, a NumPy integer or a float equal to
a whole number; any other real number may be an int, a float or a NumPy scalar (or a
0-d array holding one). A bool, a string, an array of one or more dimensions, None
where a number is due and a number where None is due are wrong.

- `describe(x)`, `as_number(x)`, `as_count(x)`: the rule, as data.
- `returned_number`, `returned_count`, `returned_table`: the rule as the public checks
  use it, raising AssertionError with a message naming what came back.
"""

import math

import numpy as np

_NDARRAY, _INTEGER, _FLOATING, _BOOL = np.ndarray, np.integer, np.floating, np.bool_


def plain(x):
    """A number as a student reads it: 3, 2.5, 0.512, nan, inf (not np.float64(2.5))."""
    if isinstance(x, (bool, _BOOL)):
        return str(bool(x))
    if isinstance(x, (int, _INTEGER)):
        return str(int(x))
    x = float(x)
    return f"{x:.6g}" if math.isfinite(x) else str(x)


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
        return plain(x.item() if isinstance(x, _NDARRAY) else x)
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
        return None, f"{plain(value)}, which is not a whole number"
    return int(value), None


def _none_message(function):
    return f"{function} returned None: add a return statement at the end"


def returned_number(result, function):
    """`result` as a float; AssertionError unless it is one number."""
    assert result is not None, _none_message(function)
    value, problem = as_number(result)
    assert problem is None, f"{function} must return one number, but it returned {problem}"
    return value


def returned_count(result, function, none_allowed=False):
    """`result` as an int (or None, where allowed); AssertionError unless it is a whole
    number."""
    if result is None and none_allowed:
        return None
    assert result is not None, _none_message(function)
    value, problem = as_count(result)
    assert problem is None, (f"{function} must return a whole number"
                             f"{' or None' if none_allowed else ''}, but it returned {problem}")
    return value


def returned_table(result, shape, function):
    """`result` as a float array of `shape`; AssertionError unless it is one."""
    assert result is not None, _none_message(function)
    try:
        array = np.array(result, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{function} must return an array of numbers, but it returned "
                             f"{describe(result)}") from None
    assert array.shape == tuple(shape), (f"{function} must return an array of shape "
                                         f"{tuple(shape)}, but it returned {describe(result)}")
    return array
