"""Hidden property checks for the two core graded functions, ``dyna_q_model_update``
(4 points) and ``dyna_q_planning`` (6 points).

Built on the ``check_kit`` shipped beside it (and numpy, the standard library): the
hidden tests pick checks from ``CHECKS[function]`` (see ``check_kit.assert_passes``).

Public API
    CHECKS = {"dyna_q_model_update": [...], "dyna_q_planning": [...]}
    uniform_false_failure_bound(), uniform_pass_bound(distributions, n)
                                     the statistical check's odds

Every check seeds ``np.random`` and ``random`` first, so submissions that use the
global generators are graded reproducibly.

Decisions
- A function may update its argument in place or work on a copy; either way it
  must *return* the updated array (returning None fails only the "returns"
  check: the other checks then look at the argument it updated in place).
- Planning may sample uniformly over observed pairs (tutorial) or uniformly over
  observed states and then over that state's observed actions (Sutton & Barto).
- Pairs touched by planning are found by diffing the value table, formula-free:
  every world is built so that any update changes the entry it updates.
- The only statistical check is the uniformity test; its false-failure
  probability is below 1e-10 (argued at ``_UNIFORM_ALPHA``). The other checks
  are exact for correct code.
"""

import numpy as np

from check_kit import (NAN, Check, Random, acceptance_interval, call_student, changed_pairs, close,
                       interval_probability, isnan, np_array, number_text, rejection_probability,
                       result_or_argument, same, seeded, shared_check)
from shared_checks import (PlanningWorld, planning_k_zero_changes_nothing,
                           planning_leaves_model_unchanged, planning_returns_value_table,
                           planning_updates_only_known_pairs, update_returns_model, value_text)

SEED = 12345
_MU = "dyna_q_model_update"
_PL = "dyna_q_planning"
_prepared = seeded(SEED)


def _state(x):
    """A next state as stored in the model: an index, or NaN for terminal."""
    x = float(x)
    if x != x:
        return "NaN"
    return str(int(x)) if x == int(x) else f"{x:.6g}"


def _arg(x):
    """An argument value as it would be written in a call."""
    if x is None:
        return "None"
    if isinstance(x, float):
        return repr(x)
    return str(int(x))


def _entry(entry):
    """A model entry (reward, next state) for a message."""
    return f"(reward {number_text(entry[0])}, next state {_state(entry[1])})"


def _count(n, noun):
    return f"{n} {noun}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------------------
# Model update: test worlds and cases
# ---------------------------------------------------------------------------

def _reward(rng):
    """A reward in {-1, 0, 1} or a non-integer in (-1.5, 1.5)."""
    choice = rng.randrange(4)
    if choice < 3:
        return float(choice - 1)
    x = round(rng.uniform(-1.45, 1.45), 3)
    return x + 0.125 if x == int(x) else x


def _random_model(seed, n_states, n_actions, observed_fraction=0.5, terminal_fraction=0.3):
    """Nested-list model: about ``observed_fraction`` of the pairs observed."""
    rng = Random(seed)
    model = []
    for _ in range(n_states):
        row = []
        for _ in range(n_actions):
            if rng.random() < observed_fraction:
                terminal = rng.random() < terminal_fraction
                row.append([_reward(rng), NAN if terminal else float(rng.randrange(n_states))])
            else:
                row.append([NAN, NAN])
        model.append(row)
    return model


class _UpdateCase:
    """One call of dyna_q_model_update on a seeded model."""

    def __init__(self, seed, n_states, state, action, reward, next_state, before=None,
                 n_actions=4):
        self.entries = _random_model(seed, n_states, n_actions)
        self.entries[state][action] = list(before) if before is not None else [NAN, NAN]
        self.shape = (n_states, n_actions, 2)
        self._array = np_array(self.entries, dtype=float)
        self.state, self.action, self.reward, self.next_state = state, action, reward, next_state
        stored = NAN if next_state is None else float(next_state)
        self.expected = [float(reward), stored]

    def fresh(self):
        return self._array.copy()

    def call_text(self):
        return (f"{_MU}(model, state={self.state}, action={self.action}, "
                f"reward={_arg(self.reward)}, next_state={_arg(self.next_state)})")

    def context(self):
        return (f"as {self.call_text()} on a model with {self.shape[0]} states "
                f"and {self.shape[1]} actions")

    def run(self, func, model=None):
        """(effective model as nested list, returned object, argument after the call)."""
        model = self.fresh() if model is None else model
        returned = call_student(func, _MU, (model, self.state, self.action, self.reward,
                                     self.next_state), self.context())
        result = result_or_argument(returned, model, self.shape, _MU, "model", self.context())
        return result.tolist(), returned, model


