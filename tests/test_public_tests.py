"""The public tests of every master (what `grader.check` runs for students) against
functions that return the wrong thing: each fails with one plain AssertionError message
that says what came back, never with another exception from a later line, and numbers
print as a student writes them (-1, not np.float64(-1.0))."""

import inspect
import re
import subprocess
import sys

import numpy as np
import pytest

from autograder import course, masters
from conftest import ROOT

NUMPY_REPR = re.compile(r"np\.(float|int|uint|bool|str)\w*\(")
WRONG_RETURNS = {
    "a string": "oops",
    "a dict": {"value": 1.0},
    "a NumPy float": np.float64(-1.0),
    "a 1-d array": np.zeros(3),
    "a list of NumPy numbers": [np.float64(1.5), np.int64(2)],
}


def public_tests():
    """Every public test function of every master, as (notebook, test function)."""
    found = []
    for notebook in course.NOTEBOOKS:
        for place in masters.walk(masters.read_master(notebook)):
            if place.is_test and not place.config.get("hidden"):
                namespace = {}
                exec(place.cell.source, namespace)
                found += [(notebook, test) for name, test in namespace.items()
                          if name.startswith("test_")]
    return found


PUBLIC_TESTS = public_tests()
IDS = [test.__name__ for _, test in PUBLIC_TESTS]


def failure_message(test, returned):
    """The AssertionError message of `test` run on a function returning `returned`."""
    with pytest.raises(AssertionError) as failure:
        test(lambda *args, **kwargs: returned)
    message = str(failure.value)
    assert message and not NUMPY_REPR.search(message), message
    return message


def test_every_graded_function_has_a_public_test():
    tested = {next(iter(inspect.signature(test).parameters)) for _, test in PUBLIC_TESTS}
    assert tested == {function.name for function in course.FUNCTIONS}


@pytest.mark.parametrize("notebook, test", PUBLIC_TESTS, ids=IDS)
def test_a_function_returning_none_fails_with_one_plain_message(notebook, test):
    assert "None" in failure_message(test, None)


@pytest.mark.parametrize("notebook, test", PUBLIC_TESTS, ids=IDS)
def test_a_function_returning_a_string_is_told_what_it_returned(notebook, test):
    function = next(iter(inspect.signature(test).parameters))
    message = failure_message(test, "oops")
    assert message.startswith(f"{function} must return ")
    assert message.endswith("but it returned 'oops' (a string)")


@pytest.mark.parametrize("returned", WRONG_RETURNS.values(), ids=WRONG_RETURNS)
@pytest.mark.parametrize("notebook, test", PUBLIC_TESTS, ids=IDS)
def test_a_wrong_return_fails_with_an_assertion_not_a_crash(notebook, test, returned):
    failure_message(test, returned)


def test_public_and_hidden_checks_fail_under_python_O_too():
    """`python -O` drops assert statements; the checks' own failures must not depend on them."""
    program = (
        "import sys; sys.path.insert(0, 'autograder/hidden')\n"
        "import check_kit\n"
        "from helpers.answers import returned_number\n"
        "def fails(f):\n    'A property.'\n    raise AssertionError('the property does not hold')\n"
        "checks = {'f': [check_kit.Check('p', 1.0, fails)]}\n"
        "for attempt in (lambda: returned_number(None, 'f'),\n"
        "                lambda: check_kit.assert_passes(checks, 'f', 'p', None)):\n"
        "    try:\n        attempt()\n    except AssertionError as failure:\n"
        "        print('failed:', failure)\n")
    done = subprocess.run([sys.executable, "-O", "-c", program], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("failed: ") for line in lines), lines
