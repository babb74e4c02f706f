"""Hidden property checks for ``dyna_q_plus_planning`` (bonus notebook 06, Dyna-Q+).

Built on ``check_kit`` (and numpy, the standard library) and on ``dynaq_checks``,
whose planning checks it reuses; the hidden tests pick checks from ``CHECKS[function]``.

Public API
    CHECKS = {"dyna_q_plus_planning": [Check, ...]}   (5 points in all)

Decisions
- With kappa = 0 and every elapsed time 0, Dyna-Q+ planning *is* Dyna-Q planning. The
  eight planning checks of ``dynaq_checks`` therefore run on the student's function
  called that way (at half their points there); their messages name this function.
- The bonus checks use worlds where planning updates cannot interact (observed pairs
  lead only to terminal or unobserved states), so a value is right when it equals one
  to three correct updates of its own pair (robust to an off-by-one k, which the
  reused checks judge). The exact expected values are computed here, formula-free of
  the student's code; common wrong formulas are recognised and named in the message.
- Every check seeds ``np.random`` and ``random`` first; no check is statistical
  except the reused uniformity check (false-failure odds below 1e-10).
"""

import numpy as np

import dynaq_checks
from check_kit import (NAN, Check, Random, as_float_array, call_student, changed_pairs, close, isnan,
                       np_array, np_asarray, np_zeros, number_text, same, seeded, sqrt,
                       with_arguments)

SEED = 24680
_FN = "dyna_q_plus_planning"


_prepared = seeded(SEED)


# ---------------------------------------------------------------------------
# Part 1: with kappa = 0, the planning checks of Dyna-Q
# ---------------------------------------------------------------------------

_KAPPA_ZERO_NOTE = (" (This check calls your function with kappa = 0 and every elapsed time 0: "
                    "without a bonus, Dyna-Q+ planning must do exactly what Dyna-Q planning "
                    "does.)")


def _without_bonus(student_function):
    """The student's Dyna-Q+ planner seen as a Dyna-Q planner: kappa 0, elapsed all 0."""
    def dyna_q_arguments(model, value, params):
        return model, value, np_zeros(np_asarray(model).shape[:2]), dict(params, kappa=0.0)
    return with_arguments(student_function, dyna_q_arguments)


def _kappa_zero_check(check):
    """A Dyna-Q planning check run on the student's function with kappa = 0."""
    def run(student_function):
        try:
            check.func(_without_bonus(student_function))
        except AssertionError as failure:
            message = str(failure).replace("dyna_q_planning", _FN).rstrip()
            raise AssertionError(message + _KAPPA_ZERO_NOTE) from None
    run.__doc__ = f"With kappa = 0 (no bonus): {check.description[:1].lower()}{check.description[1:]}"
    return Check("kappa0_" + check.name.removeprefix("planning_"), check.points / 2, run)


# ---------------------------------------------------------------------------
# Part 2: the bonus. Small helpers
# ---------------------------------------------------------------------------

def _as_table(obj, shape):
    """Nested list of floats if ``obj`` reads as a number array of ``shape``, else None."""
    array, _ = as_float_array(obj, shape)
    return None if array is None else array.tolist()


