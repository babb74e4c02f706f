"""Hidden property checks for the graded functions of the bonus notebook
07_prioritized_sweeping: ``priority`` and ``predecessors``.

Built on ``check_kit``, which ships in the same zip (and numpy, the standard
library); the hidden tests pick checks from ``CHECKS[function]``.

Public API
    CHECKS = {"priority": [...] (3 points), "predecessors": [...] (3 points)}

Both functions are deterministic, so every check is exact: the answer is compared with
a formula on many seeded random models (up to float rounding for ``priority``).

Decisions
- ``priority`` may return any single real number (``check_kit.as_number``: an int, a
  float, a NumPy scalar). It is only asked about observed pairs, as the planner does.
- ``predecessors`` may return the pairs in any order, as a list, tuple or set of pairs
  (each a tuple, list or array of two whole numbers) or as an (n, 2) array, as
  ``check_kit.as_pairs`` reads them; nothing found may be an empty list or an empty
  array. A generator is refused: it can be read only once.
- Each property has its own check, built so that one mistake fails only the checks of
  the properties it breaks: pairs whose next state is the state itself are used only
  in the self-loop check, and state 0 (the one a NaN turned into 0 would point to) is
  asked about only in the terminal check.
"""

import math

from check_kit import (NAN, Check, Random, as_number, as_pairs, call_student, close, isnan,
                       np_array, number_text, same, seeded)

SEED = 7007
_PR = "priority"
_PD = "predecessors"

__all__ = ["CHECKS"]


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

_prepared = seeded(SEED)


def _operand(x):
    """A number written after an operator: negatives in parentheses."""
    return f"({number_text(x)})" if x < 0 else number_text(x)


def _next(x):
    """A model's next state: an index, or NaN for terminal."""
    return "NaN (terminal)" if isnan(x) else str(int(x))


def _random_model(rng, n_states, n_actions, observed=0.7, terminal=0.2, self_loops=True):
    """Nested-list model (reward, next state); unobserved pairs are (NaN, NaN)."""
    model = []
    for s in range(n_states):
        row = []
        for _ in range(n_actions):
            if rng.random() >= observed:
                row.append([NAN, NAN])
                continue
            reward = rng.choice((-1.0, 0.0, 1.0, round(rng.uniform(-1.5, 1.5), 3)))
            if rng.random() < terminal:
                row.append([reward, NAN])
            else:
                choices = [x for x in range(n_states) if self_loops or x != s]
                row.append([reward, float(rng.choice(choices))])
        model.append(row)
    return model


# ---------------------------------------------------------------------------
# priority: cases
# ---------------------------------------------------------------------------

class _PriorityCase:
    """One call priority(model, value, state, action, params) with its expected answer."""

    def __init__(self, model, value, state, action, gamma):
        self.model, self.value = model, value
        self.state, self.action, self.gamma = state, action, gamma
        self.reward, self.next_state = model[state][action]
        self.terminal = isnan(self.next_state)
        target = self.reward if self.terminal else (
            self.reward + gamma * max(value[int(self.next_state)]))
        self.error = target - value[state][action]
        self.expected = abs(self.error)

    def arrays(self):
        return np_array(self.model, dtype=float), np_array(self.value, dtype=float)

    def params(self):
        return {"k": 10, "epsilon": 0.05, "alpha": 0.5, "gamma": self.gamma}

    def setting(self):
        """The numbers the answer depends on, in words."""
        s, a = self.state, self.action
        where = (f"for state {s}, action {a} of a model with {len(self.model)} states and "
                 f"{len(self.model[0])} actions, where model[{s}, {a}] holds (reward "
                 f"{number_text(self.reward)}, next state {_next(self.next_state)}) and value[{s}, {a}] "
                 f"= {number_text(self.value[s][a])}")
        if self.terminal:
            return where
        row = ", ".join(number_text(v) for v in self.value[int(self.next_state)])
        return (f"{where}, the values of next state {int(self.next_state)} are [{row}] and "
                f"gamma = {number_text(self.gamma)}")

    def formula(self):
        current = _operand(self.value[self.state][self.action])
        if self.terminal:
            return f"|{number_text(self.reward)} - {current}| = {number_text(self.expected)}"
        best = _operand(max(self.value[int(self.next_state)]))
        return (f"|{number_text(self.reward)} + {number_text(self.gamma)} * {best} - {current}| "
                f"= {number_text(self.expected)}")

    def context(self):
        return self.setting()

    def run(self, func):
        """The student's answer as a float, or an AssertionError saying what came back."""
        model, value = self.arrays()
        returned = call_student(func, _PR, (model, value, self.state, self.action, self.params()),
                         self.context())
        number, problem = as_number(returned)
        if problem is not None:
            raise AssertionError(
                f"{_PR} must return one number, but {self.context()} it returned {problem}.")
        return number