_STORE_CASES = (
    _UpdateCase(11, 6, 2, 1, -1.0, 5),
    _UpdateCase(12, 8, 3, 0, 0.0, 0),            # next state 0 is a real state
    _UpdateCase(13, 10, 1, 3, 1.0, 7),
    _UpdateCase(14, 7, 0, 2, 0.37, np.int64(4)),
    _UpdateCase(15, 12, 3, 2, -1.75, 11),
)
_TERMINAL_CASES = (
    _UpdateCase(21, 6, 3, 1, 1.0, None),
    _UpdateCase(22, 9, 2, 0, -1.0, None),
    _UpdateCase(23, 8, 1, 3, 0.42, None),
)
_OVERWRITE_CASES = (
    _UpdateCase(31, 6, 2, 3, 1.0, 4, before=(-1.0, 2.0)),
    _UpdateCase(32, 8, 1, 0, 0.5, 6, before=(1.0, NAN)),
    _UpdateCase(33, 10, 3, 1, -1.0, None, before=(0.25, 7.0)),
)
_OTHER_ENTRY_CASES = (
    _UpdateCase(41, 6, 2, 1, 0.5, 3),
    _UpdateCase(42, 8, 1, 2, -1.0, None),
    _UpdateCase(43, 10, 3, 0, 1.0, 9, before=(0.0, 2.0)),
    _UpdateCase(44, 12, 0, 3, 0.0, 0),
)
_RETURN_CASES = (
    _UpdateCase(51, 6, 1, 2, 1.0, 3),
    _UpdateCase(52, 9, 3, 0, -0.5, None),
)


# ---------------------------------------------------------------------------
# Model update checks
# ---------------------------------------------------------------------------

@_prepared
def check_model_update_stores_observation(f):
    """model[state, action] holds (reward, next_state) after the update."""
    for case in _STORE_CASES:
        after, _, _ = case.run(f)
        got = after[case.state][case.action]
        want = case.expected
        if close(got[0], want[0]) and close(got[1], want[1]):
            continue
        hint = ""
        if close(got[0], want[1]) and close(got[1], want[0]):
            hint = (" The reward and the next state seem to be swapped: the reward goes first "
                    "(model[state, action, 0]), the next state second.")
        elif isnan(got[1]) and not isnan(got[0]) and want[1] == 0:
            hint = " Next state 0 is a real state, not a terminal one: only None means terminal."
        raise AssertionError(
            f"after {case.call_text()}, model[{case.state}, {case.action}] should hold "
            f"(reward, next state) = ({number_text(want[0])}, {_state(want[1])}), but it holds "
            f"({number_text(got[0])}, {_state(got[1])}).{hint}")


@_prepared
def check_model_update_terminal_as_nan(f):
    """A terminal transition (next_state None) is stored as (reward, NaN)."""
    for case in _TERMINAL_CASES:
        after, _, _ = case.run(f)
        got = after[case.state][case.action]
        where = f"model[{case.state}, {case.action}]"
        if not isnan(got[1]):
            hint = " (None must not become 0: state 0 is a real state)" if got[1] == 0 else ""
            raise AssertionError(
                f"a terminal transition (next_state=None) must be stored with NaN as its next "
                f"state{hint}, but after {case.call_text()}, {where} holds "
                f"({number_text(got[0])}, {_state(got[1])}).")
        if not close(got[0], case.expected[0]):
            raise AssertionError(
                f"a terminal transition must still store its reward: after {case.call_text()}, "
                f"{where} should hold ({number_text(case.expected[0])}, NaN), but it holds "
                f"({number_text(got[0])}, {_state(got[1])}).")


