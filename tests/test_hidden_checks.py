"""The hidden property checks (autograder/hidden/) against a corpus of correct and buggy
student functions in tests/corpus/<function>/{correct,buggy}/, one folder per function
of the course manifest.

Each buggy file starts with `# expect-fail: <check>[, <check>...]`: exactly those
checks must fail and every other check must pass.
"""

import importlib.util
import inspect
import math
import pathlib
import re
import time
import warnings

import numpy as np
import pytest

from autograder import course, masters

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
check_kit = masters.check_module("check_kit")
dynaq_checks = masters.check_module("dynaq_checks")
# function -> its checks, from the module the manifest names
CHECK_LISTS = {f.name: masters.check_module(f.checks).CHECKS[f.name] for f in course.FUNCTIONS}
MODEL_UPDATE = CHECK_LISTS["dyna_q_model_update"]
PLANNING = CHECK_LISTS["dyna_q_planning"]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _corpus(verdict):
    return [(kind, path) for kind in CHECK_LISTS
            for path in sorted((CORPUS / kind / verdict).glob("*.py"))]


CORRECT = _corpus("correct")
BUGGY = _corpus("buggy")
ALL = CORRECT + BUGGY


def _id(entry):
    kind, path = entry
    return f"{kind}/{path.parent.name}/{path.stem}"


def _student_function(kind, path):
    module = _load(f"corpus_{kind}_{path.parent.name}_{path.stem}", path)
    return getattr(module, kind)


def _expected_failures(path):
    first = path.read_text().splitlines()[0]
    match = re.fullmatch(r"# expect-fail: (.+)", first.strip())
    assert match, f"{path.name} must start with '# expect-fail: <check>[, <check>...]'"
    return sorted(name.strip() for name in match.group(1).split(","))


_RESULTS = {}


def _results(kind, path):
    """Check results of one corpus file (computed once per session)."""
    key = (kind, str(path))
    if key not in _RESULTS:
        _RESULTS[key] = check_kit.run_checks(CHECK_LISTS[kind], _student_function(kind, path))
    return _RESULTS[key]


# --- the check lists -------------------------------------------------------------

def test_core_check_lists_carry_the_documented_points():
    assert math.isclose(sum(c.points for c in MODEL_UPDATE), 4.0)
    assert math.isclose(sum(c.points for c in PLANNING), 6.0)


def test_every_function_of_the_course_has_a_corpus_folder():
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(CHECK_LISTS)


@pytest.mark.parametrize("kind", CHECK_LISTS)
def test_check_lists_have_unique_names_and_descriptions(kind):
    checks = CHECK_LISTS[kind]
    assert 3 <= len(checks) <= 12
    assert len({c.name for c in checks}) == len(checks)
    assert all(c.description and c.func.__doc__ and c.points > 0 for c in checks)


@pytest.mark.parametrize("kind", CHECK_LISTS)
def test_corpus_is_large_enough(kind):
    core = kind in ("dyna_q_model_update", "dyna_q_planning")
    assert sum(1 for k, _ in CORRECT if k == kind) >= (8 if core else 6)
    assert sum(1 for k, _ in BUGGY if k == kind) >= 6


@pytest.mark.parametrize("entry", BUGGY, ids=_id)
def test_buggy_file_names_existing_checks(entry):
    kind, path = entry
    known = {c.name for c in CHECK_LISTS[kind]}
    expected = _expected_failures(path)
    assert expected and set(expected) <= known, f"unknown check names in {path.name}"


# --- the corpus --------------------------------------------------------------------

@pytest.mark.parametrize("entry", CORRECT, ids=_id)
def test_correct_submission_earns_full_points(entry):
    results = _results(*entry)
    failures = [(name, message) for name, points, earned, message in results
                if earned != points or message]
    assert not failures


@pytest.mark.parametrize("entry", BUGGY, ids=_id)
def test_buggy_submission_fails_exactly_the_expected_checks(entry):
    kind, path = entry
    results = _results(kind, path)
    failed = sorted(name for name, points, earned, _ in results if earned < points)
    assert failed == _expected_failures(path)
    for name, points, earned, message in results:
        assert earned in (0.0, points)
        assert bool(message) == (earned == 0.0), name


@pytest.mark.parametrize("entry", ALL, ids=_id)
def test_failure_messages_are_plain_words_without_code(entry):
    kind, path = entry
    source_lines = [line.strip() for line in path.read_text().splitlines()
                    if len(line.strip()) > 12 and not line.strip().startswith("#")]
    for name, _, earned, message in _results(kind, path):
        if earned:
            continue
        assert message.strip() and len(message) < 1500, name
        assert "Traceback" not in message and "\n" not in message, name
        assert not re.search(r'File ".*", line \d+', message), name
        assert "assert " not in message and "def " not in message, name
        assert not any(line in message for line in source_lines), name
        assert "_checks" not in message and "_World" not in message, name


