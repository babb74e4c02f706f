"""The original tutorial's algorithm, rewritten as a baseline: same world rules written
as lists of costly moves, same RNG calls (`np.random.choice` per draw, `np.where` per
planning step), same update arithmetic.

Used by the benchmark (to measure the course's speed-up in one run) and by the tests
(as an independent oracle for the world's transitions and for seed parity). It is not
part of the course and students never see it.
"""

import numpy as np

class OriginalQuentinsWorld:
    """Quentin's World as the tutorial wrote it: branches and list look-ups per step."""

    def __init__(self):
        self.n_states, self.n_actions = 100, 4
        self.dim_x = self.dim_y = 10
        self.init_state = 54
        self.shortcut_state = 64

    def toggle_shortcut(self):
        self.shortcut_state = 2 if self.shortcut_state == 64 else 64

    def get_outcome(self, state, action):
        # Like the tutorial, the lists of moves into red cells are built on every call.
        if state == 99:
            return None, 0
        reward = 0
        if action == 0:
            next_state = state + 1
            if state == 98:
                reward = 1
            elif state % 10 == 9:
                next_state = state
            elif state in [11, 21, 31, 41, 51, 61, 71, 12, 72, 73, 14, 74,
                           15, 25, 35, 45, 55, 65, 75]:
                reward = -1
        elif action == 1:
            next_state = state + 10
            if state == 89:
                reward = 1
            if state >= 90:
                next_state = state
            elif state in [2, 12, 22, 32, 42, 52, 62, 3, 63, self.shortcut_state,
                           5, 65, 6, 16, 26, 36, 46, 56, 66]:
                reward = -1
        elif action == 2:
            next_state = state - 1
            if state % 10 == 0:
                next_state = state
            elif state in [17, 27, 37, 47, 57, 67, 77, 16, 76, 75, 14, 74,
                           13, 23, 33, 43, 53, 63, 73]:
                reward = -1
        else:
            next_state = state - 10
            if state <= 9:
                next_state = state
            elif state in [22, 32, 42, 52, 62, 72, 82, 23, 83, 84, 25, 85,
                           26, 36, 46, 56, 66, 76, 86]:
                reward = -1
        return int(next_state), reward


def epsilon_greedy(q, epsilon):
    if np.random.random() > epsilon:
        return np.argmax(q)
    return np.random.choice(len(q))


def q_learning(state, action, reward, next_state, value, params):
    prev_value = value[int(state), int(action)]
    if next_state is None or np.isnan(next_state):
        max_value = 0
    else:
        max_value = np.max(value[int(next_state)])
    delta = reward + params["gamma"] * max_value - prev_value
    value[int(state), int(action)] = prev_value + params["alpha"] * delta
    return value


def model_update(model, state, action, reward, next_state):
    model[state, action] = reward, next_state
    return model


def planning(model, value, params):
    for _ in range(params["k"]):
        candidates = np.array(np.where(~np.isnan(model[:, :, 0]))).T
        idx = np.random.choice(len(candidates))
        state, action = candidates[idx]
        reward, next_state = model[state, action]
        value = q_learning(state, action, reward, next_state, value, params)
    return value


def learn_environment(env, model_updater, planner, params, max_steps, n_episodes,
                      shortcut_episode=None):
    value = np.ones((env.n_states, env.n_actions))
    reward_sums = np.zeros(n_episodes)
    episode_steps = np.zeros(n_episodes)
    model = np.nan * np.zeros((env.n_states, env.n_actions, 2))
    for episode in range(n_episodes):
        if shortcut_episode is not None and episode == shortcut_episode:
            env.toggle_shortcut()
            state, action = 64, 1
            next_state, reward = env.get_outcome(state, action)
            model[state, action] = reward, next_state
            value = q_learning(state, action, reward, next_state, value, params)
        state = env.init_state
        reward_sum = 0
        for t in range(max_steps):
            action = epsilon_greedy(value[state], params["epsilon"])
            next_state, reward = env.get_outcome(state, action)
            reward_sum += reward
            value = q_learning(state, action, reward, next_state, value, params)
            model = model_updater(model, state, action, reward, next_state)
            value = planner(model, value, params)
            if next_state is None:
                break
            state = next_state
        reward_sums[episode] = reward_sum
        episode_steps[episode] = t + 1
    return value, reward_sums, episode_steps


def planning_sweep(planning_steps=(0, 1, 10, 100), n_experiments=10, n_episodes=100):
    """Section 3 of the tutorial: steps per episode for each k, every experiment."""
    params = {"epsilon": 0.05, "alpha": 0.5, "gamma": 0.8}
    env = OriginalQuentinsWorld()
    steps = np.zeros((len(planning_steps), n_experiments, n_episodes))
    for i, k in enumerate(planning_steps):
        params["k"] = k
        for experiment in range(n_experiments):
            steps[i, experiment] = learn_environment(env, model_update, planning, params,
                                                     1000, n_episodes)[2]
    return steps


def shortcut_experiment(planning_steps=(0, 10), n_episodes=400, shortcut_episode=200):
    """Section 4 of the tutorial: steps per episode for Q-learning and Dyna-Q."""
    params = {"epsilon": 0.05, "alpha": 0.5, "gamma": 0.8}
    steps = np.zeros((len(planning_steps), n_episodes))
    for i, k in enumerate(planning_steps):
        params["k"] = k
        steps[i] = learn_environment(OriginalQuentinsWorld(), model_update, planning, params,
                                     1000, n_episodes, shortcut_episode=shortcut_episode)[2]
    return steps


def reference_numbers():
    """The tutorial's reference figures for sections 2, 3 and 4, each run started with
    `np.random.seed(1)` as in the tutorial (tests/data/tutorial_reference.json holds them)."""
    params = {"epsilon": 0.05, "alpha": 0.5, "gamma": 0.8, "k": 10}
    np.random.seed(1)
    value, rewards, steps = learn_environment(OriginalQuentinsWorld(), model_update, planning,
                                              params, 1000, 500)
    np.random.seed(1)
    sweep = planning_sweep()
    np.random.seed(1)
    shortcut = shortcut_experiment()
    return {
        "sec2": {"episode_steps_first20": steps[:20].astype(int).tolist(),
                 "steps_total": int(steps.sum()), "reward_total": float(rewards.sum()),
                 "value_sum": round(float(value.sum()), 6),
                 "greedy_action_per_state": value.argmax(axis=1).tolist()},
        "sec3": {"mean_steps_ep20_100_per_k":
                 [round(float(m), 3) for m in sweep.mean(axis=1)[:, 20:100].mean(axis=1)],
                 "total_steps_per_k": sweep.sum(axis=(1, 2)).astype(int).tolist()},
        "sec4": {"total_steps_qlearning": int(shortcut[0].sum()),
                 "total_steps_dynaq": int(shortcut[1].sum()),
                 "mean_steps_ep200_250": [round(float(m), 3)
                                          for m in shortcut[:, 200:250].mean(axis=1)]},
    }