@_prepared
def check_model_update_latest_observation_wins(f):
    """A new observation of an already observed pair replaces the old one.

    Compared with what the student's own function stores for the same
    observation on an empty entry, so only the overwriting is judged here.
    """
    for case in _OVERWRITE_CASES:
        empty_model = case.fresh()
        empty_model[case.state, case.action] = NAN
        fresh_entry = case.run(f, empty_model)[0][case.state][case.action]
        over_entry = case.run(f)[0][case.state][case.action]
        old = case.entries[case.state][case.action]
        if not (close(over_entry[0], fresh_entry[0]) and close(over_entry[1], fresh_entry[1])):
            kept = close(over_entry[0], old[0]) and close(over_entry[1], old[1])
            raise AssertionError(
                f"model[{case.state}, {case.action}] already held the observation {_entry(old)}; "
                f"after {case.call_text()} it must hold the new observation, but it "
                + ("still holds the old one. Always overwrite: the model keeps the latest "
                   "observation of each state-action pair." if kept else
                   f"holds {_entry(over_entry)} instead of {_entry(fresh_entry)}, which is what "
                   "your function stores for the same observation on an empty entry."))
    # Two observations in a row of the same pair: the second one stays.
    first = _UpdateCase(34, 7, 2, 2, -1.0, 3)
    second = _UpdateCase(34, 7, 2, 2, 0.5, 5)
    after_first, _, _ = first.run(f)
    after_second = second.run(f, np_array(after_first, dtype=float))[0]
    empty = second.run(f)[0][2][2]
    got = after_second[2][2]
    if not (close(got[0], empty[0]) and close(got[1], empty[1])):
        raise AssertionError(
            f"after {first.call_text()} and then {second.call_text()} on the result, "
            f"model[2, 2] must hold the latest observation, but it holds {_entry(got)}.")


@_prepared
def check_model_update_leaves_other_entries(f):
    """Only model[state, action] changes; every other entry stays as it was
    (and model[state, action] itself does change, so doing nothing earns nothing)."""
    stored_something = False
    for case in _OTHER_ENTRY_CASES:
        after, _, _ = case.run(f)
        new = after[case.state][case.action]
        old = case.entries[case.state][case.action]
        stored_something = stored_something or not (same(new[0], old[0])
                                                    and same(new[1], old[1]))
        for s, row in enumerate(case.entries):
            for a, old in enumerate(row):
                if (s, a) == (case.state, case.action):
                    continue
                new = after[s][a]
                if not (same(new[0], old[0]) and same(new[1], old[1])):
                    raise AssertionError(
                        f"{case.call_text()} must change only model[{case.state}, {case.action}], "
                        f"but it also changed model[{s}, {a}] from {_entry(old)} to "
                        f"{_entry(new)}.")
    if not stored_something:
        raise AssertionError(
            f"{_MU} did not change model[state, action] in any call, so leaving the other "
            "entries alone cannot be credited yet: it must store each observation.")


# ---------------------------------------------------------------------------
# Planning: test worlds
# ---------------------------------------------------------------------------

class _World(PlanningWorld):
    """A seeded model and value table for planning calls (fresh copies per call)."""

    fname = _PL

    def __init__(self, label, model, value, alpha, gamma):
        self.label = label
        self.model_list, self.value_list = model, value
        self.S, self.A = len(value), len(value[0])
        self.alpha, self.gamma = alpha, gamma
        self.model = np_array(model, dtype=float)
        self.value = np_array(value, dtype=float)
        self.observed = [(s, a) for s in range(self.S) for a in range(self.A)
                         if not isnan(model[s][a][0])]
        self.observed_set = frozenset(self.observed)

    def context(self, k):
        n = len(self.observed)
        observed = "1 state-action pair has" if n == 1 else f"{n} state-action pairs have"
        return (f"with k={k} on a model of {_count(self.S, 'state')} and "
                f"{_count(self.A, 'action')} where {observed} been observed")

    def table(self, returned, arguments, k):
        """The value table a call produced, as nested lists (the checks read it entry by
        entry)."""
        return super().table(returned, arguments, k).tolist()

    def changed(self, table, before=None):
        before = self.value if before is None else np_array(before, dtype=float)
        return changed_pairs(before, np_array(table, dtype=float))

    def bootstrap(self, s, a, value=None):
        """gamma-free bootstrap term of pair (s, a): max of the next state's row, 0 if terminal."""
        value = self.value_list if value is None else value
        next_state = self.model_list[s][a][1]
        return 0.0 if isnan(next_state) else max(value[int(next_state)])

    def sequence(self, s, a, n):
        """Values of (s, a) after 1..n updates of that pair alone (next-state row fixed)."""
        reward = self.model_list[s][a][0]
        boot = self.bootstrap(s, a)
        v, out = self.value_list[s][a], []
        for _ in range(n):
            v = v + self.alpha * (reward + self.gamma * boot - v)
            out.append(v)
        return out


