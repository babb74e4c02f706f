"""Q-planning and models of a slippery world (bonus notebook 5): the machinery around the students'
functions, not the functions themselves.

What is here:
- empty models: the tutorial's last-outcome model and the count model, and what each
  one believes the outcome probabilities are;
- `ExactJudge`: exact answers from the world's transition probabilities
  (`get_all_outcomes`): the optimal action values (value iteration) and the return the
  greedy policy of a value table really gets (policy evaluation), so a value table is
  judged without running extra episodes;
- experiments as plain functions that return arrays over seeds: Q-planning on a model
  built from a batch of sampled transitions, and Dyna-Q, both measured against the
  number of value updates;
- plots that take those arrays.

The count model is one array of shape `(n_states, n_actions, n_states + 1, 2)`:
`model[s, a, j]` holds `(count, total reward)` of the outcome "next state j" after action
a in state s, where `j = n_states` stands for "the episode ended". Updating the model and
planning with it are the students' exercises: every loop here takes their functions as
arguments, as `learn_environment` does. In Sutton and Barto's terms the count model is a
*distribution model* (it gives every outcome's probability); planning uses it as a
*sample model*, drawing one outcome per update, hence the names `sample_model_*`.
"""

import numpy as np

from .learning import learn_environment
from .plotting import plot_runs_with_spread
from .worlds import QuentinsWorld

SLIP = 0.2       # the slippery world: one move in five goes in a random direction


# ---------------------------------------------------------------------------
# The two kinds of model
# ---------------------------------------------------------------------------

def empty_last_outcome_model(n_states, n_actions):
    """The tutorial's model: `(reward, next_state)` of the last outcome, NaN if none."""
    return np.full((n_states, n_actions, 2), np.nan)


def empty_sample_model(n_states, n_actions):
    """A count model that has seen nothing: every count and reward 0."""
    return np.zeros((n_states, n_actions, n_states + 1, 2))