@pytest.mark.parametrize("entry", ALL, ids=_id)
def test_running_the_checks_twice_gives_identical_results(entry):
    kind, path = entry
    first = _results(kind, path)
    second = check_kit.run_checks(CHECK_LISTS[kind], _student_function(kind, path))
    if "default_rng(" in path.read_text():   # unseeded generator: only the verdicts
        first = [r[:3] for r in first]
        second = [r[:3] for r in second]
    assert first == second


# --- defences ----------------------------------------------------------------------

# correct answers of the corpus, written as students fill in the scaffold
_scaffold_planning = _student_function(
    "dyna_q_planning", CORPUS / "dyna_q_planning" / "correct" / "scaffold_choice.py")
_scaffold_model_update = _student_function(
    "dyna_q_model_update", CORPUS / "dyna_q_model_update" / "correct" / "scaffold_tuple.py")


def _earned(kind, func):
    return {name: earned for name, _, earned, _ in
            check_kit.run_checks(CHECK_LISTS[kind], func)}


def test_a_crash_becomes_a_plain_message_naming_the_exception_and_the_call():
    def crashes(model, value, params):
        raise KeyError("epsilon")

    results = check_kit.run_checks(PLANNING, crashes)
    assert all(earned == 0 for _, _, earned, _ in results)
    message = results[0][3]
    assert message.startswith("your dyna_q_planning raised KeyError: 'epsilon' when called with k=")
    assert "Traceback" not in message


WRONG_RETURNS = {"None": None, "a string": "oops", "a NumPy float": np.float64(-1.0),
                 "a 1-d array": np.zeros(3), "a list of NumPy numbers": [np.float64(1.5), np.int64(2)]}


@pytest.mark.parametrize("returned", WRONG_RETURNS.values(), ids=WRONG_RETURNS)
@pytest.mark.parametrize("kind", CHECK_LISTS)
def test_a_wrong_return_fails_checks_with_plain_messages_and_plain_numbers(kind, returned):
    results = check_kit.run_checks(CHECK_LISTS[kind], lambda *args: returned)
    failures = [message for _, points, earned, message in results if earned < points]
    assert failures
    for message in failures:
        assert message.strip() and "could not be completed" not in message, message
        assert not re.search(r"np\.(float|int|uint|bool|str)\w*\(", message), message


def test_a_check_raises_assertion_error_when_called_directly():
    def returns_none(model, state, action, reward, next_state):
        model[state, action] = reward, next_state

    check = {c.name: c for c in MODEL_UPDATE}["model_update_returns_model"]
    with pytest.raises(AssertionError, match="returned None"):
        check.func(returns_none)
    check.func(_scaffold_model_update)


def test_a_do_nothing_planning_function_earns_nothing():
    assert not any(_earned("dyna_q_planning", lambda model, value, params: value).values())


def test_a_do_nothing_model_update_earns_nothing():
    assert not any(_earned("dyna_q_model_update", lambda model, s, a, r, ns: model).values())


class _Pretender:
    """Claims to equal anything."""
    shape = (6, 4)

    def __eq__(self, other):
        return True

    __ne__ = lambda self, other: False  # noqa: E731


def test_a_returned_object_that_only_pretends_to_be_a_table_fails():
    def pretends(model, value, params):
        _scaffold_planning(model, value, params)
        return _Pretender()

    earned = _earned("dyna_q_planning", pretends)
    assert earned["planning_returns_value_table"] == 0
    assert earned["planning_q_learning_update"] > 0      # judged on the updated argument


def test_a_returned_string_or_object_array_fails_with_a_plain_message():
    for returned in ("value", np.array([[None] * 4] * 6, dtype=object)):
        results = check_kit.run_checks(PLANNING[:1], lambda model, value, params, r=returned: r)
        assert results[0][2] == 0 and results[0][3].startswith("dyna_q_planning must return")


@pytest.mark.parametrize("kind, argument", [  # (arguments without NaN before the call)
    ("dyna_q_planning", 1), ("sample_model_planning", 1), ("sample_model_update", 0)])
def test_returning_the_argument_updated_in_place_with_nan_counts_as_returning_it(kind, argument):
    def writes_nan(*args):
        args[argument].flat[0] = np.nan
        return args[argument]

    [returns] = [c for c in CHECK_LISTS[kind] if c.name.endswith(("returns_value_table",
                                                                   "returns_model"))]
    assert _earned(kind, writes_nan)[returns.name] == returns.points


def test_warnings_from_a_correct_function_do_not_count_as_crashes():
    def warns(model, value, params):
        warnings.warn("a harmless warning", RuntimeWarning)
        return _scaffold_planning(model, value, params)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert all(_earned("dyna_q_planning", warns).values())


