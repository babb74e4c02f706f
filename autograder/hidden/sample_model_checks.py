"""Hidden property checks for the bonus notebook on Q-planning and sample models:
``sample_model_update`` (4 points) and ``sample_model_planning`` (5 points).

Built on ``check_kit`` shipped beside it (and numpy, the standard library); the
hidden tests pick checks from ``CHECKS[function]``.

Public API
    CHECKS = {"sample_model_update": [...], "sample_model_planning": [...]}
    false_failure_bounds()   the two statistical checks' odds

The model is one array of shape (n_states, n_actions, n_states + 1, 2): model[s, a, j]
holds (count, total reward) of the outcome "next state j", j = n_states meaning "the
episode ended".

Decisions
- A function may work in place or on a copy; it must *return* the result. Returning
  nothing fails only the "returns" check: the others then judge the argument.
- Planning may draw pairs uniformly over seen pairs, or uniformly over seen states and
  then over that state's seen actions (as in notebook 2); both are accepted.
- Which pair and which outcome a planning update used is read from the value table:
  every test model is built so that each possible update gives a different value.
- Two statistical checks (pairs uniform; outcomes in proportion to counts), each with
  exact binomial acceptance intervals and a union bound: false failure below 1e-10
  (``false_failure_bounds``). The other checks are exact for correct code.
"""

import numpy as np

from check_kit import (Check, Random, acceptance_interval, call_student, changed_pairs, close,
                       np_array, number_text, rejection_probability, result_or_argument, seeded,
                       shared_check)
from shared_checks import (PlanningWorld, planning_k_zero_changes_nothing,
                           planning_leaves_model_unchanged, planning_returns_value_table,
                           planning_updates_only_known_pairs, update_returns_model, value_text)

__all__ = ["CHECKS", "false_failure_bounds"]

SEED = 2024
_MU = "sample_model_update"
_PL = "sample_model_planning"


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

_prepared = seeded(SEED)


def _arg(x):
    return "None" if x is None else (repr(x) if isinstance(x, float) else str(int(x)))


def _pair(entry):
    return f"(count {number_text(entry[0])}, total reward {number_text(entry[1])})"


# ---------------------------------------------------------------------------
# sample_model_update
# ---------------------------------------------------------------------------

def _random_counts(seed, n_states, n_actions, fraction=0.3):
    """A model where about ``fraction`` of the (pair, outcome) cells have counts."""
    rng = Random(seed)
    model = np.zeros((n_states, n_actions, n_states + 1, 2))
    for s in range(n_states):
        for a in range(n_actions):
            for j in range(n_states + 1):
                if rng.random() < fraction:
                    count = rng.randrange(1, 6)
                    model[s, a, j] = (count, count * rng.choice((-1.0, 0.0, 1.0, 0.25)))
    return model


class _UpdateCase:
    """One call of sample_model_update on a seeded model."""

    def __init__(self, seed, n_states, state, action, reward, next_state, before=(0.0, 0.0)):
        self.model = _random_counts(seed, n_states, 4)
        self.outcome = n_states if next_state is None else int(next_state)
        self.model[state, action, self.outcome] = before
        self.shape = self.model.shape
        self.n_states = n_states
        self.state, self.action, self.reward, self.next_state = state, action, reward, next_state
        self.before = tuple(before)
        self.expected = (before[0] + 1.0, before[1] + float(reward))

    def call_text(self):
        return (f"{_MU}(model, state={self.state}, action={self.action}, "
                f"reward={_arg(self.reward)}, next_state={_arg(self.next_state)})")

    def context(self):
        return f"as {self.call_text()} on a model of {self.n_states} states and 4 actions"

    def where(self):
        return f"model[{self.state}, {self.action}, {self.outcome}]"

    def fresh(self):
        return self.model.copy()

    def run(self, func):
        """(resulting model, returned object, argument after the call)."""
        model = self.fresh()
        returned = call_student(func, _MU, (model, self.state, self.action, self.reward,
                                     self.next_state), self.context())
        result = result_or_argument(returned, model, self.shape, _MU, "model", self.context())
        return result, returned, model

    def entry(self, func):
        return tuple(self.run(func)[0][self.state, self.action, self.outcome])