def _priority_cases(seed, kind, count, min_error=0.05):
    """``count`` cases of ``kind`` from seeded models: 'positive' and 'negative' are
    non-terminal pairs whose error has that sign, 'terminal' are terminal pairs with a
    positive error (so that a missing absolute value shows only in the negative check).
    Errors smaller than ``min_error`` are skipped so every mistake shows clearly."""
    rng = Random(seed)
    cases = []
    while len(cases) < count:
        n_states, n_actions = rng.randint(4, 12), rng.randint(2, 5)
        gamma = rng.choice((0.5, 0.6, 0.9, 0.95, 0.8))
        model = _random_model(rng, n_states, n_actions, terminal=0.3)
        value = [[round(rng.uniform(-1.5, 2.0), 3) for _ in range(n_actions)]
                 for _ in range(n_states)]
        pairs = [(s, a) for s in range(n_states) for a in range(n_actions)
                 if not isnan(model[s][a][0])]
        rng.shuffle(pairs)
        for s, a in pairs[:3]:
            case = _PriorityCase(model, value, s, a, gamma)
            found = "positive" if case.error > 0 else "negative"
            if case.terminal:
                found = "terminal" if found == "positive" else None
            if found == kind and abs(case.error) >= min_error and len(cases) < count:
                cases.append(case)
    return cases


_POSITIVE = _priority_cases(11, "positive", 40)
_NEGATIVE = _priority_cases(12, "negative", 40)
_TERMINAL = _priority_cases(13, "terminal", 25)
_FORMAT = _POSITIVE[:4] + _NEGATIVE[:4] + _TERMINAL[:4]
_UNCHANGED = _POSITIVE[4:8] + _NEGATIVE[4:8] + _TERMINAL[4:8]



# ---------------------------------------------------------------------------
# priority: checks
# ---------------------------------------------------------------------------

@_prepared
def check_priority_returns_a_number(f):
    """The priority is returned as one finite number."""
    for case in _FORMAT:
        number = case.run(f)
        if not math.isfinite(number):
            raise AssertionError(
                f"{_PR} must return a finite number, but {case.context()} it returned "
                f"{number_text(number)}.")


def _compare(f, cases, lead):
    for case in cases:
        got = case.run(f)
        if close(got, case.expected):
            continue
        hint = ""
        if close(got, -case.expected) or close(got, case.error):
            hint = (" The priority is the size of the error, never negative: take its "
                    "absolute value.")
        elif not case.terminal and close(
                got, abs(case.reward - case.value[case.state][case.action])):
            hint = " It looks as if the next state's value was left out."
        raise AssertionError(
            f"{lead} {case.setting()}, the priority should be {case.formula()}, but your "
            f"function returned {number_text(got)}.{hint}")


@_prepared
def check_priority_positive_error(f):
    """Non-terminal pairs whose target is above their value: the priority is
    r + gamma * max_a value[next state, a] - value[state, action]."""
    _compare(f, _POSITIVE, "when the target is above the current value:")


