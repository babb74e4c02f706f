"""Hidden property checks for the graded functions of the decision-time planning notebook.

Built on ``check_kit``, shipped next to this file (and numpy, the standard library);
the hidden tests pick checks from ``CHECKS[function]``.

Public API
    CHECKS = {"rollout_return": [...], "ucb_score": [...]}   ordered checks (4 and 2 points)

Both functions are deterministic, so every check compares the student's answer with a
reference computed here in plain Python, on many seeded random models, up to float
rounding (1e-9 relative): a loop with a running discount, ``gamma ** t``, a vectorised
dot product or a recursion all pass. Every check seeds ``np.random`` and ``random``
first. When a wrong answer equals what a typical mistake would give, the message says so.
"""

import math

from check_kit import (INF, NAN, Check, Random, as_number, call_student, close, np_array,
                       number_text, seeded)

SEED = 2024
_RR = "rollout_return"
_UCB = "ucb_score"


_prepared = seeded(SEED)


# ---------------------------------------------------------------------------
# rollout_return: cases
# ---------------------------------------------------------------------------

def _reference_return(model, state, actions, gamma, values, *, first_discount=1.0,
                      discount_rewards=True, bootstrap=True, bootstrap_shift=0,
                      stop_at_untried=True):
    """The documented return, or (with the keyword changes) a typical mistake's."""
    total, discount, steps = 0.0, first_discount, 0
    for action in actions:
        reward, next_state = model[state][action]
        if reward != reward:
            if not stop_at_untried:
                return NAN
            break
        total += (discount if discount_rewards else 1.0) * reward
        discount *= gamma
        steps += 1
        if next_state != next_state:
            return total
        state = int(next_state)
    if not bootstrap:
        return total
    return total + gamma ** max(steps + bootstrap_shift, 0) * values[state]


_MISTAKES = (
    ({"discount_rewards": False},
     "It equals the sum of the rewards without discounting: the reward of step t must be "
     "multiplied by gamma to the power t."),
    ({"first_discount": None},
     "It equals the answer with every reward discounted once too often: the first reward "
     "counts in full (gamma to the power 0)."),
    ({"bootstrap": False},
     "It equals the discounted rewards alone: when the rollout stops without the episode "
     "ending, add gamma to the power of the number of steps taken times the value of the "
     "state where it stopped."),
    ({"bootstrap_shift": -1},
     "It equals the answer with the final state's value discounted once too little: after "
     "T steps its weight is gamma to the power T."),
    ({"bootstrap_shift": 1},
     "It equals the answer with the final state's value discounted once too often: after "
     "T steps its weight is gamma to the power T."),
)


class _RolloutCase:
    """One call of rollout_return on a seeded random model."""

    def __init__(self, rng, kind, as_array):
        self.n_states = rng.randrange(5, 13)
        self.n_actions = rng.choice((2, 3, 4))
        self.gamma = rng.choice((0.5, 0.8, 0.9, 0.95, 0.7))
        self.kind = kind
        n = self.n_states
        # every pair tried, none terminal; the case's kind then edits the path
        self.model = [[[self._reward(rng), float(rng.randrange(n))] for _ in range(self.n_actions)]
                      for _ in range(n)]
        if kind == "rewards":
            self.values = [0.0] * n
        else:
            self.values = [round(rng.uniform(-2.0, 2.0), 4) or 0.5 for _ in range(n)]
        self.state = rng.randrange(n)
        length = 0 if kind == "empty" else rng.randrange(2, 6)
        self.actions = [rng.randrange(self.n_actions) for _ in range(length)]
        if kind in ("terminal", "untried"):
            # the pair reached at step `stop` ends the episode / was never tried;
            # later actions would add more if they were (wrongly) followed
            stop = rng.randrange(length - 1)
            state = self.state
            for t in range(stop):
                state = int(self.model[state][self.actions[t]][1])
            if kind == "terminal":
                self.model[state][self.actions[stop]][1] = NAN
            else:
                self.model[state][self.actions[stop]] = [NAN, NAN]
            self.actions += [rng.randrange(self.n_actions) for _ in range(2)]
        self.as_array = as_array
        self.expected = _reference_return(self.model, self.state, self.actions, self.gamma,
                                          self.values)

    @staticmethod
    def _reward(rng):
        return rng.choice((-1.0, 0.0, 1.0, 0.5, -0.25, round(rng.uniform(-1.5, 1.5), 3)))

    def call_text(self):
        actions = f"np.array({self.actions})" if self.as_array else str(self.actions)
        return f"{_RR}(model, state={self.state}, actions={actions}, gamma={self.gamma}, state_values)"

    def context(self):
        return f"as {self.call_text()} on a model of {self.n_states} states and {self.n_actions} actions"

    def path_text(self):
        """The model's answer along the sequence, in words."""
        steps, state, stop, ended = [], self.state, "", False
        for action in self.actions:
            reward, next_state = self.model[state][action]
            if reward != reward:
                stop = f"; in state {state} action {action} was never tried, so the rollout stops"
                break
            if next_state != next_state:
                steps.append(f"state {state}, action {action}: reward {number_text(reward)}, the "
                             "episode ends")
                ended = True
                break
            steps.append(f"state {state}, action {action}: reward {number_text(reward)}, next state "
                         f"{int(next_state)}")
            state = int(next_state)
        walk = "; ".join(steps) if steps else "no step is taken"
        tail = "" if ended else f"; state_values[{state}] = {number_text(self.values[state])}"
        return f"the model gives: {walk}{stop}{tail}"

    def run(self, func):
        model = np_array(self.model, dtype=float)
        actions = np_array(self.actions, dtype=int) if self.as_array else list(self.actions)
        values = np_array(self.values, dtype=float)
        result = call_student(func, _RR, (model, self.state, actions, self.gamma, values), self.context())
        return as_number(result)

    def mistake_hint(self, got):
        for changes, hint in _MISTAKES:
            changes = dict(changes)
            if changes.get("first_discount", 1.0) is None:
                changes["first_discount"] = self.gamma
            wrong = _reference_return(self.model, self.state, self.actions, self.gamma,
                                      self.values, **changes)
            if close(got, wrong) and not close(wrong, self.expected):
                return " " + hint
        return ""