_COUNT_CASES = (
    _UpdateCase(1, 6, 2, 1, -1.0, 5),
    _UpdateCase(2, 8, 3, 0, 0.0, 6, before=(3.0, 0.0)),
    _UpdateCase(3, 7, 1, 3, 1.0, np.int64(4), before=(1.0, 1.0)),
    _UpdateCase(4, 5, 0, 2, 0.5, 1, before=(2.0, -2.0)),
)
_REWARD_CASES = (
    _UpdateCase(11, 6, 1, 2, -1.0, 3, before=(2.0, -1.5)),
    _UpdateCase(12, 8, 4, 1, 0.37, 7, before=(5.0, 2.0)),
    _UpdateCase(13, 5, 2, 0, 1.0, 4, before=(1.0, 1.0)),
    _UpdateCase(14, 7, 6, 3, -0.25, 2),
)
# (the end or next state 0, the same observation with an ordinary next state)
_END_CASES = tuple(
    (_UpdateCase(seed, n, s, a, r, special, before), _UpdateCase(seed, n, s, a, r, regular, before))
    for seed, n, s, a, r, special, regular, before in (
        (21, 6, 3, 1, 1.0, None, 4, (0.0, 0.0)),
        (22, 9, 2, 0, -1.0, None, 5, (4.0, -4.0)),
        (23, 8, 5, 2, 0.5, 0, 3, (0.0, 0.0)),
        (24, 7, 1, 3, -1.0, 0, 6, (2.0, -1.0)),
    ))
_OTHER_CASES = (
    _UpdateCase(31, 6, 2, 1, 0.5, 3, before=(2.0, 1.0)),
    _UpdateCase(32, 8, 1, 2, -1.0, None),
    _UpdateCase(33, 5, 4, 0, 1.0, 0, before=(1.0, 1.0)),
)
_RETURN_CASES = (
    _UpdateCase(41, 6, 1, 2, 1.0, 3),
    _UpdateCase(42, 5, 3, 0, -0.5, None, before=(1.0, 0.0)),
)


def _where_did_it_go(case, after):
    """A hint when the count landed in the wrong place."""
    before = case.model
    changed = [tuple(int(i) for i in idx) for idx in np.argwhere(after != before)]
    counted = [c for c in changed if c[3] == 0 and c[:2] == (case.state, case.action)]
    if len(counted) > 1:
        return (f" It changed the counts of {len(counted)} outcomes of this pair; only the "
                "observed outcome's count changes.")
    if any(c[3] == 1 and c[:3] == (case.state, case.action, case.outcome) for c in changed) \
            and not counted:
        return " The count and the total reward may be swapped: the count goes first."
    return ""


@_prepared
def check_update_counts_the_outcome(f):
    """The observed outcome's count grows by exactly one."""
    for case in _COUNT_CASES:
        after, _, _ = case.run(f)
        got = after[case.state, case.action, case.outcome, 0]
        if not close(got, case.expected[0]):
            raise AssertionError(
                f"after {case.call_text()}, the count in {case.where()} should grow from "
                f"{number_text(case.before[0])} to {number_text(case.expected[0])}, but it is {number_text(got)}."
                + _where_did_it_go(case, after))


@_prepared
def check_update_adds_the_reward(f):
    """The reward is added to the observed outcome's total reward (not stored over it)."""
    for case in _REWARD_CASES:
        after, _, _ = case.run(f)
        got = after[case.state, case.action, case.outcome, 1]
        if close(got, case.expected[1]):
            continue
        hint = ""
        if close(got, case.reward) and not close(case.before[1], 0.0):
            hint = " It seems to store the last reward instead of adding it to the total."
        elif close(got, case.expected[1] / case.expected[0]):
            hint = " It seems to store the average reward; the model keeps the total."
        raise AssertionError(
            f"after {case.call_text()}, the total reward in {case.where()} should be "
            f"{number_text(case.before[1])} + {number_text(case.reward)} = {number_text(case.expected[1])}, but it "
            f"is {number_text(got)}.{hint}")


