"""Decision-time planning with the learned tabular model: a random-shooting
model-predictive controller, a Monte Carlo tree search, the loop that lets either one act
in the real world while the model is learned, the comparison experiment and its plots.

Dyna-Q plans in the background: it improves its value table and then acts greedily.
The planners here plan *when they must act*: at every real step they look ahead through
the model from the current state, execute one action and plan again at the next step.

The model is the course's `(n_states, n_actions, 2)` array of `(reward, next_state)`
(NaN reward: never tried; NaN next state: the episode ended). The students' functions
come in as arguments: `rollout_return(model, state, actions, gamma, state_values)` scores
an action sequence and `ucb_score(total_return, visits, parent_visits, c)` ranks actions
in the tree. This module holds neither of them.

Exploration: the value table starts at ones (the largest reward), so a state with an
untried action is worth at least 1; planners that bootstrap from `max_a Q(s, a)` are therefore drawn
to untried actions (optimism), and every agent also acts at random with probability
epsilon, as in the tutorial.
"""

import time

import numpy as np

from .experiments import default_params
from .learning import learn_environment, q_learning
from .plotting import plot_runs_with_spread
from .validation import check_max_steps
from .worlds import QuentinsWorld


class RandomShootingMPC:
    """Random-shooting model-predictive control.

    At each real step: draw `n_sequences` random action sequences of length `horizon`
    (the same number starting with each action), score each with `rollout_return`
    through the model (bootstrapping from the state values at the end), and estimate each
    first action by the best score of its sequences. The agent executes the best first
    action and throws the plan away: the next step plans again.
    """

    def __init__(self, rollout_return, n_sequences=20, horizon=3):
        self.rollout_return = rollout_return
        self.n_sequences = n_sequences
        self.horizon = horizon

    def simulated_steps_per_decision(self):
        """Model look-ups per real step, at most."""
        return self.n_sequences * self.horizon

    def __call__(self, model, state_values, state, gamma):
        """Estimated value of each action in `state`: the best score of the sequences
        that start with it (the same number of sequences starts with each action)."""
        n_actions = model.shape[1]
        sequences = np.random.randint(n_actions, size=(self.n_sequences, self.horizon))
        sequences[:, 0] = np.arange(self.n_sequences) % n_actions
        estimates = np.full(n_actions, -np.inf)
        for sequence in sequences:
            score = float(self.rollout_return(model, state, sequence, gamma, state_values))
            first = sequence[0]
            if score > estimates[first]:
                estimates[first] = score
        estimates[estimates == -np.inf] = np.nan
        return estimates


class _Node:
    """A state in the search tree: visit counts and summed returns of its actions."""

    __slots__ = ("state", "visits", "action_visits", "action_returns", "children")

    def __init__(self, state, n_actions):
        self.state = state
        self.visits = 0
        self.action_visits = [0] * n_actions
        self.action_returns = [0.0] * n_actions
        self.children = {}