def _cases(seed, kind, count):
    rng = Random(seed)
    return [_RolloutCase(rng, kind, as_array=bool(i % 2)) for i in range(count)]


_REWARD_CASES = _cases(101, "rewards", 30)
_BOOTSTRAP_CASES = _cases(102, "bootstrap", 30) + _cases(103, "empty", 4)
_TERMINAL_CASES = _cases(104, "terminal", 30)
_UNTRIED_CASES = _cases(105, "untried", 30)


def _check_rollout_cases(f, cases, rule):
    for case in cases:
        got, problem = case.run(f)
        if problem is not None:
            raise AssertionError(
                f"{_RR} must return one number, but {case.call_text()} returned {problem}.")
        if close(got, case.expected):
            continue
        raise AssertionError(
            f"{rule} {case.call_text()} on a model of {case.n_states} states should return "
            f"{number_text(case.expected)} ({case.path_text()}), but your function returned "
            f"{number_text(got)}.{case.mistake_hint(got)}")


@_prepared
def check_rollout_returns_a_number(f):
    """The function returns one number (a float, or anything that reads as one)."""
    for case in (_REWARD_CASES[0], _REWARD_CASES[1], _BOOTSTRAP_CASES[-1]):
        _, problem = case.run(f)
        if problem is not None:
            raise AssertionError(
                f"{_RR} must return one number (the return of the rollout), but "
                f"{case.call_text()} returned {problem}."
                + (" Add a return statement at the end." if problem == "None" else ""))


@_prepared
def check_rollout_discounted_rewards(f):
    """Along tried pairs, with all state values 0: the rewards met by following the
    model's next states, the reward of step t weighted by gamma ** t."""
    _check_rollout_cases(f, _REWARD_CASES,
                         "Following the model's next states and discounting the reward of step t "
                         "by gamma to the power t (all state values are 0 here),")


@_prepared
def check_rollout_bootstraps_at_the_end(f):
    """When the actions run out, gamma ** T times the value of the state reached is added;
    with no actions at all the answer is the start state's value."""
    _check_rollout_cases(f, _BOOTSTRAP_CASES,
                         "When the actions run out after T steps, gamma to the power T times the "
                         "value of the state reached must be added:")


@_prepared
def check_rollout_stops_at_episode_end(f):
    """After a step whose next state is NaN (the episode ended) nothing more is added:
    no later reward and no state value."""
    _check_rollout_cases(f, _TERMINAL_CASES,
                         "A step whose next state is NaN ends the episode, so nothing is added "
                         "after its reward (no later reward, no state value):")


@_prepared
def check_rollout_stops_at_untried_pair(f):
    """At a never-tried pair (NaN reward) the rollout stops and adds gamma ** T times the
    value of the state it stopped in (T = steps taken before it)."""
    _check_rollout_cases(f, _UNTRIED_CASES,
                         "At a pair the model has never tried (NaN reward) the rollout stops and "
                         "adds gamma to the power of the steps taken times the value of the state "
                         "it stopped in:")