def _make_world(label, seed, n_states, n_actions, observed, terminal_fraction=0.3,
                sinks=None, rewards=None):
    """Build a world whose every possible update visibly changes its entry.

    ``observed``: list of (s, a) or (s, a, kind) with kind 'T' (terminal), 'N'
    (non-terminal) or None (random); ``sinks``: states non-terminal transitions
    lead to (default: any state). Values are random non-integers with every row
    maximum at least 0.05 away from 0 and every observed target at least 0.01
    away from the current value.
    """
    rng = Random(seed)
    alpha = rng.choice((0.1, 0.25, 0.3, 0.5, 0.7))
    gamma = rng.choice((0.5, 0.8, 0.9, 0.95))
    model = [[[NAN, NAN] for _ in range(n_actions)] for _ in range(n_states)]
    for i, spec in enumerate(observed):
        s, a, kind = (spec + (None,))[:3]
        terminal = (kind == "T") or (kind is None and rng.random() < terminal_fraction)
        reward = rewards[i] if rewards is not None else _reward(rng)
        if terminal:
            model[s][a] = [reward, NAN]
        else:
            model[s][a] = [reward, float(rng.choice(sinks if sinks else range(n_states)))]
    while True:
        value = [[rng.uniform(-2.0, 2.0) for _ in range(n_actions)] for _ in range(n_states)]
        if any(abs(max(row)) < 0.05 for row in value):
            continue
        ok = True
        for s in range(n_states):
            for a in range(n_actions):
                reward, next_state = model[s][a]
                if isnan(reward):
                    continue
                boot = 0.0 if isnan(next_state) else max(value[int(next_state)])
                if abs(reward + gamma * boot - value[s][a]) < 0.01:
                    ok = False
        if ok:
            return _World(label, model, value, alpha, gamma)


def _random_pairs(seed, n_states, n_actions, fraction):
    rng = Random(seed)
    return [(s, a) for s in range(n_states) for a in range(n_actions) if rng.random() < fraction]


_W_FULL = _make_world("full", 101, 6, 4, [(s, a, "N") for s in range(6) for a in range(4)])
_W_MIX_A = _make_world("mixed A", 102, 8, 4, _random_pairs(1102, 8, 4, 0.5))
_W_MIX_B = _make_world("mixed B", 103, 10, 4, _random_pairs(1103, 10, 4, 0.4))
_W_NOTERM = _make_world("no terminal", 104, 7, 4,
                        [p + ("N",) for p in _random_pairs(1104, 7, 4, 0.4)])
_W_ALLTERM = _make_world("all terminal", 105, 6, 4,
                         [(0, 1, "T"), (1, 3, "T"), (2, 0, "T"), (4, 2, "T"), (5, 1, "T")])