class _BonusWorld:
    """A model, value table and elapsed times whose observed pairs lead only to
    terminal or unobserved states, so planning updates cannot interact."""

    def __init__(self, seed, n_states, observed, kappa, alpha, gamma):
        """``observed``: (state, action, reward, next state or None, elapsed) tuples."""
        rng = Random(seed)
        self.S, self.A = n_states, 4
        self.kappa, self.alpha, self.gamma = kappa, alpha, gamma
        self.model_list = [[[NAN, NAN] for _ in range(self.A)] for _ in range(self.S)]
        used = {e for *_, e in observed}
        self.elapsed_list = [[0.0] * self.A for _ in range(self.S)]
        for s in range(self.S):
            for a in range(self.A):
                e = float(rng.randrange(1, 500))
                while e in used:
                    e = float(rng.randrange(1, 500))
                used.add(e)
                self.elapsed_list[s][a] = e
        for s, a, reward, next_state, elapsed in observed:
            self.model_list[s][a] = [float(reward),
                                     NAN if next_state is None else float(next_state)]
            self.elapsed_list[s][a] = float(elapsed)
        self.observed = [(s, a) for s, a, *_ in observed]
        observed_states = {s for s, _ in self.observed}
        assert all(next_state is None or next_state not in observed_states
                   for _, _, _, next_state, _ in observed)
        while True:  # every correct update, and every named wrong one, is told apart
            self.value_list = [[round(rng.uniform(-1.5, 1.5), 4) for _ in range(self.A)]
                               for _ in range(self.S)]
            if all(self._well_separated(s, a) for s, a in self.observed):
                break
        self._model = np_array(self.model_list, dtype=float)
        self._value = np_array(self.value_list, dtype=float)
        self._elapsed = np_array(self.elapsed_list, dtype=float)

    def _well_separated(self, s, a):
        options = list(self.wrong_first_updates(s, a).values()) + [self.value_list[s][a]]
        right = self.updates(s, a, self.kappa * sqrt(self.elapsed_list[s][a]))
        return all(abs(x - y) > 1e-4 for x in options for y in right)

    def context(self, k):
        return (f"with k={k} and kappa={self.kappa} on a model of {self.S} states and "
                f"{self.A} actions where {len(self.observed)} state-action "
                f"pair{'s have' if len(self.observed) > 1 else ' has'} been observed")

    def params(self, k):
        return {"k": k, "alpha": self.alpha, "gamma": self.gamma, "kappa": self.kappa}

    def run(self, func, k):
        """(value table produced, model argument after, elapsed argument after)."""
        model, value, elapsed = self._model.copy(), self._value.copy(), self._elapsed.copy()
        returned = call_student(func, _FN, (model, value, elapsed, self.params(k)), self.context(k))
        table = _as_table(returned, (self.S, self.A))
        if table is None:
            table = _as_table(value, (self.S, self.A))
            if table is None:
                raise AssertionError(
                    f"your {_FN} returned no value table of shape ({self.S}, {self.A}) when "
                    f"called {self.context(k)}, and the table it was given lost that shape.")
        return table, model, elapsed

    def changed(self, table):
        return changed_pairs(self._value, np_array(table, dtype=float))

    def bootstrap(self, s, a):
        next_state = self.model_list[s][a][1]
        return 0.0 if isnan(next_state) else max(self.value_list[int(next_state)])

    def updates(self, s, a, bonus, n=3):
        """Values of (s, a) after 1..n updates with reward + ``bonus``."""
        target = self.model_list[s][a][0] + bonus + self.gamma * self.bootstrap(s, a)
        v, out = self.value_list[s][a], []
        for _ in range(n):
            v = v + self.alpha * (target - v)
            out.append(v)
        return out

    def wrong_first_updates(self, s, a):
        """{what went wrong: value after one update done that way}."""
        e, kappa = self.elapsed_list[s][a], self.kappa
        plain = self.updates(s, a, 0.0, 1)[0]
        wrong = {
            "the bonus is missing: the update used the model's reward alone": plain,
            "the bonus was kappa * elapsed, without the square root": self.updates(s, a, kappa * e, 1)[0],
            "the bonus was sqrt(kappa * elapsed) instead of kappa * sqrt(elapsed)":
                self.updates(s, a, sqrt(kappa * e), 1)[0],
            "the bonus was subtracted from the reward instead of added":
                self.updates(s, a, -kappa * sqrt(e), 1)[0],
            "the bonus was added to the value after the update instead of to the reward":
                plain + kappa * sqrt(e),
        }
        return {text: v for text, v in wrong.items()
                if not close(v, self.updates(s, a, kappa * sqrt(e), 1)[0])}

    def wrong_pair(self, s, a, got):
        """Another pair whose elapsed time explains ``got``, or None."""
        for s2 in range(self.S):
            for a2 in range(self.A):
                if (s2, a2) != (s, a) and any(
                        close(got, v) for v in
                        self.updates(s, a, self.kappa * sqrt(self.elapsed_list[s2][a2]))):
                    return s2, a2
        return None

    def verdict(self, s, a, got, k):
        """None if ``got`` is 1 to 3 correct updates of (s, a), else a message."""
        e = self.elapsed_list[s][a]
        bonus = self.kappa * sqrt(e)
        if any(close(got, v) for v in self.updates(s, a, bonus)):
            return None
        reward, next_state = self.model_list[s][a]
        v0 = self.value_list[s][a]
        want = self.updates(s, a, bonus, 1)[0]
        boot = ("a terminal next state (nothing to bootstrap from)" if isnan(next_state) else
                f"next state {int(next_state)} (max of its values "
                f"{number_text(self.bootstrap(s, a))})")
        message = (f"planning set value[{s}, {a}] to {number_text(got)}, but one Dyna-Q+ update of "
                   f"value[{s}, {a}] = {number_text(v0)} gives {number_text(want)}: the model's reward "
                   f"{number_text(reward)} plus the bonus kappa * sqrt(elapsed[{s}, {a}]) = {self.kappa:g}"
                   f" * sqrt({number_text(e)}) = {number_text(bonus)}, with {boot}, alpha = {self.alpha} and "
                   f"gamma = {self.gamma}.")
        for text, v in self.wrong_first_updates(s, a).items():
            if close(got, v):
                return message + f" It seems {text}."
        other = self.wrong_pair(s, a, got)
        if other is not None:
            return message + (f" It seems the bonus used the elapsed time of another pair, "
                              f"elapsed[{other[0]}, {other[1]}] = {number_text(self.elapsed_list[other[0]][other[1]])}"
                              f": use the elapsed time of the pair being updated.")
        if k > 1:
            message += (" A pair drawn twice in one call gets the same bonus both times: "
                        "planning changes neither the model nor the elapsed times.")
        return message