@_prepared
def check_priority_negative_error(f):
    """Non-terminal pairs whose target is below their value: the priority is the size
    of the (negative) error."""
    _compare(f, _NEGATIVE, "when the target is below the current value (a negative error):")


@_prepared
def check_priority_terminal_no_bootstrap(f):
    """Terminal pairs (next state NaN): the priority is |r - value[state, action]|."""
    _compare(f, _TERMINAL, "for a terminal transition (next state NaN, nothing to bootstrap "
                           "from):")


@_prepared
def check_priority_leaves_tables_unchanged(f):
    """Computing a priority changes neither the model nor the value table."""
    for case in _UNCHANGED:
        model, value = case.arrays()
        call_student(f, _PR, (model, value, case.state, case.action, case.params()), case.context())
        for name, after, before in (("value table", value.tolist(), case.value),
                                    ("model", model.tolist(), case.model)):
            changed = _first_change(after, before)
            if changed is not None:
                where, old, new = changed
                raise AssertionError(
                    f"{_PR} must only measure the error, not change anything, but "
                    f"{case.context()} it changed the {name} at {where} from {old} to {new}. "
                    "Compute the error without updating (no q_learning on the real table).")


def _first_change(after, before, where=()):
    """(index text, old, new) of the first entry that differs (NaN-aware), or None."""
    if isinstance(before, list):
        for i, (x, y) in enumerate(zip(after, before)):
            found = _first_change(x, y, where + (i,))
            if found is not None:
                return found
        return None
    if same(after, before):
        return None
    index = where[:2]
    return "[" + ", ".join(str(i) for i in index) + "]", number_text(before), number_text(after)


# ---------------------------------------------------------------------------
# predecessors: cases
# ---------------------------------------------------------------------------

class _PredecessorCase:
    """One call predecessors(model, state) with the set of pairs expected."""

    def __init__(self, model, state):
        self.model, self.state = model, state
        self.n_states, self.n_actions = len(model), len(model[0])
        self.expected = {(s, a) for s in range(self.n_states) for a in range(self.n_actions)
                         if model[s][a][1] == state}

    def context(self):
        return (f"as {_PD}(model, {self.state}) on a model with {self.n_states} states and "
                f"{self.n_actions} actions")

    def run(self, func):
        """The returned pairs as a list of (state, action) ints, or AssertionError."""
        returned = call_student(func, _PD, (np_array(self.model, dtype=float), self.state),
                         self.context())
        pairs, problem = _as_pair_list(returned, self.n_states, self.n_actions)
        if pairs is None:
            raise AssertionError(
                f"{_PD} must return a list of (state, action) pairs (or an array with one "
                f"pair per row), but called {self.context()} it returned {problem}.")
        return pairs


def _as_pair_list(obj, n_states, n_actions):
    """(list of (state, action) ints, None) or (None, what is wrong in words)."""
    pairs, problem = as_pairs(obj)
    for state, action in pairs or []:
        if not (0 <= state < n_states and 0 <= action < n_actions):
            swapped = 0 <= action < n_states and 0 <= state < n_actions
            return None, (f"the pair ({state}, {action}), which is not a (state, action) pair of "
                          f"this model (states 0 to {n_states - 1}, actions 0 to {n_actions - 1})"
                          + ("; is it written (action, state)? Put the state first" if swapped
                             else ""))
    return pairs, problem


def _pair_text(pairs, most=8):
    """Pairs in words, at most ``most`` of them written out."""
    pairs = sorted(pairs)
    text = ", ".join(f"({s}, {a})" for s, a in pairs[:most]) or "none"
    return text + (f" and {len(pairs) - most} more" if len(pairs) > most else "")


def _leading_text(case):
    """Which pairs lead to the case's state, as the end of a sentence."""
    if not case.expected:
        return f"no pair leads to state {case.state}"
    return f"only {_pair_text(case.expected)} lead to state {case.state}"