# ---------------------------------------------------------------------------
# ucb_score
# ---------------------------------------------------------------------------

def _ucb_reference(total_return, visits, parent_visits, c):
    if visits == 0:
        return INF
    return total_return / visits + c * math.sqrt(math.log(parent_visits) / visits)


def _ucb_text(args):
    total, visits, parent, c = args
    return (f"{_UCB}(total_return={total!r}, visits={visits}, parent_visits={parent}, c={c!r})")


_UCB_UNVISITED = [(0.0, 0, 0, 0.5), (0.0, 0, 1, 1.0), (0.0, 0, 7, 0.2), (0.0, 0, 40, 2.0)]


def _ucb_cases(seed, count, c_zero):
    rng = Random(seed)
    cases = []
    for _ in range(count):
        visits = rng.randrange(1, 30)
        parent = visits + rng.randrange(0, 60)
        total = round(rng.uniform(-1.0, 1.0) * visits, 4)
        c = 0.0 if c_zero else rng.choice((0.1, 0.2, 0.5, 1.0, 1.4, 2.0))
        cases.append((total, visits, parent, c))
    return cases


_UCB_AVERAGE = [(3.0, 4, 10, 0.0), (-2.5, 5, 5, 0.0)] + _ucb_cases(201, 20, c_zero=True)
_UCB_BONUS = [(0.0, 1, 1, 1.0), (0.0, 4, 20, 1.0), (2.0, 2, 9, 0.5)] + _ucb_cases(202, 30, False)


def _ucb_hint(args, got):
    total, visits, parent, c = args
    if visits == 0:
        return ""
    mean = total / visits
    variants = (
        (mean + c * math.sqrt(math.log10(parent) / visits),
         " It matches a base-10 logarithm: use the natural logarithm (math.log or np.log)."),
        (mean + c * math.sqrt(math.log(parent)) / visits,
         " It matches dividing by the visits outside the square root: the square root covers "
         "the logarithm divided by the visits."),
        (mean + c * math.log(parent) / visits,
         " It matches a bonus without the square root."),
        (total + c * math.sqrt(math.log(parent) / visits),
         " It matches the total return instead of the average return (divide by visits)."),
        (mean + c * math.sqrt(math.log(visits) / parent) if parent else NAN,
         " It matches the visit counts swapped: the logarithm is of the parent's visits."),
    )
    for wrong, hint in variants:
        if close(got, wrong):
            return hint
    return ""


def _check_ucb_cases(f, cases, rule):
    for args in cases:
        result = call_student(f, _UCB, args, f"as {_ucb_text(args)}")
        got, problem = as_number(result)
        if problem is not None:
            raise AssertionError(f"{_UCB} must return one number, but {_ucb_text(args)} "
                                 f"returned {problem}.")
        want = _ucb_reference(*args)
        if not close(got, want):
            raise AssertionError(f"{rule} {_ucb_text(args)} should return {number_text(want)}, but your "
                                 f"function returned {number_text(got)}.{_ucb_hint(args, got)}")


@_prepared
def check_ucb_unvisited_is_infinite(f):
    """An action never visited scores plus infinity, so every action is tried once."""
    _check_ucb_cases(f, _UCB_UNVISITED,
                     "An action with no visits must score plus infinity (float('inf')), so the "
                     "search tries it first:")


@_prepared
def check_ucb_average_return(f):
    """With c = 0 the score is the average return, total_return / visits."""
    _check_ucb_cases(f, _UCB_AVERAGE,
                     "With c = 0 the score is the average return, total_return / visits:")


@_prepared
def check_ucb_exploration_bonus(f):
    """The score adds c * sqrt(ln(parent_visits) / visits) to the average return."""
    _check_ucb_cases(f, _UCB_BONUS,
                     "The score is the average return plus c times the square root of the "
                     "natural logarithm of parent_visits divided by visits:")


CHECKS = {
    "rollout_return": [
        Check("rollout_returns_a_number", 0.5, check_rollout_returns_a_number),
        Check("rollout_discounted_rewards", 1.0, check_rollout_discounted_rewards),
        Check("rollout_bootstraps_at_the_end", 1.0, check_rollout_bootstraps_at_the_end),
        Check("rollout_stops_at_episode_end", 0.5, check_rollout_stops_at_episode_end),
        Check("rollout_stops_at_untried_pair", 1.0, check_rollout_stops_at_untried_pair),
    ],
    "ucb_score": [
        Check("ucb_unvisited_is_infinite", 0.5, check_ucb_unvisited_is_infinite),
        Check("ucb_average_return", 0.5, check_ucb_average_return),
        Check("ucb_exploration_bonus", 1.0, check_ucb_exploration_bonus),
    ],
}