# One observed pair whose next state has no observed pair (or is terminal).
_W_ONE = (
    _make_world("one pair", 111, 6, 4, [(2, 1, "N")], sinks=[4], rewards=[0.73]),
    _make_world("one pair", 112, 9, 4, [(0, 3, "N")], sinks=[5], rewards=[0.0]),
    _make_world("one pair", 113, 6, 4, [(3, 2, "T")], rewards=[-1.0]),
    _make_world("one pair", 114, 8, 4, [(5, 0, "T")], rewards=[1.0]),
)
# Observed pairs lead only to states without observed pairs: no update can
# change another observed pair's target, so each pair's values are exact.
_W_NONINTERACTING = (
    _make_world("non-interacting", 121, 8, 4,
                [(0, 1), (0, 3), (1, 0), (1, 2), (2, 2), (3, 0), (3, 1), (3, 3)],
                terminal_fraction=0.35, sinks=[4, 5, 6, 7]),
    _make_world("non-interacting", 122, 12, 4,
                [(1, 0), (3, 1), (3, 2), (5, 3), (7, 0), (7, 2), (9, 1)],
                terminal_fraction=0.35, sinks=[0, 2, 4, 6, 8, 10, 11]),
)
# Uniformity: U1 separates the two accepted schemes (1 to 4 observed actions
# per state); in U2 both schemes coincide (one action per state), which gives
# power against nearly uniform bugs.
_W_UNIFORM = (
    _make_world("uniform 1", 131, 8, 4,
                [(0, 2), (1, 0), (1, 1), (1, 3), (3, 0), (3, 1), (3, 2), (3, 3), (4, 1),
                 (6, 0), (6, 2)]),
    _make_world("uniform 2", 132, 6, 4, [(0, 1), (1, 3), (2, 0), (3, 2), (5, 1)]),
)
# One state, one action: every sampling scheme must pick the only pair, so one
# call with k=m must equal m calls with k=1 (sequential updates).
_W_SINGLE = (
    _make_world("single loop", 141, 1, 1, [(0, 0, "N")], rewards=[0.4]),
    _make_world("single terminal", 142, 1, 1, [(0, 0, "T")], rewards=[-0.7]),
)

assert all(len(w.observed) >= 5 for w in (_W_MIX_A, _W_MIX_B, _W_ALLTERM))
assert len(_W_NOTERM.observed) >= 2


# ---------------------------------------------------------------------------
# Planning checks
# ---------------------------------------------------------------------------

def _unobserved(world, s, a, table):
    """Why planning must not have changed value[s, a], or None if (s, a) was observed."""
    if (s, a) in world.observed_set:
        return None
    return (f"planning sampled a state-action pair that was never observed: it changed "
            f"{value_text(world, s, a, table)}, but state {s}, action {a} has no observation "
            f"(its model entry is NaN). Sample only pairs whose model entry is not NaN.")


@_prepared
def check_planning_q_learning_update(f):
    """Each update is the Q-learning rule with the model's reward and next state,
    alpha and gamma from params, and no bootstrap from a terminal (NaN) next state.

    Judged on worlds where updates of observed pairs cannot interact, so a value
    is correct when it equals one to three correct updates of its pair (robust to
    an off-by-one k). Updates of unobserved pairs are left to their own check; an
    observed pair whose next-state row such an update changed is not judged.
    """
    judged = 0
    plan = [(w, 1, 1) for w in _W_ONE] + [(w, 2, 40) for w in _W_NONINTERACTING]
    for world, k, repeats in plan:
        for _ in range(repeats):
            table, _, _ = world.run(f, k)
            changed = world.changed(table)
            touched_rows = {s for s, a in changed if (s, a) not in world.observed_set}
            for s, a in changed:
                if (s, a) not in world.observed_set:
                    continue  # judged by the "only observed pairs" check
                next_state = world.model_list[s][a][1]
                if not isnan(next_state) and int(next_state) in touched_rows:
                    continue  # its target used a value no correct update writes
                got = table[s][a]
                options = world.sequence(s, a, 3)
                if any(close(got, v) for v in options):
                    judged += 1
                    continue
                raise AssertionError(_rule_message(world, s, a, got, options[0]))
    if judged == 0:
        raise AssertionError(
            f"{_PL} never changed the value of an observed state-action pair, so its "
            "update rule could not be checked.")


def _rule_message(world, s, a, got, want):
    reward, next_state = world.model_list[s][a]
    v0 = world.value_list[s][a]
    alpha, gamma = world.alpha, world.gamma
    lead = f"value[{s}, {a}] became NaN. " if got != got else ""
    if isnan(next_state):
        return (f"{lead}planning set value[{s}, {a}] to {number_text(got)}, but a Q-learning update of "
                f"value[{s}, {a}] = {number_text(v0)} with the model's reward {number_text(reward)} and a "
                f"terminal next state (NaN in the model) gives {number_text(want)}: "
                f"value + alpha * (reward - value) with alpha = {alpha}. After a terminal "
                f"transition there is nothing to bootstrap from: gamma * max(value[next state]) "
                f"counts as 0.")
    ns = int(next_state)
    return (f"{lead}planning set value[{s}, {a}] to {number_text(got)}, but a Q-learning update of "
            f"value[{s}, {a}] = {number_text(v0)} with the model's reward {number_text(reward)} and next "
            f"state {ns} gives {number_text(want)}: value + alpha * (reward + gamma * "
            f"max(value[{ns}]) - value) with alpha = {alpha}, gamma = {gamma} and "
            f"max(value[{ns}]) = {number_text(max(world.value_list[ns]))}.")