def _seeded_cases(seed, count, draw):
    """The first ``count`` cases that ``draw(rng)`` (a list of cases, maybe empty) gives in
    successive draws from one generator seeded with ``seed``."""
    rng = Random(seed)
    cases = []
    while len(cases) < count:
        cases += draw(rng)[:count - len(cases)]
    return cases


def _predecessor_cases(seed, count, self_loops, pick):
    """``count`` cases from seeded models; ``pick(case)`` decides which to keep."""
    def draw(rng):
        n_states, n_actions = rng.randint(5, 12), rng.randint(2, 5)
        model = _random_model(rng, n_states, n_actions, observed=0.6, terminal=0.2,
                              self_loops=self_loops)
        cases = [_PredecessorCase(model, state) for state in rng.sample(range(n_states), 3)]
        return [case for case in cases if pick(case)]
    return _seeded_cases(seed, count, draw)


def _with_self_loop(seed, count):
    """Cases whose state has a pair leading back to itself (and other predecessors).
    The state is never the first or the last one, so that only the self loop is judged."""
    def draw(rng):
        n_states, n_actions = rng.randint(5, 10), rng.randint(2, 5)
        model = _random_model(rng, n_states, n_actions, observed=0.6, self_loops=False)
        state = rng.randrange(1, n_states - 1)
        for action in rng.sample(range(n_actions), rng.randint(1, n_actions)):
            model[state][action] = [0.0, float(state)]      # a bump into a wall
        return [_PredecessorCase(model, state)]
    return _seeded_cases(seed, count, draw)


def _with_state_zero(seed, count):
    """Cases asking for state 0 on models with terminal and unobserved pairs (NaN)."""
    def draw(rng):
        n_states, n_actions = rng.randint(5, 12), rng.randint(2, 5)
        model = _random_model(rng, n_states, n_actions, observed=0.5, terminal=0.4,
                              self_loops=False)
        has_nan = any(isnan(entry[1]) for row in model for entry in row)
        return [_PredecessorCase(model, 0)] if has_nan else []
    return _seeded_cases(seed, count, draw)


_FIND = _predecessor_cases(21, 25, False, lambda c: c.state > 0 and c.expected)
_ONLY = _predecessor_cases(22, 25, False, lambda c: c.state > 0)
_SHAPES = (_predecessor_cases(23, 6, False, lambda c: c.state > 0 and len(c.expected) >= 3)
           + _predecessor_cases(24, 3, False, lambda c: c.state > 0 and len(c.expected) == 1)
           + _predecessor_cases(25, 3, False, lambda c: c.state > 0 and not c.expected))
_SELF_LOOPS = _with_self_loop(26, 15)
_STATE_ZERO = _with_state_zero(27, 15)


# ---------------------------------------------------------------------------
# predecessors: checks
# ---------------------------------------------------------------------------

@_prepared
def check_predecessors_returns_pairs(f):
    """The answer is a list of (state, action) pairs of whole numbers within the model
    (or an (n, 2) array), possibly empty."""
    for case in _SHAPES:
        case.run(f)


def _missing_message(case, got, what):
    missing = case.expected - set(got)
    return (f"called {case.context()}, {_PD} should return every pair whose model next state "
            f"is {case.state}: {_pair_text(case.expected)}{what}. Your function returned "
            f"{_pair_text(got)}, missing {_pair_text(missing)}.")


@_prepared
def check_predecessors_finds_every_pair(f):
    """Every pair whose model next state is the given state is in the answer."""
    for case in _FIND:
        got = case.run(f)
        if not case.expected <= set(got):
            raise AssertionError(_missing_message(case, got, ""))