@_prepared
def check_update_end_is_the_last_outcome(f):
    """The end of an episode (next_state None) is recorded at the last outcome index,
    n_states, and next state 0 at index 0, just as the function records any other next
    state (compared with its own result for an ordinary next state)."""
    for special, regular in _END_CASES:
        want = regular.entry(f)
        got = special.entry(f)
        if close(got[0], want[0]) and close(got[1], want[1]) \
                and not (close(got[0], special.before[0]) and close(got[1], special.before[1])):
            continue
        if special.next_state is None:
            raise AssertionError(
                f"when the episode ends (next_state None) the outcome is the last index, "
                f"n_states = {special.n_states}: after {special.call_text()}, {special.where()} "
                f"should change from {_pair(special.before)} the way your function records any "
                f"other next state (to {_pair(want)}), but it is {_pair(got)}.")
        raise AssertionError(
            f"next state 0 is a real state, recorded at index 0 like any other: after "
            f"{special.call_text()}, {special.where()} should change from {_pair(special.before)} "
            f"to {_pair(want)}, as it does for other next states, but it is {_pair(got)}.")


@_prepared
def check_update_leaves_other_entries(f):
    """Only model[state, action, outcome] changes (and it does change)."""
    changed_something = False
    for case in _OTHER_CASES:
        after, _, _ = case.run(f)
        target = (case.state, case.action, case.outcome)
        changed_something = changed_something or bool(
            np.any(after[target] != case.model[target]))
        differs = after != case.model
        differs[target] = False
        if differs.any():
            s, a, j, _ = (int(i) for i in np.argwhere(differs)[0])
            raise AssertionError(
                f"{case.call_text()} must change only {case.where()}, but it also changed "
                f"model[{s}, {a}, {j}] from {_pair(case.model[s, a, j])} to "
                f"{_pair(after[s, a, j])}.")
    if not changed_something:
        raise AssertionError(
            f"{_MU} never changed the observed outcome's entry, so leaving the other entries "
            "alone cannot be credited yet: it must record each observation.")


# ---------------------------------------------------------------------------
# sample_model_planning: test worlds
# ---------------------------------------------------------------------------

class _World(PlanningWorld):
    """A count model and a value table for planning calls (fresh copies per call).

    ``outcomes[(s, a)]`` lists (outcome index, count, total reward) of each seen pair.
    """

    fname = _PL

    def __init__(self, n_states, outcomes, value, alpha, gamma, n_actions=4):
        self.S, self.A = n_states, n_actions
        self.alpha, self.gamma = alpha, gamma
        self.outcomes = outcomes
        self.model = np.zeros((n_states, n_actions, n_states + 1, 2))
        for (s, a), entries in outcomes.items():
            for j, count, total in entries:
                self.model[s, a, j] = (count, total)
        self.value = np_array(value, dtype=float)
        self.seen = sorted(outcomes)

    def context(self, k):
        return (f"with k={k} on a model of {self.S} states and {self.A} actions where "
                f"{len(self.seen)} state-action pair{'s have' if len(self.seen) > 1 else ' has'} "
                "been seen")

    def changed(self, table, before=None):
        return changed_pairs(self.value if before is None else before, table)

    def target(self, s, a, j, value=None):
        """Q-learning target of outcome j of pair (s, a)."""
        value = self.value if value is None else value
        count, total = self.model[s, a, j]
        boot = 0.0 if j == self.S else float(value[j].max())
        return total / count + self.gamma * boot

    def updated(self, s, a, j):
        v = self.value[s, a]
        return v + self.alpha * (self.target(s, a, j) - v)