class MonteCarloTreeSearch:
    """UCT Monte Carlo tree search through the learned model.

    Each of `n_simulations` simulations walks down the tree from the current state,
    choosing in every node the action with the largest `ucb_score`. It stops at an
    action whose outcome the tree has not expanded yet (or at `max_depth`): that action
    is scored with `rollout_return` on the action followed by `rollout_length` random
    actions, the new state joins the tree, and the discounted return is added to the
    statistics of every action on the way down. The estimate of a first action is the
    best return a simulation through it found (the model is deterministic, so that return
    is achievable); the agent takes the best. The tree is rebuilt at every real step.

    A never-tried action is scored by `rollout_return` like any other: it stops at once
    and the state's value is all it gets, which is optimistic while the value table
    still holds its initial ones.
    """

    def __init__(self, rollout_return, ucb_score, n_simulations=16, max_depth=3,
                 rollout_length=0, exploration=0.2):
        self.rollout_return = rollout_return
        self.ucb_score = ucb_score
        self.n_simulations = n_simulations
        self.max_depth = max_depth
        self.rollout_length = rollout_length
        self.exploration = exploration

    def simulated_steps_per_decision(self):
        """Model look-ups per real step, at most."""
        return self.n_simulations * (self.max_depth + self.rollout_length)

    def __call__(self, model, state_values, state, gamma):
        n_actions = model.shape[1]
        outcomes = model.tolist()
        tails = np.random.randint(n_actions, size=(self.n_simulations, self.rollout_length))
        root = _Node(state, n_actions)
        estimates = np.full(n_actions, np.nan)
        for tail in tails.tolist():
            action, simulated_return = self._simulate(root, model, outcomes, state_values,
                                                      gamma, tail)
            if not simulated_return <= estimates[action]:  # larger, or the first one
                estimates[action] = simulated_return
        return estimates

    def _simulate(self, root, model, outcomes, state_values, gamma, tail):
        node, path, rewards = root, [], []
        while True:
            action = self._select(node)
            path.append((node, action))
            reward, next_state = outcomes[node.state][action]
            known = reward == reward and next_state == next_state  # tried, episode goes on
            child = node.children.get(action) if known else None
            if child is None or len(path) >= self.max_depth:
                value = float(self.rollout_return(model, node.state, [action] + tail, gamma,
                                                  state_values))
                if known and child is None:
                    node.children[action] = _Node(int(next_state), len(node.action_visits))
                break
            rewards.append(reward)
            node = child
        for (node, action), reward in zip(reversed(path), [None] + rewards[::-1]):
            if reward is not None:
                value = reward + gamma * value
            node.visits += 1
            node.action_visits[action] += 1
            node.action_returns[action] += value
        return action, value

    def _select(self, node):
        best_action, best_score = 0, -np.inf
        for action, (visits, total) in enumerate(zip(node.action_visits, node.action_returns)):
            score = float(self.ucb_score(total, visits, node.visits, self.exploration))
            if score > best_score:
                best_action, best_score = action, score
        return best_action


def run_decision_time_agent(env, model_updater, planner, params, max_steps, n_episodes,
                            initial_value=1.0):
    """Let `planner` act in `env` for `n_episodes` episodes while the model is learned.

    A planner is called as `planner(model, state_values, state, gamma)` with
    `state_values = value.max(axis=1)` and returns its estimate of each action's value in
    `state` (NaN for an action it did not evaluate). Per real step: with probability
    epsilon a random action; otherwise the estimates are written into `value[state]` and
    the best action is taken (ties at random). Writing them back, as real-time dynamic
    programming does, matters: a planner that bootstraps from values it never corrects
    can walk back and forth between two states for ever. Then the outcome from `env`,
    the Q-learning update of the value table (no background planning) and
    `model = model_updater(model, state, action, reward, next_state)`.

    The value table starts at `initial_value` (1: optimistic; 0: a state whose actions
    were never tried is worth nothing).

    Returns `(value, model, episode_steps, seconds_per_step)`; an episode's steps include
    the final step taken in the goal. ValueError unless `max_steps` is at least 1.
    """
    check_max_steps(max_steps)
    value = np.full((env.n_states, env.n_actions), float(initial_value))
    model = np.full((env.n_states, env.n_actions, 2), np.nan)
    episode_steps = np.zeros(n_episodes)
    epsilon, gamma = params["epsilon"], params["gamma"]
    start = time.perf_counter()
    for episode in range(n_episodes):
        state = env.init_state
        for t in range(max_steps):
            if np.random.random() < epsilon:
                action = np.random.randint(env.n_actions)
            else:
                estimates = planner(model, value.max(axis=1), state, gamma)
                searched = ~np.isnan(estimates)
                value[state, searched] = estimates[searched]
                best = np.flatnonzero(estimates == np.nanmax(estimates))
                action = int(best[0] if len(best) == 1 else np.random.choice(best))
            next_state, reward = env.get_outcome(state, action)
            value = q_learning(state, action, reward, next_state, value, params)
            model = model_updater(model, state, action, reward, next_state)
            if next_state is None:
                break
            state = next_state
        episode_steps[episode] = t + 1
    seconds_per_step = (time.perf_counter() - start) / episode_steps.sum()
    return value, model, episode_steps, seconds_per_step