@_prepared
def check_planning_makes_k_updates(f):
    """k=1 updates exactly one pair; a call with k updates never touches more than k."""
    for world in (_W_MIX_A, _W_MIX_B):
        for _ in range(15):
            table, _, _ = world.run(f, 1)
            changed = world.changed(table)
            if not changed:
                raise AssertionError(
                    f"with k=1 planning must make exactly one update, but the value table did "
                    f"not change at all when called {world.context(1)}. It seems to make fewer "
                    f"than k updates.")
            if len(changed) > 1:
                raise AssertionError(
                    f"with k=1 planning must update exactly one state-action pair, but one call "
                    f"changed {len(changed)} values ({_list_pairs(changed)}). It seems to make "
                    f"more than k updates, or to update several pairs at once.")
        for k in (3, 5):
            for _ in range(8):
                table, _, _ = world.run(f, k)
                changed = world.changed(table)
                if len(changed) > k:
                    raise AssertionError(
                        f"with k={k} planning can update at most {k} state-action pairs, but one "
                        f"call changed {len(changed)} values ({_list_pairs(changed)}).")
                if not changed:
                    raise AssertionError(
                        f"with k={k} planning must make {k} updates, but the value table did not "
                        f"change at all when called {world.context(k)}.")


def _list_pairs(pairs, limit=4):
    text = ", ".join(f"value[{s}, {a}]" for s, a in pairs[:limit])
    return text + (", ..." if len(pairs) > limit else "")


@_prepared
def check_planning_sequential_updates(f):
    """The k updates are applied one after another: a pair drawn twice is updated
    twice, the second update starting from the first one's result.

    With one state and one action every scheme draws the same pair, so one call
    with k=m must equal m successive calls with k=1 (whatever the formula).
    """
    for world in _W_SINGLE:
        loop = not isnan(world.model_list[0][0][1])
        what = ("whose next state is state 0 itself" if loop else
                "whose next state is terminal")
        one, _, _ = world.run(f, 1)
        if not world.changed(one):
            raise AssertionError(
                f"on a model with a single observed pair (state 0, action 0, {what}), "
                f"planning with k=1 did not change value[0, 0]; each of the k updates must "
                f"change the value of the pair it draws.")
        for m in (2, 3, 5):
            direct, _, _ = world.run(f, m)
            chained = world.value_list
            for _ in range(m):
                chained, _, _ = world.run(f, 1, chained)
            if not close(direct[0][0], chained[0][0]):
                raise AssertionError(
                    f"on a model with a single observed pair (state 0, action 0, {what}), one "
                    f"call with k={m} must give the same value as {m} calls with k=1 in a row: "
                    f"the k updates are applied one after the other, each starting from the "
                    f"result of the previous one, and a pair drawn several times is updated "
                    f"several times. One call gave value[0, 0] = {number_text(direct[0][0])}; {m} "
                    f"calls gave {number_text(chained[0][0])}.")