def _make_world(seed, n_states, spec, alpha=None, gamma=None):
    """``spec``: {(s, a): [(outcome, count, total reward), ...]}. Values are random
    non-integers, redrawn until every possible update changes its entry by at least 0.01
    and the outcomes of each pair give values at least 0.01 apart."""
    rng = Random(seed)
    alpha = alpha if alpha is not None else rng.choice((0.25, 0.3, 0.5, 0.7))
    gamma = gamma if gamma is not None else rng.choice((0.5, 0.8, 0.9))
    while True:
        value = [[rng.uniform(-2.0, 2.0) for _ in range(4)] for _ in range(n_states)]
        world = _World(n_states, spec, value, alpha, gamma)
        ok = True
        for (s, a), entries in spec.items():
            results = [world.updated(s, a, j) for j, _, _ in entries]
            ok = ok and all(abs(r - world.value[s, a]) > 0.01 for r in results)
            ok = ok and all(abs(x - y) > 0.01 for i, x in enumerate(results)
                            for y in results[i + 1:])
        if ok:
            return world


def _single_outcome_spec(seed, n_states, pairs, end_fraction=0.3, sinks=None):
    """Each pair has one outcome seen 1 to 5 times with a total reward."""
    rng = Random(seed)
    spec = {}
    for s, a in pairs:
        count = rng.randrange(1, 6)
        end = rng.random() < end_fraction
        j = n_states if end else rng.choice(sinks if sinks else range(n_states))
        spec[s, a] = [(j, count, count * rng.choice((-1.0, 0.0, 1.0)) + rng.choice((0.0, 0.5)))]
    return spec


def _random_pairs(seed, n_states, fraction):
    rng = Random(seed)
    pairs = [(s, a) for s in range(n_states) for a in range(4) if rng.random() < fraction]
    return pairs


_W_MIXED = _make_world(101, 8, {
    **_single_outcome_spec(1101, 8, _random_pairs(2101, 8, 0.4)),
    (7, 3): [(2, 3, 3.0), (5, 1, -1.0), (8, 2, 1.0)],
})
_W_MIXED_B = _make_world(102, 10, _single_outcome_spec(1102, 10, _random_pairs(2102, 10, 0.35)))
# Seen pairs lead only to states with no seen pair (or end): updates cannot interact,
# so every updated value is one to a few updates of its own pair.
_W_RULE = (
    _make_world(111, 8, _single_outcome_spec(
        1111, 8, [(0, 1), (0, 3), (1, 0), (1, 2), (2, 2), (3, 0), (3, 1), (3, 3)],
        end_fraction=0.35, sinks=[4, 5, 6, 7])),
    _make_world(112, 10, {
        (1, 0): [(6, 4, 2.0)], (2, 3): [(10, 3, 3.0)], (3, 1): [(0, 2, -1.0)],
        (5, 2): [(8, 5, 0.0)], (7, 1): [(10, 1, -1.0)], (9, 0): [(4, 2, 1.5)]}),
)
# One seen pair with several outcomes: every pair scheme draws it, so the value
# after one update tells which outcome was drawn.
_OUTCOME_COUNTS = ((2, 5, 2.5), (3, 2, -2.0), (4, 1, 1.0), (6, 2, 0.0))   # 6 = the end
_W_OUTCOMES = _make_world(121, 6, {(0, 1): list(_OUTCOME_COUNTS)}, alpha=0.5, gamma=0.8)
# Pair sampling: U1 separates the two accepted schemes; in U2 they coincide.
_W_UNIFORM = (
    _make_world(131, 8, _single_outcome_spec(
        1131, 8, [(0, 2), (1, 0), (1, 1), (1, 3), (3, 0), (3, 1), (3, 2), (3, 3), (4, 1),
                  (6, 0), (6, 2)])),
    _make_world(132, 6, _single_outcome_spec(1132, 6, [(0, 1), (1, 3), (2, 0), (3, 2), (5, 1)])),
)
_UNIFORM_CALLS = 3000
_OUTCOME_CALLS = 3000
_ALPHA = 1e-10
_SCHEMES = ("uniform over seen pairs",
            "uniform over seen states, then over that state's seen actions")


# ---------------------------------------------------------------------------
# sample_model_planning: checks
# ---------------------------------------------------------------------------