def sample_model_probabilities(model):
    """What a count model believes: each outcome's share of its pair's
    count, shape `(n_states, n_actions, n_states + 1)`; unseen pairs get all zeros."""
    counts = np.asarray(model, dtype=float)[..., 0]
    totals = counts.sum(axis=-1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def last_outcome_probabilities(model):
    """What a last-outcome model believes: probability 1 on the remembered outcome,
    shape `(n_states, n_actions, n_states + 1)`; unseen pairs get all zeros."""
    model = np.asarray(model, dtype=float)
    n_states, n_actions = model.shape[:2]
    probabilities = np.zeros((n_states, n_actions, n_states + 1))
    states, actions = np.nonzero(~np.isnan(model[..., 0]))
    next_states = model[states, actions, 1]
    columns = np.where(np.isnan(next_states), n_states, np.nan_to_num(next_states)).astype(int)
    probabilities[states, actions, columns] = 1.0
    return probabilities


# ---------------------------------------------------------------------------
# Exact answers from the world's transition probabilities
# ---------------------------------------------------------------------------

class ExactJudge:
    """Judges value tables with the world's exact transition probabilities.

    Built once per world and discount (value iteration runs here); then
    `value_loss(value)` and `start_fraction(value)` are a linear solve each.
    """

    def __init__(self, env, gamma, tolerance=1e-12):
        self.n_states, self.n_actions = env.n_states, env.n_actions
        self.start = env.init_state
        self.gamma = gamma
        self.probabilities = np.zeros((env.n_states, env.n_actions, env.n_states + 1))
        self.expected_reward = np.zeros((env.n_states, env.n_actions))
        for (state, action), outcomes in env.get_all_outcomes().items():
            for probability, next_state, reward in outcomes:
                column = env.n_states if next_state is None else next_state
                self.probabilities[state, action, column] += probability
                self.expected_reward[state, action] += probability * reward
        self.optimal = self._value_iteration(tolerance)

    def _value_iteration(self, tolerance):
        to_states = self.probabilities[..., :self.n_states]     # the end is worth 0
        value = np.zeros((self.n_states, self.n_actions))
        while True:
            new = self.expected_reward + self.gamma * to_states @ value.max(axis=1)
            if np.abs(new - value).max() < tolerance:
                return new
            value = new

    def greedy_values(self, value):
        """The expected discounted return from each state of the greedy policy of
        `value` (ties go to the first action, as in `epsilon_greedy`)."""
        states = np.arange(self.n_states)
        greedy = np.asarray(value).argmax(axis=1)
        to_states = self.probabilities[states, greedy, :self.n_states]
        return np.linalg.solve(np.eye(self.n_states) - self.gamma * to_states,
                               self.expected_reward[states, greedy])

    def value_loss(self, value):
        """Return lost by the greedy policy of `value` against the best policy, averaged
        over all states: the mean of V*(s) - V_greedy(s); 0 when it is optimal."""
        return float(np.mean(self.optimal.max(axis=1) - self.greedy_values(value)))

    def start_fraction(self, value):
        """The greedy policy's return from the start as a fraction of the best possible
        (1: an optimal route; 0: it never arrives; below 0: it pays more than it earns).
        Only meaningful where the best return from the start is positive."""
        return float(self.greedy_values(value)[self.start] / self.optimal[self.start].max())

    def model_error(self, probabilities):
        """How wrong a model's outcome probabilities are: the total variation distance
        to the world's, averaged over pairs (0 exact, 1 entirely wrong)."""
        return float(0.5 * np.abs(probabilities - self.probabilities).sum(axis=-1).mean())


# ---------------------------------------------------------------------------
# Building a model from a batch of sampled transitions
# ---------------------------------------------------------------------------

def sample_every_pair(env, n_per_pair, seed):
    """Try every state-action pair `n_per_pair` times, in a random order, and return the
    transitions as a list of `(state, action, reward, next_state)`.

    The world acts as a simulator that can be asked about any pair. The order comes
    from a generator seeded with `seed`; slips come from the world's own generator.
    """
    rng = np.random.default_rng(seed)
    pairs = [(s, a) for s in range(env.n_states) for a in range(env.n_actions)] * n_per_pair
    transitions = []
    for index in rng.permutation(len(pairs)):
        state, action = pairs[index]
        next_state, reward = env.get_outcome(state, action)
        transitions.append((state, action, reward, next_state))
    return transitions


def build_model(model_updater, model, transitions):
    """Feed `transitions` to `model_updater` one by one; return the model."""
    for state, action, reward, next_state in transitions:
        model = model_updater(model, state, action, reward, next_state)
    return model


# ---------------------------------------------------------------------------
# Q-planning and Dyna-Q against the number of value updates
# ---------------------------------------------------------------------------

def q_planning_curve(planner, model, params, checkpoints, measure):
    """Q-planning: run `planner` on `model` with no real step at all, and return
    `measure(value)` once the number of updates reaches each of `checkpoints`.

    The planner draws pairs uniformly among the pairs its model has seen. Given a model
    of every pair, that is Sutton and Barto's random-sample one-step Q-planning.
    """
    n_states, n_actions = np.shape(model)[:2]
    value = np.ones((n_states, n_actions))
    done, results = 0, []
    for checkpoint in checkpoints:
        value = planner(model, value, dict(params, k=int(checkpoint - done)))
        done = checkpoint
        results.append(measure(value))
    return np.array(results)


class _BudgetSpent(Exception):
    """Stops the learning loop once the last checkpoint is reached."""


def dyna_q_curve(env, model_updater, planner, params, checkpoints, measure, model=None):
    """Dyna-Q in `env` until `checkpoints[-1]` value updates, where each real step makes
    one update and its planning `params['k']` more. Returns `measure(value)` when the
    number of updates first reaches each checkpoint. `model`: the empty model to start
    from (default: the tutorial's last-outcome model)."""
    checkpoints = list(checkpoints)
    results, done = [], 0

    def planner_that_counts(model, value, params):
        nonlocal done
        value = planner(model, value, params)
        done += 1 + params["k"]
        while len(results) < len(checkpoints) and done >= checkpoints[len(results)]:
            results.append(measure(value))
        if len(results) == len(checkpoints):
            raise _BudgetSpent
        return value

    try:
        learn_environment(env, model_updater, planner_that_counts, params,
                          max_steps=10 ** 6, n_episodes=10 ** 6, model=model)
    except _BudgetSpent:
        pass
    return np.array(results)


def compare_at_equal_updates(agents, seeds, checkpoints, measure, progress=True):
    """Run each agent once per seed and collect its curve of `measure`.

    `agents`: `{label: run}` where `run(seed, checkpoints, measure)` returns one curve
    (`q_planning_curve` or `dyna_q_curve` with everything else fixed). Each run starts
    with `np.random.seed(seed)`. Returns `{label: array of shape (len(seeds),
    len(checkpoints))}`, with one more axis when `measure` returns several numbers.
    """
    from tqdm.auto import tqdm  # here, not at the top: in a notebook it loads ipywidgets

    curves = {label: [] for label in agents}
    with tqdm(total=len(agents) * len(seeds), desc="runs", unit="run",
              disable=not progress) as bar:
        for label, run in agents.items():
            bar.set_postfix_str(label)
            for seed in seeds:
                np.random.seed(seed)
                curves[label].append(run(seed, checkpoints, measure))
                bar.update()
    return {label: np.array(runs, dtype=float) for label, runs in curves.items()}


def q_planning_agent(planner, model_updater, empty_model, world, n_per_pair, params):
    """A Q-planning run for `compare_at_equal_updates`: its model is built with
    `model_updater` from `n_per_pair` samples of every pair of `world(seed)`."""
    def run(seed, checkpoints, measure):
        env = world(seed)
        model = build_model(model_updater, empty_model(env.n_states, env.n_actions),
                            sample_every_pair(env, n_per_pair, seed))
        return q_planning_curve(planner, model, params, checkpoints, measure)
    return run


def dyna_q_agent(model_updater, planner, empty_model, world, params):
    """A Dyna-Q run for `compare_at_equal_updates` in `world(seed)`."""
    def run(seed, checkpoints, measure):
        env = world(seed)
        return dyna_q_curve(env, model_updater, planner, params, checkpoints, measure,
                            model=empty_model(env.n_states, env.n_actions))
    return run


def slippery_world(seed):
    """Quentin's World where a move slips with probability `SLIP`, slips seeded by `seed`."""
    return QuentinsWorld(slip=SLIP, seed=seed)


def deterministic_world(seed=None):
    """Quentin's World as in the tutorial (`seed` is unused: nothing is random)."""
    return QuentinsWorld()


def model_errors(judge, model_updater, empty_model, believed_probabilities, world,
                 samples_per_pair, seeds):
    """How wrong a model is after 1, 2, ... samples of every pair: for each seed, feed
    `world(seed)`'s samples one round at a time to `model_updater` and record
    `judge.model_error` after each number in `samples_per_pair` (sorted).

    Returns an array of shape `(len(seeds), len(samples_per_pair))`.
    """
    errors = np.zeros((len(seeds), len(samples_per_pair)))
    for row, seed in enumerate(seeds):
        env = world(seed)
        model = empty_model(env.n_states, env.n_actions)
        seen = 0
        for column, n in enumerate(samples_per_pair):
            model = build_model(model_updater, model, sample_every_pair(env, n - seen, seed + n))
            seen = n
            errors[row, column] = judge.model_error(believed_probabilities(model))
    return errors


# ---------------------------------------------------------------------------
# Plots (they take data)
# ---------------------------------------------------------------------------

def plot_curves(curves, checkpoints, ylabel, title, ax=None, best=None, xlabel="value updates"):
    """One median line with its 25-75% band per method in `curves` ({label: runs})."""
    import matplotlib.pyplot as plt

    ax = plt.subplots()[1] if ax is None else ax
    for label, runs in curves.items():
        plot_runs_with_spread(runs, label, x=checkpoints, ax=ax)
    if best is not None:
        ax.axhline(best, linestyle=":", color="0.2", label="best possible")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(fontsize="small")
    return ax