# ---------------------------------------------------------------------------
# Uniform sampling: the one statistical check
# ---------------------------------------------------------------------------
#
# Data: _UNIFORM_CALLS calls with k=1 per world. A correct implementation
# changes exactly one entry per call, at an observed pair, so each world gives
# counts c_i ~ Binomial(n, p_i) for every observed pair i, where p_i is the
# probability of pair i under the implementation's scheme H (pairs uniform, or
# state then action). Test of H: for every world w and pair i, reject when
# c_i < lo_i or c_i > hi_i, where [lo_i, hi_i] is the exact binomial
# acceptance interval with P(X < lo_i) < beta and P(X > hi_i) < beta
# (scipy.special.bdtr/bdtrc), beta = _UNIFORM_ALPHA / (2 * total pairs).
# Union bound: P(reject the true H) <= sum over cells of 2 * beta = _UNIFORM_ALPHA.
# The check fails only if BOTH schemes are rejected, so a correct submission
# (whichever scheme it uses) fails with probability <= _UNIFORM_ALPHA = 1e-10.
# ``uniform_false_failure_bound`` computes the exact sum for the tests.
# Power: ``uniform_pass_bound(distributions)`` bounds the chance a sampler passes
# whose pair probabilities in each world are ``distributions`` (sum over schemes of
# the product over worlds of the smallest per-pair acceptance probability); the
# tests require < 1e-9 for the corpus's non-uniform samplers.

_UNIFORM_ALPHA = 1e-10
_UNIFORM_CALLS = 4000
_SCHEMES = ("uniform over observed pairs",
            "uniform over observed states, then over that state's observed actions")


def scheme_probabilities(world):
    """{scheme: [probability of each observed pair, in world.observed order]}."""
    n = len(world.observed)
    per_state = {}
    for s, _ in world.observed:
        per_state[s] = per_state.get(s, 0) + 1
    return {
        _SCHEMES[0]: [1.0 / n] * n,
        _SCHEMES[1]: [1.0 / (len(per_state) * per_state[s]) for s, _ in world.observed],
    }


def _beta():
    cells = sum(len(w.observed) for w in _W_UNIFORM)
    return _UNIFORM_ALPHA / (2 * cells)


def uniform_false_failure_bound(n=_UNIFORM_CALLS):
    """Exact probability, summed over cells, that the test rejects the true scheme
    (maximum over the two schemes); the check's false-failure odds are at most this."""
    beta = _beta()
    worst = 0.0
    for scheme in _SCHEMES:
        total = sum(rejection_probability(n, p, beta) for world in _W_UNIFORM
                    for p in scheme_probabilities(world)[scheme])
        worst = max(worst, total)
    return worst


def uniform_pass_bound(distributions, n=_UNIFORM_CALLS):
    """Upper bound on the chance that a sampler passes the uniformity check.

    ``distributions``: per uniformity world, the sampler's probability of each
    observed pair (world.observed order). Bound: sum over schemes of the
    product over worlds of min over pairs of P(count in acceptance interval).
    """
    beta = _beta()
    total = 0.0
    for scheme in _SCHEMES:
        product = 1.0
        for world, q in zip(_W_UNIFORM, distributions):
            probs = scheme_probabilities(world)[scheme]
            product *= min(interval_probability(*acceptance_interval(n, p, beta), n, qi)
                           for p, qi in zip(probs, q))
        total += product
    return min(1.0, total)


@_prepared
def check_planning_samples_uniformly(f):
    """Pairs are drawn uniformly over observed pairs, or uniformly over observed
    states and then over that state's observed actions (statistical, false-failure
    odds below 1e-10)."""
    beta = _beta()
    counts_per_world = []
    for world in _W_UNIFORM:
        index = {pair: i for i, pair in enumerate(world.observed)}
        counts = [0] * len(world.observed)
        valid = 0
        for table in world.run_many(f, 1, _UNIFORM_CALLS):
            changed = world.changed(table)
            if len(changed) != 1:
                raise AssertionError(
                    f"to check how planning samples, each call with k=1 must update exactly one "
                    f"state-action pair, but one call {world.context(1)} changed "
                    f"{len(changed)} values" + (f" ({_list_pairs(changed)})" if changed else "")
                    + ", so the sampling could not be checked.")
            if changed[0] in index:
                counts[index[changed[0]]] += 1
                valid += 1
        if valid < _UNIFORM_CALLS // 10:
            raise AssertionError(
                f"in {_UNIFORM_CALLS} calls with k=1 {world.context(1)}, planning updated an "
                f"observed pair only {valid} times, so its sampling could not be checked.")
        counts_per_world.append((world, counts, valid))

    bad = {}  # scheme -> list of (world position, pair index, lo, hi)
    for scheme in _SCHEMES:
        bad[scheme] = []
        for w, (world, counts, valid) in enumerate(counts_per_world):
            probs = scheme_probabilities(world)[scheme]
            for i, (c, p) in enumerate(zip(counts, probs)):
                lo, hi = acceptance_interval(valid, p, beta)
                if not lo <= c <= hi:
                    bad[scheme].append((w, i, lo, hi))
        if not bad[scheme]:
            return  # this scheme fits every world
    raise AssertionError(_uniform_message(counts_per_world, bad, beta))