@_prepared
def check_predecessors_only_leading_pairs(f):
    """The answer holds only pairs whose model next state is the given state, each once
    (and nothing at all when no pair leads there)."""
    for case in _ONLY:
        got = case.run(f)
        extra = set(got) - case.expected
        if extra:
            s, a = sorted(extra)[0]
            entry = case.model[s][a]
            held = ("was never observed (NaN)" if isnan(entry[0]) else
                    f"leads to {_next(entry[1])}")
            raise AssertionError(
                f"called {case.context()}, your {_PD} returned {_pair_text(extra)}, but "
                f"{_leading_text(case)}: pair ({s}, {a}) {held}"
                + (f" (its reward is {number_text(entry[0])}: compare the next state, "
                   "model[s, a, 1], not the reward)." if entry[0] == case.state else "."))
        if len(got) != len(set(got)):
            twice = sorted(p for p in set(got) if got.count(p) > 1)
            raise AssertionError(
                f"called {case.context()}, your {_PD} returned {_pair_text(twice[:3])} more "
                "than once; list each pair once.")


@_prepared
def check_predecessors_ignores_terminal_and_unseen(f):
    """Asked for state 0, no pair with a NaN next state (a terminal transition or a pair
    never tried) is returned: NaN is not state 0. (It must find some of state 0's
    predecessors, so that returning nothing earns nothing here.)"""
    found_any = False
    for case in _STATE_ZERO:
        got = case.run(f)
        found_any = found_any or bool(case.expected & set(got))
        nowhere = sorted(p for p in set(got) if isnan(case.model[p[0]][p[1]][1]))
        if nowhere:
            every_nan = {(s, a) for s in range(case.n_states) for a in range(case.n_actions)
                         if isnan(case.model[s][a][1])}
            hint = (" (Did NaN become 0, for example through int() or np.nan_to_num?)"
                    if every_nan <= set(got) else "")
            raise AssertionError(
                f"called {case.context()}, your {_PD} returned {_pair_text(nowhere)}, whose "
                "next state is NaN: a terminal transition or a pair never tried leads to no "
                f"state, so it is nobody's predecessor; {_leading_text(case)}.{hint}")
    if not found_any:
        case = _STATE_ZERO[0]
        raise AssertionError(
            f"asked for the predecessors of state 0 on models where some pairs lead to state 0 "
            f"(for example {_pair_text(case.expected)} {case.context()}), your {_PD} found none "
            "of them.")


@_prepared
def check_predecessors_includes_self_loops(f):
    """A pair that leads from the state back to itself (bumping into a wall) is one of
    its predecessors."""
    for case in _SELF_LOOPS:
        got = case.run(f)
        loops = {p for p in case.expected if p[0] == case.state}
        if not loops <= set(got):
            raise AssertionError(
                f"called {case.context()}, your {_PD} left out {_pair_text(loops - set(got))}: "
                f"in the model these lead from state {case.state} back to state {case.state} "
                "(as bumping into a wall does), so they are predecessors of it too. Every pair "
                f"leading to {case.state}: {_pair_text(case.expected)}; your function returned "
                f"{_pair_text(got)}.")


# ---------------------------------------------------------------------------
# The check lists
# ---------------------------------------------------------------------------

PRIORITY_CHECKS = [
    Check("priority_returns_a_number", 0.5, check_priority_returns_a_number),
    Check("priority_positive_error", 1.0, check_priority_positive_error),
    Check("priority_negative_error", 0.5, check_priority_negative_error),
    Check("priority_terminal_no_bootstrap", 0.5, check_priority_terminal_no_bootstrap),
    Check("priority_leaves_tables_unchanged", 0.5, check_priority_leaves_tables_unchanged),
]

PREDECESSORS_CHECKS = [
    Check("predecessors_returns_pairs", 0.5, check_predecessors_returns_pairs),
    Check("predecessors_finds_every_pair", 1.0, check_predecessors_finds_every_pair),
    Check("predecessors_only_leading_pairs", 0.5, check_predecessors_only_leading_pairs),
    Check("predecessors_ignores_terminal_and_unseen", 0.5, check_predecessors_ignores_terminal_and_unseen),
    Check("predecessors_includes_self_loops", 0.5, check_predecessors_includes_self_loops),
]

CHECKS = {_PR: PRIORITY_CHECKS, _PD: PREDECESSORS_CHECKS}