# Single observed pair: the only pair any scheme can draw.
_W_SINGLE = (
    _BonusWorld(201, 6, [(2, 1, 0.0, 4, 16)], kappa=0.05, alpha=0.5, gamma=0.8),
    _BonusWorld(202, 7, [(5, 3, -1.0, None, 9)], kappa=0.1, alpha=0.3, gamma=0.9),
    _BonusWorld(203, 9, [(0, 2, 1.0, 6, 30)], kappa=0.02, alpha=0.7, gamma=0.5),
    _BonusWorld(204, 5, [(3, 0, -0.4, 1, 0)], kappa=0.2, alpha=0.5, gamma=0.8),
    _BonusWorld(205, 8, [(6, 2, 0.25, None, 400)], kappa=0.001, alpha=0.25, gamma=0.95),
)
# Several observed pairs (states 0-3) with their own elapsed times, all leading to
# unobserved states (4-7) or ending the episode.
_W_PAIRS = _BonusWorld(
    211, 8,
    [(0, 1, 0.0, 5, 25), (0, 3, -1.0, None, 3), (1, 0, 0.5, 7, 144), (1, 2, 0.0, 4, 1),
     (2, 2, 1.0, None, 60), (3, 0, -0.3, 6, 0), (3, 1, 0.0, 5, 300), (3, 3, 0.75, 4, 8)],
    kappa=0.05, alpha=0.5, gamma=0.8)


def _judge_bonus(world, f, k, repeats):
    """Check every changed observed pair of ``repeats`` calls; return how many were judged."""
    judged = 0
    observed = set(world.observed)
    for _ in range(repeats):
        table, _, _ = world.run(f, k)
        for s, a in world.changed(table):
            if (s, a) not in observed:
                continue  # judged by the "only observed pairs" check
            problem = world.verdict(s, a, table[s][a], k)
            if problem:
                raise AssertionError(problem)
            judged += 1
    return judged