def _unseen(world, s, a, table):
    """Why planning must not have changed value[s, a], or None if (s, a) was seen."""
    if (s, a) in world.outcomes:
        return None
    return (f"planning updated a state-action pair that was never seen: it changed "
            f"{value_text(world, s, a, table)}, but every count of state {s}, action {a} is 0. "
            "Draw only pairs with at least one count.")


@_prepared
def check_planning_makes_k_updates(f):
    """k=1 updates exactly one pair; a call with k updates never touches more than k,
    and a pair seen once, alone in its model, is updated k times by one call."""
    for world in (_W_MIXED, _W_MIXED_B):
        for _ in range(10):
            changed = world.changed(world.run(f, 1)[0])
            if len(changed) != 1:
                raise AssertionError(
                    f"with k=1 planning must update exactly one state-action pair, but one call "
                    f"{world.context(1)} changed {len(changed)} values.")
        for k in (3, 5):
            for _ in range(6):
                changed = world.changed(world.run(f, k)[0])
                if not changed or len(changed) > k:
                    raise AssertionError(
                        f"with k={k} planning makes {k} updates, so it changes between 1 and {k} "
                        f"values, but one call {world.context(k)} changed {len(changed)}.")
    single = _make_world(141, 3, {(0, 0): [(0, 1, 0.4)]}, alpha=0.5, gamma=0.9)
    for m in (2, 4):
        direct = single.run(f, m)[0][0, 0]
        chained = single.value.copy()
        for _ in range(m):
            chained = single.run(f, 1, chained)[0]
        if not close(direct, chained[0, 0]):
            raise AssertionError(
                f"on a model with one seen pair (state 0, action 0, back to state 0), one call "
                f"with k={m} must give the same value as {m} calls with k=1 in a row: the k "
                f"updates are applied one after the other. One call gave value[0, 0] = "
                f"{number_text(direct)}; {m} calls gave {number_text(chained[0, 0])}.")


def _rule_message(world, s, a, got):
    entries = world.outcomes[s, a]
    j, count, total = entries[0]
    v0 = world.value[s, a]
    want = world.updated(s, a, j)
    lead = (f"planning set value[{s}, {a}] to {number_text(got)}, but the only outcome of state {s}, "
            f"action {a} was seen {count} time{'s' if count > 1 else ''} with total reward "
            f"{number_text(total)} (average {number_text(total / count)})")
    if j == world.S:
        return (lead + f" and it ends the episode, so a Q-learning update of {number_text(v0)} gives "
                f"{number_text(want)}: value + alpha * (average reward - value) with alpha = "
                f"{world.alpha}; after the end there is nothing to bootstrap from.")
    return (lead + f" and it leads to state {j}, so a Q-learning update of {number_text(v0)} gives "
            f"{number_text(want)}: value + alpha * (average reward + gamma * max(value[{j}]) - value) "
            f"with alpha = {world.alpha}, gamma = {world.gamma}, max(value[{j}]) = "
            f"{number_text(world.value[j].max())}.")


@_prepared
def check_planning_q_learning_update(f):
    """Each update is Q-learning with the outcome's average reward (total / count), its
    next state (none after the end), alpha and gamma."""
    judged = 0
    for world in _W_RULE:
        for _ in range(15):
            table, _, _ = world.run(f, 3)
            for s, a in world.changed(table):
                if (s, a) not in world.outcomes:
                    continue                       # judged by another check
                j = world.outcomes[s, a][0][0]
                v, target = world.value[s, a], world.target(s, a, j)
                options = []
                for _ in range(3):
                    v = v + world.alpha * (target - v)
                    options.append(v)
                judged += 1
                if not any(close(table[s, a], o) for o in options):
                    raise AssertionError(_rule_message(world, s, a, table[s, a]))
    if not judged:
        raise AssertionError(
            f"{_PL} never changed the value of a seen pair, so its update rule could not be "
            "checked.")


def _union_beta(n_cells):
    return _ALPHA / (2 * n_cells)