AGENTS = ("Q-learning", "Dyna-Q (k = 10)", "random-shooting MPC", "MCTS")


def compare_agents(model_updater, planning, rollout_return, ucb_score, seeds=range(6),
                   n_episodes=30, max_steps=1000, mpc=None, mcts=None, progress=True):
    """Run the four agents of `AGENTS` on Quentin's World once per seed.

    `mpc` and `mcts` are keyword arguments for `RandomShootingMPC` and
    `MonteCarloTreeSearch`. Every run starts with `np.random.seed(seed)`.

    Returns `(steps, seconds_per_step)`: dicts from agent name to an array of shape
    `(n_seeds, n_episodes)` (steps per episode) and `(n_seeds,)` (wall-clock seconds
    per real step, planning included).
    """
    from tqdm.auto import tqdm  # here, not at the top: in a notebook it loads ipywidgets

    seeds = list(seeds)
    planners = {"random-shooting MPC": RandomShootingMPC(rollout_return, **(mpc or {})),
                "MCTS": MonteCarloTreeSearch(rollout_return, ucb_score, **(mcts or {}))}
    steps = {name: np.zeros((len(seeds), n_episodes)) for name in AGENTS}
    seconds = {name: np.zeros(len(seeds)) for name in AGENTS}
    with tqdm(total=len(AGENTS) * len(seeds), desc="decision-time planning", unit="run",
              disable=not progress) as bar:
        for name in AGENTS:
            bar.set_postfix(agent=name)
            for i, seed in enumerate(seeds):
                np.random.seed(seed)
                if name in planners:
                    steps[name][i], seconds[name][i] = run_decision_time_agent(
                        QuentinsWorld(), model_updater, planners[name], default_params(),
                        max_steps, n_episodes)[2:]
                else:
                    params = default_params(k=0 if name == "Q-learning" else 10)
                    start = time.perf_counter()
                    steps[name][i] = learn_environment(QuentinsWorld(), model_updater, planning,
                                                       params, max_steps, n_episodes)[2]
                    seconds[name][i] = (time.perf_counter() - start) / steps[name][i].sum()
                bar.update()
    return steps, seconds


def plot_steps_comparison(steps, first_episode=0, optimal_steps=20, ax=None):
    """Steps per episode of each agent in `steps` (name -> runs): median and 25-75% band
    over the seeds, on a log scale (first episodes take hundreds of steps, late ones 20)."""
    import matplotlib.pyplot as plt

    ax = plt.subplots()[1] if ax is None else ax
    for name, runs in steps.items():
        runs = np.asarray(runs)[:, first_episode:]
        plot_runs_with_spread(runs, name, x=np.arange(first_episode, first_episode + runs.shape[1]),
                              ax=ax)
    ax.axhline(optimal_steps, linestyle=":", color="0.2",
               label=f"shortest safe path ({optimal_steps} steps)")
    ax.set_yscale("log")
    ax.set(xlabel="Episode", ylabel="Steps per episode (log scale)",
           title="Real steps per episode")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    return ax


def plot_compute_per_step(seconds_per_step, ax=None):
    """Wall-clock time per real step of each agent (name -> one value per seed), as
    the median bar with the 25-75% range of the seeds."""
    import matplotlib.pyplot as plt

    ax = plt.subplots()[1] if ax is None else ax
    names = list(seconds_per_step)
    micro = [1e6 * np.asarray(seconds_per_step[name]) for name in names]
    low, median, high = np.percentile(micro, [25, 50, 75], axis=1)
    positions = np.arange(len(names))
    ax.barh(positions, median, color=[f"C{i}" for i in positions], alpha=0.8,
            xerr=[median - low, high - median], capsize=6)
    ax.set_yticks(positions, names)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set(xlabel="Microseconds per real step (log scale)", title="Computation per real step")
    return ax


__all__ = [
    "AGENTS", "MonteCarloTreeSearch", "RandomShootingMPC", "compare_agents",
    "plot_compute_per_step", "plot_steps_comparison", "run_decision_time_agent",
]