# ---------------------------------------------------------------------------
# Bonus checks
# ---------------------------------------------------------------------------

@_prepared
def check_bonus_added_to_reward(f):
    """Each planning update is Q-learning with reward + kappa * sqrt(elapsed[s, a]) as
    its reward (no bootstrap from a terminal next state), alpha and gamma from params."""
    judged = sum(_judge_bonus(world, f, 1, 8) for world in _W_SINGLE)
    if judged == 0:
        raise AssertionError(
            f"{_FN} never changed the value of the only observed state-action pair with k=1, "
            "so the bonus could not be checked: each planning update must change the value "
            "it updates.")


@_prepared
def check_bonus_of_sampled_pair(f):
    """The bonus of an update uses the elapsed time of the pair being updated."""
    if _judge_bonus(_W_PAIRS, f, 2, 40) == 0:
        raise AssertionError(
            f"{_FN} never changed the value of an observed state-action pair (k=2, 40 "
            "calls), so the bonus of each pair could not be checked.")


def _unchanged_check(what, name, position, shape_of):
    """A check that planning leaves its argument ``name`` (``what``) as it was."""
    @_prepared
    def check(f):
        any_update = False
        for world, k, repeats in [(_W_PAIRS, 3, 6)] + [(w, 2, 1) for w in _W_SINGLE]:
            for _ in range(repeats):
                table, *after = world.run(f, k)
                any_update = any_update or bool(world.changed(table))
                before = (world.model_list, world.elapsed_list)[position]
                argument = after[position]
                if tuple(argument.shape) != shape_of(world):
                    raise AssertionError(
                        f"planning must not modify {what}, but after a call "
                        f"{world.context(k)} its shape changed.")
                flat_before = np.ravel(np_array(before, dtype=float)).tolist()
                flat_after = np.ravel(argument).tolist()
                for i, (old, new) in enumerate(zip(flat_before, flat_after)):
                    if not same(old, new):
                        index = np.unravel_index(i, shape_of(world))
                        where = ", ".join(str(int(j)) for j in index)
                        raise AssertionError(
                            f"planning must not modify {what}, but after a call "
                            f"{world.context(k)}, {name}[{where}] changed from "
                            f"{number_text(old)} to {number_text(new)}."
                            + (" Work on a copy if you add the bonus to rewards read from "
                               "the model." if position == 0 else
                               " Only the learning loop updates the elapsed times."))
        if not any_update:
            raise AssertionError(
                f"{_FN} never changed the value table, so leaving {what} alone cannot be "
                "credited yet: with k > 0 planning must update values.")
    return check


check_elapsed_unchanged = _unchanged_check("the elapsed times", "elapsed", 1,
                                           lambda w: (w.S, w.A))
check_elapsed_unchanged.__doc__ = "Planning reads the elapsed times but never modifies them."
check_model_unchanged_with_bonus = _unchanged_check("the model", "model", 0,
                                                    lambda w: (w.S, w.A, 2))
check_model_unchanged_with_bonus.__doc__ = ("With a bonus (kappa > 0) planning still never "
                                            "modifies the model.")


# ---------------------------------------------------------------------------
# The check list
# ---------------------------------------------------------------------------

CHECKS = {
    _FN: [_kappa_zero_check(check) for check in dynaq_checks.CHECKS["dyna_q_planning"]] + [
        Check("bonus_added_to_reward", 1.0, check_bonus_added_to_reward),
        Check("bonus_of_sampled_pair", 0.5, check_bonus_of_sampled_pair),
        Check("elapsed_unchanged", 0.25, check_elapsed_unchanged),
        Check("model_unchanged_with_bonus", 0.25, check_model_unchanged_with_bonus),
    ],
}