def _outside(counts, n, probabilities, beta):
    """Indices whose count falls outside the exact binomial acceptance interval."""
    bad = []
    for i, (c, p) in enumerate(zip(counts, probabilities)):
        lo, hi = acceptance_interval(n, p, beta)
        if not lo <= c <= hi:
            bad.append((i, lo, hi))
    return bad


@_prepared
def check_planning_draws_outcomes_by_count(f):
    """Outcomes are drawn with probability count / total count (statistical, false
    failure below 1e-10)."""
    world = _W_OUTCOMES
    # What the function itself gives for each outcome alone (same count and total), so
    # that an error in the update rule is not mistaken for an error in the drawing.
    results = []
    for outcome in _OUTCOME_COUNTS:
        alone = _World(world.S, {(0, 1): [outcome]}, world.value, world.alpha, world.gamma)
        results.append(float(alone.run(f, 1)[0][0, 1]))
    if any(abs(x - y) < 1e-9 or x != x for i, x in enumerate(results) for y in results[i + 1:]):
        results = [world.updated(0, 1, j) for j, _, _ in _OUTCOME_COUNTS]
    counts = [0] * len(results)
    for table in world.run_many(f, 1, _OUTCOME_CALLS):
        got = table[0, 1]
        distances = [abs(got - r) for r in results]
        counts[distances.index(min(distances))] += 1
    total = sum(c for _, c, _ in _OUTCOME_COUNTS)
    probabilities = [c / total for _, c, _ in _OUTCOME_COUNTS]
    bad = _outside(counts, _OUTCOME_CALLS, probabilities, _union_beta(len(probabilities)))
    if bad:
        i, lo, hi = bad[0]
        j, c, _ = _OUTCOME_COUNTS[i]
        name = "the end of the episode" if j == world.S else f"next state {j}"
        seen = ", ".join(
            f"{'the end' if jj == world.S else f'state {jj}'} {cc} times"
            for (jj, cc, _) in _OUTCOME_COUNTS)
        drawn = ", ".join(
            f"{'the end' if jj == world.S else f'state {jj}'} {n}"
            for (jj, _, _), n in zip(_OUTCOME_COUNTS, counts))
        raise AssertionError(
            f"planning does not draw outcomes in proportion to their counts. The only seen pair "
            f"(state 0, action 1) led to {seen}; in {_OUTCOME_CALLS} calls with k=1, {name} "
            f"(probability {c}/{total}) should be drawn {lo} to {hi} times, but it was drawn "
            f"{counts[i]} times (all draws: {drawn}). (A correct implementation falls outside "
            "these ranges less than once in a billion runs.)")


def _scheme_probabilities(world):
    per_state = {}
    for s, _ in world.seen:
        per_state[s] = per_state.get(s, 0) + 1
    n = len(world.seen)
    return {_SCHEMES[0]: [1.0 / n] * n,
            _SCHEMES[1]: [1.0 / (len(per_state) * per_state[s]) for s, _ in world.seen]}


@_prepared
def check_planning_samples_pairs_uniformly(f):
    """Pairs are drawn uniformly over seen pairs, or uniformly over seen states then
    their seen actions (statistical, false failure below 1e-10)."""
    beta = _union_beta(sum(len(w.seen) for w in _W_UNIFORM))
    data = []
    for world in _W_UNIFORM:
        index = {pair: i for i, pair in enumerate(world.seen)}
        counts = [0] * len(world.seen)
        for table in world.run_many(f, 1, _UNIFORM_CALLS):
            changed = world.changed(table)
            if len(changed) != 1 or changed[0] not in index:
                raise AssertionError(
                    f"to check how planning draws pairs, each call with k=1 must update exactly "
                    f"one seen pair, but one call {world.context(1)} changed {len(changed)} "
                    "values, so the drawing could not be checked.")
            counts[index[changed[0]]] += 1
        data.append((world, counts))
    failures = {}
    for scheme in _SCHEMES:
        failures[scheme] = [(world, counts, bad) for world, counts in data
                            for bad in [_outside(counts, _UNIFORM_CALLS,
                                                 _scheme_probabilities(world)[scheme], beta)]
                            if bad]
        if not failures[scheme]:
            return
    world, counts, bad = failures[_SCHEMES[0]][0]
    i, lo, hi = bad[0]
    s, a = world.seen[i]
    listing = ", ".join(f"({ss}, {aa}): {c}" for (ss, aa), c in zip(world.seen, counts))
    raise AssertionError(
        f"planning does not draw the seen state-action pairs uniformly. In {_UNIFORM_CALLS} "
        f"calls with k=1 on a model with {len(world.seen)} seen pairs, the pair (state {s}, "
        f"action {a}) was updated {counts[i]} times, but {lo} to {hi} times if drawing "
        f"{_SCHEMES[0]}, and it also fails the other accepted scheme ({_SCHEMES[1]}). Updates "
        f"per seen pair (state, action): {listing}. (A correct implementation falls outside "
        "these ranges less than once in a billion runs.)")