def _uniform_message(counts_per_world, bad, beta):
    both = [(w, i) for w, i, _, _ in bad[_SCHEMES[0]]
            if any((w, i) == (w2, i2) for w2, i2, _, _ in bad[_SCHEMES[1]])]
    lead = "planning does not sample the observed state-action pairs uniformly. "
    tail = (" (A correct implementation falls outside these ranges less than once in a "
            "billion runs.)")

    def setting(w):
        world, _, valid = counts_per_world[w]
        n_states = len({s for s, _ in world.observed})
        return (f"In {valid} calls with k=1 on a model with {len(world.observed)} observed "
                f"pairs in {n_states} states")

    def expected(w, i, scheme):
        world, _, valid = counts_per_world[w]
        lo, hi = acceptance_interval(valid, scheme_probabilities(world)[scheme][i], beta)
        return f"{lo} to {hi} times if sampling {scheme}"

    if both:
        w, i = both[0]
        world, counts, _ = counts_per_world[w]
        s, a = world.observed[i]
        return (lead + f"{setting(w)}, the pair (state {s}, action {a}) was updated "
                f"{counts[i]} times; it should be updated {expected(w, i, _SCHEMES[0])}, or "
                f"{expected(w, i, _SCHEMES[1])}." + tail + _counts_text(world, counts))
    parts = []
    for scheme in _SCHEMES:
        w, i, _, _ = bad[scheme][0]
        world, counts, _ = counts_per_world[w]
        s, a = world.observed[i]
        parts.append(f"{setting(w)}, the pair (state {s}, action {a}) was updated {counts[i]} "
                     f"times, but {expected(w, i, scheme)}.")
    return lead + " ".join(parts) + tail


def _counts_text(world, counts):
    parts = [f"({s}, {a}): {c}" for (s, a), c in zip(world.observed, counts)]
    return " Updates per observed pair (state, action): " + ", ".join(parts) + "."


# ---------------------------------------------------------------------------
# The check lists
# ---------------------------------------------------------------------------

CHECKS = {_MU: [
    Check("model_update_stores_observation", 1.0, check_model_update_stores_observation),
    Check("model_update_terminal_as_nan", 0.5, check_model_update_terminal_as_nan),
    Check("model_update_latest_observation_wins", 0.5, check_model_update_latest_observation_wins),
    Check("model_update_leaves_other_entries", 1.0, check_model_update_leaves_other_entries),
    Check("model_update_returns_model", 1.0, shared_check(update_returns_model, _prepared, _MU, _RETURN_CASES,
                       "the model returned by {call} does not contain the new observation: "
                       "it is identical to the model passed in.")),
], _PL: [
    Check("planning_returns_value_table", 0.5, shared_check(planning_returns_value_table, _prepared, (_W_FULL, _W_NOTERM))),
    Check("planning_k_zero_changes_nothing", 0.5, shared_check(planning_k_zero_changes_nothing, _prepared, (_W_MIX_A, _W_NOTERM),
                       _W_NOTERM)),
    Check("planning_leaves_model_unchanged", 0.5, shared_check(planning_leaves_model_unchanged, _prepared,
                       ((_W_MIX_A, 4), (_W_ALLTERM, 2), (_W_FULL, 1)), 3, _entry)),
    Check("planning_updates_only_observed_pairs", 1.0, shared_check(planning_updates_only_known_pairs, _prepared, (_W_MIX_A, _W_MIX_B),
                       _unobserved, ("an observed state-action pair", "observed pairs"))),
    Check("planning_q_learning_update", 1.0, check_planning_q_learning_update),
    Check("planning_makes_k_updates", 1.0, check_planning_makes_k_updates),
    Check("planning_samples_uniformly", 1.0, check_planning_samples_uniformly),
    Check("planning_sequential_updates", 0.5, check_planning_sequential_updates),
]}