def test_all_checks_for_one_submission_run_well_under_two_seconds():
    start = time.perf_counter()
    check_kit.run_checks(MODEL_UPDATE, _scaffold_model_update)
    check_kit.run_checks(PLANNING, _scaffold_planning)
    assert time.perf_counter() - start < 2.0


def test_the_masters_reference_solutions_earn_full_points(reference):
    assert all(_earned("dyna_q_model_update", reference.model_update).values())
    assert all(_earned("dyna_q_planning", reference.planning).values())


# --- the statistical helper ----------------------------------------------------------

def _binomial_pmf(c, n, p):
    return math.comb(n, c) * p ** c * (1 - p) ** (n - c)


@pytest.mark.parametrize("n, p, beta", [(50, 0.3, 1e-3), (200, 0.05, 1e-4), (120, 0.5, 1e-6)])
def test_acceptance_interval_is_the_exact_binomial_tail_cut(n, p, beta):
    lo, hi = check_kit.acceptance_interval(n, p, beta)
    pmf = [_binomial_pmf(c, n, p) for c in range(n + 1)]
    assert sum(pmf[:lo]) < beta <= sum(pmf[:lo + 1])
    assert sum(pmf[hi + 1:]) < beta <= sum(pmf[hi:])


def test_uniformity_false_failure_bound_is_below_one_in_a_billion():
    bound = dynaq_checks.uniform_false_failure_bound()
    assert bound <= dynaq_checks._UNIFORM_ALPHA <= 1e-9


def _sampler_distributions(rule):
    return [rule(world) for world in dynaq_checks._W_UNIFORM]


def _first_action_of_each_state(world):
    states = list(dict.fromkeys(s for s, _ in world.observed))
    seen, q = set(), []
    for s, _ in world.observed:
        q.append(0.0 if s in seen else 1 / len(states))
        seen.add(s)
    return q


NON_UNIFORM_SAMPLERS = {
    "always the first pair": lambda w: [1.0] + [0.0] * (len(w.observed) - 1),
    "linear weights": lambda w: [2 * (i + 1) / (len(w.observed) * (len(w.observed) + 1))
                                 for i in range(len(w.observed))],
    "never the last pair": lambda w: [1 / (len(w.observed) - 1)] * (len(w.observed) - 1) + [0.0],
    "rounded index": lambda w: ([0.5 / (len(w.observed) - 1)]
                                + [1 / (len(w.observed) - 1)] * (len(w.observed) - 2)
                                + [0.5 / (len(w.observed) - 1)]),
    "first action of a uniform state": _first_action_of_each_state,
}


@pytest.mark.parametrize("sampler", sorted(NON_UNIFORM_SAMPLERS))
def test_uniformity_check_passes_corpus_non_uniform_samplers_with_negligible_odds(sampler):
    distributions = _sampler_distributions(NON_UNIFORM_SAMPLERS[sampler])
    assert all(math.isclose(sum(q), 1.0) for q in distributions)
    assert dynaq_checks.uniform_pass_bound(distributions) < 1e-9


def test_uniformity_check_accepts_both_sampling_schemes():
    for scheme in dynaq_checks._SCHEMES:
        distributions = _sampler_distributions(
            lambda w: dynaq_checks.scheme_probabilities(w)[scheme])
        assert dynaq_checks.uniform_pass_bound(distributions) > 0.999


# --- the modules' own documentation ---------------------------------------------------

DOCUMENTED_CALL = re.compile(r"\b([a-z_]\w*)\(([\w, ]*)\)")


def documented_calls():
    """(module, function, parameters listed) for every call of a module-level function
    that a check module's "Public API" shows."""
    found = []
    for module in sorted({f.checks for f in course.FUNCTIONS}):
        checks = masters.check_module(module)
        api = checks.__doc__.split("Public API", 1)[-1].split("\n\n")[0]
        found += [(module, name, [p.strip() for p in listed.split(",") if p.strip()])
                  for name, listed in DOCUMENTED_CALL.findall(api)
                  if callable(getattr(checks, name, None))]
    return found


DOCUMENTED_CALLS = documented_calls()


def test_the_check_modules_document_their_public_functions():
    assert len(DOCUMENTED_CALLS) >= 3


@pytest.mark.parametrize("module, name, listed", DOCUMENTED_CALLS,
                         ids=[f"{m}.{n}" for m, n, _ in DOCUMENTED_CALLS])
def test_a_documented_call_names_the_functions_own_parameters(module, name, listed):
    parameters = list(inspect.signature(getattr(masters.check_module(module), name)).parameters)
    assert listed == parameters[:len(listed)]