def false_failure_bounds():
    """Exact union-bound false-failure probabilities of the two statistical checks,
    (outcome draws, pair sampling), each to compare with 1e-9."""
    def tails(n, probabilities, beta):
        return sum(rejection_probability(n, p, beta) for p in probabilities)

    count_total = sum(c for _, c, _ in _OUTCOME_COUNTS)
    outcome_p = [c / count_total for _, c, _ in _OUTCOME_COUNTS]
    outcomes = tails(_OUTCOME_CALLS, outcome_p, _union_beta(len(outcome_p)))
    beta = _union_beta(sum(len(w.seen) for w in _W_UNIFORM))
    pairs = max(sum(tails(_UNIFORM_CALLS, _scheme_probabilities(w)[scheme], beta)
                    for w in _W_UNIFORM) for scheme in _SCHEMES)
    return outcomes, pairs


# ---------------------------------------------------------------------------
# The check lists
# ---------------------------------------------------------------------------

CHECKS = {
    _MU: [
        Check("sample_model_update_counts_the_outcome", 1.0, check_update_counts_the_outcome),
        Check("sample_model_update_adds_the_reward", 1.0, check_update_adds_the_reward),
        Check("sample_model_update_end_is_the_last_outcome", 0.5, check_update_end_is_the_last_outcome),
        Check("sample_model_update_leaves_other_entries", 1.0, check_update_leaves_other_entries),
        Check("sample_model_update_returns_model", 0.5, shared_check(update_returns_model, _prepared, _MU, _RETURN_CASES,
                           "the model returned by {call} is identical to the model passed in: "
                           "it does not contain the new observation.")),
    ],
    _PL: [
        Check("sample_model_planning_returns_value_table", 0.5, shared_check(planning_returns_value_table, _prepared, (_W_MIXED, _W_MIXED_B))),
        Check("sample_model_planning_k_zero_changes_nothing", 0.5, shared_check(planning_k_zero_changes_nothing, _prepared, (_W_MIXED, _W_MIXED_B),
                           _W_MIXED)),
        Check("sample_model_planning_leaves_model_unchanged", 0.5, shared_check(planning_leaves_model_unchanged, _prepared,
                           [(w, 3) for w in (_W_MIXED, _W_MIXED_B, _W_OUTCOMES)], 4, _pair, "")),
        Check("sample_model_planning_updates_only_seen_pairs", 0.5, shared_check(planning_updates_only_known_pairs, _prepared, (_W_MIXED, _W_MIXED_B),
                           _unseen, ("a seen pair", "seen pairs"))),
        Check("sample_model_planning_makes_k_updates", 0.5, check_planning_makes_k_updates),
        Check("sample_model_planning_q_learning_update", 1.0, check_planning_q_learning_update),
        Check("sample_model_planning_draws_outcomes_by_count", 1.0, check_planning_draws_outcomes_by_count),
        Check("sample_model_planning_samples_pairs_uniformly", 0.5, check_planning_samples_pairs_uniformly),
    ],
}
