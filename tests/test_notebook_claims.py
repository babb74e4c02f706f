"""What the notebooks say about their results is what their code computes, for every
answer the course accepts.

CLAIMS lists every result the masters' prose states with a number or a direction
("X beats Y"), model answers included: the notebook, the exact phrase, and a check.
Each check reads the variables of the student notebook run top to bottom with the
reference answers pasted in (conftest's `filled_notebook`, the run the student-experience
test makes anyway), so it sees the very experiment, with the very seeds, the prose is
about. A few claims need a measurement the notebook does not keep; those run the same
experiment with the same seeds here (`extra_*`). The bonus direction tests check the
same directions over more seeds.

Students run the notebooks with their own answers, and the hidden checks accept several
(pair-uniform or state-then-action sampling, all draws at once or one pair per loop, a
copy or an update in place). So every claim is checked a second time, on the notebook's
experiments run with `tests/second_answers.py` pasted in (in this process, without the
checks and widgets; notebook 03 with its QUICK setting), unless it is marked
`REFERENCE`: a number only the reference solution gives, whose sentence must then say
"reference solution".

A sentence of a master that carries a number next to a word of comparison or of a
result ("median", "fewer", "about", "in 3 of 20"...) must hold a listed claim or a listed
setting (SETTINGS): a new result sentence fails here until it is listed and checked.
"""
import functools
import math
import re
from collections import namedtuple

import nbformat
import numpy as np
import pytest

import second_answers
from autograder.course import FUNCTIONS, NOTEBOOKS
from autograder.masters import master_path, solution_source
from conftest import ROOT
from helpers import QuentinsWorld, default_params, learn_environment, q_learning
from helpers import sample_models as sm
from helpers.changing_worlds import BlockingQuentinsWorld
from helpers.decision_time import MonteCarloTreeSearch, RandomShootingMPC
from helpers.dyna_q_plus import SHORTCUT_PAIRS, TriedPairs, first_try_after, learn_with_bonus
from helpers.prioritized_sweeping import greedy_path, run_search_control_comparison
from helpers.sample_models import ExactJudge, slippery_world
from notebook_runs import run_experiments_in_process

Claim = namedtuple("Claim", "notebook phrase check scope", defaults=("any answers",))
REFERENCE = "reference solution only"
GAMMA = 0.8
# The second answers' runs, smaller where the reference run is long: notebook 03 with its
# QUICK setting (3 agents per k, not 10); in 05 the slippery comparison on 4 seeds (not 8),
# the model errors on 2 (not 5), and both comparisons judged at half the checkpoints;
# 06's comparisons on 8 seeds (not 20)
SECOND_RUN_CHANGES = {"03_how_much_to_plan": [("QUICK = False", "QUICK = True")],
                      "05_q_planning_and_sample_models": [
                          ("seeds=range(8),", "seeds=range(4),"), ("seeds=range(5)),", "seeds=range(2)),"),
                          ("np.arange(1000, 22001, 1000)", "np.arange(2000, 22001, 2000)"),
                          ("np.arange(500, 8001, 500)", "np.arange(1000, 8001, 1000)")],
                      "06_dyna_q_plus": [("SEEDS = range(20)", "SEEDS = range(8)")]}


def about(value, target, tolerance=0.05):
    return abs(value - target) <= tolerance * abs(target)


@functools.cache
def reference_function(notebook, function):
    namespace = {"np": np, "math": math, "q_learning": q_learning}
    exec(solution_source(notebook, function), namespace)
    return namespace[function]


NOTEBOOK_OF = {function.name: function.notebook for function in FUNCTIONS}


def answer(answers, function):
    """Student function `function` from `answers`: "reference" or "second"."""
    if answers == "second" and function in second_answers.SOURCES:
        return getattr(second_answers, function)
    return reference_function(NOTEBOOK_OF[function], function)


def shortest_path_moves(env):
    """Moves of the optimal route from the start of deterministic world `env`."""
    moves, discounted = greedy_path(env, ExactJudge(env, GAMMA).optimal, GAMMA)
    return moves if discounted == pytest.approx(GAMMA ** (moves - 1)) else None


def toggled(env):
    env.toggle_shortcut()
    return env


def ranked(waits):
    """Episodes until a run did it, a run that never did it counted as infinite."""
    return np.where(np.isnan(waits), np.inf, waits)


def quartiles(waits):
    return np.percentile(ranked(waits), [25, 50, 75], method="lower")


# --- measurements the notebooks do not keep, same experiment and seeds ----------------

@functools.cache
def extra_planning_run(answers, n_episodes=500):
    """Notebook 02's run (seed 1, k = 10) with `answers`, recording the states visited
    and the final model. Returns `(visited, steps per episode, model, value)`."""
    model_update, visited, final = answer(answers, "dyna_q_model_update"), [], {}

    def update(model, state, action, reward, next_state):
        visited.append(state)
        final["model"] = model_update(model, state, action, reward, next_state)
        return final["model"]

    np.random.seed(1)
    value, _, steps = learn_environment(QuentinsWorld(), update, answer(answers, "dyna_q_planning"),
                                        default_params(k=10), 1000, n_episodes)
    return np.array(visited), steps, final["model"], value


def left_columns_share_after_episode_100(answers):
    visited, steps, *_ = extra_planning_run(answers)
    late = visited[int(steps[:100].sum()):]
    return np.isin(late % 10, [0, 1, 2]).mean()


def within_moves_of_goal(moves):
    """States from which the goal is at most `moves` moves away (right or up)."""
    return {s for s in range(100) if (9 - s % 10) + (9 - s // 10) <= moves}


def learned_values_at_least_one_only_near_the_goal(answers):
    """In notebook 02's finished run, every tried pair worth 1 or more is in a state at
    most two moves from the goal."""
    _, _, model, value = extra_planning_run(answers)
    worth_one = (value >= 1 - 1e-9) & ~np.isnan(model[:, :, 0])
    return set(np.flatnonzero(worth_one.any(axis=1)).tolist()) <= within_moves_of_goal(2)


def first_greedy_walk_red_cells():
    """The red cells entered by a greedy agent whose values all start at 1 (ties to the
    first action), learning by Q-learning on its first walk to the goal."""
    env, value, state, entered = QuentinsWorld(), np.ones((100, 4)), QuentinsWorld().init_state, []
    while state is not None:
        action = int(np.argmax(value[state]))
        next_state, reward = env.get_outcome(state, action)
        value = q_learning(state, action, reward, next_state, value, {"alpha": 0.5, "gamma": GAMMA})
        entered += [next_state] if next_state in env.red_states else []
        state = next_state
    return entered


def fewest_moves(env):
    """Moves from the start to the goal, red cells allowed (breadth-first search)."""
    distance, frontier = {env.init_state: 0}, [env.init_state]
    for state in frontier:
        for action in range(env.n_actions):
            next_state = env.get_outcome(state, action)[0]
            if next_state is not None and next_state not in distance:
                distance[next_state] = distance[state] + 1
                frontier.append(next_state)
    return distance[env.goal_state]


@functools.cache
def extra_q_planning_twice_the_budget(answers):
    """Notebook 05's Q-planning (seeds 0-4) after 44,000 updates, twice the notebook's
    budget: the fraction of the best return from the start, one per seed."""
    params = default_params()
    agent = sm.q_planning_agent(answer(answers, "dyna_q_planning"),
                                answer(answers, "dyna_q_model_update"), sm.empty_last_outcome_model,
                                sm.deterministic_world, n_per_pair=1, params=params)
    judge = ExactJudge(QuentinsWorld(), params["gamma"])
    return sm.compare_at_equal_updates({"Q-planning": agent}, seeds=range(5), checkpoints=[44_000],
                                       measure=judge.start_fraction, progress=False)["Q-planning"][:, 0]


@functools.cache
def extra_kappa_runs():
    """Dyna-Q+ in notebook 06's shortcut experiment (seeds 0-19, as its cell runs it) with
    kappa 0.001 and 0.008: how many runs tried the move up from 64 after the change, and
    the median steps per episode over the last 50 episodes."""
    model_update = answer("reference", "dyna_q_model_update")
    plus = answer("reference", "dyna_q_plus_planning")
    found = {}
    for kappa in (0.001, 0.008):
        tries, late = 0, []
        for seed in range(20):
            np.random.seed(seed)
            watcher = TriedPairs(model_update, SHORTCUT_PAIRS)
            steps = learn_with_bonus(QuentinsWorld(), watcher.model_update, plus,
                                     {**default_params(), "kappa": kappa}, 1000, 150, 50)[2]
            tries += not np.isnan(first_try_after(watcher.episodes(steps), 50))
            late.append(steps[-50:])
        found[kappa] = tries, np.median(late)
    return found


class Tried(Exception):
    """Raised by `stop_when_tried`'s model update to end a run early."""


def stop_when_tried(model_update, pair):
    def update(model, state, action, reward, next_state):
        if (state, action) == pair:
            raise Tried
        return model_update(model, state, action, reward, next_state)
    return update


@functools.cache
def extra_tried_before_change(answers):
    """In notebook 06's shortcut runs (seeds 0-19) with `answers`, did each agent try the
    move up from 64 during the 50 episodes before the change? One boolean per agent and
    seed (a run stops at the first try)."""
    planning, plus = answer(answers, "dyna_q_planning"), answer(answers, "dyna_q_plus_planning")
    update = stop_when_tried(answer(answers, "dyna_q_model_update"), SHORTCUT_PAIRS[0])
    tried = []
    for seed in range(20):
        for method in range(2):
            np.random.seed(seed)
            try:
                if method == 0:
                    learn_environment(QuentinsWorld(), update, planning, default_params(), 1000, 50)
                else:
                    learn_with_bonus(QuentinsWorld(), update, plus,
                                     {**default_params(), "kappa": 0.002}, 1000, 50)
                tried.append(False)
            except Tried:
                tried.append(True)
    return tried


@functools.cache
def extra_search_control_k1():
    """Notebook 07's comparison (seeds 0-9) with k = 1: value updates per method."""
    return run_search_control_comparison(
        answer("reference", "dyna_q_model_update"), answer("reference", "dyna_q_planning"),
        reference_function("07_prioritized_sweeping", "priority"),
        reference_function("07_prioritized_sweeping", "predecessors"),
        n_seeds=10, params={"k": 1}, progress=False)[0]


# --- notebook-specific readings ----------------------------------------------------------

def greedy_walk_avoids_red(env, value, state):
    """Following the greedy actions of `value` from `state` reaches the goal without
    entering a red cell or a loop."""
    seen = set()
    while state != env.goal_state:
        if state in seen or state in env.red_states:
            return False
        seen.add(state)
        state = env.get_outcome(state, int(np.argmax(value[state])))[0]
    return True


def settled_episodes(nb):
    settled = reference_function("03_how_much_to_plan", "first_settled_episode")
    return [settled(row, 30) for row in nb["mean_steps"]]


def planning_updates(nb, k):
    return int(nb["all_steps"][nb["planning_steps"].index(k)].sum()) * k


def exploit_waits(nb):
    waits = reference_function("04_shortcut", "episodes_to_exploit")
    return [waits(row, nb["shortcut_episode"], 12) for row in nb["steps"]]


def wrong_entry_share():
    """Average over the slippery world's pairs of the probability that one sample is not
    the pair's most likely outcome: how often a last-outcome entry is wrong."""
    judge = ExactJudge(slippery_world(0), GAMMA)
    return float(np.mean(1 - judge.probabilities.max(axis=-1)))


def slippery_optimum_stays_in_the_box():
    """The most likely path of the slippery world's optimal policy from the start stays
    in the box's interior (columns 3-5, rows 2-6)."""
    env = QuentinsWorld(slip=0.2)
    judge = ExactJudge(env, GAMMA)
    state = env.init_state
    for _ in range(50):
        state = int(np.argmax(judge.probabilities[state, judge.optimal[state].argmax(), :100]))
        if not (3 <= state % 10 <= 5 and 2 <= state // 10 <= 6):
            return False
    return True


def goal_steps(nb):
    """The transitions and planning sweeps of notebook 07's demo from the real step that
    first entered the goal."""
    planner = nb["planner"]
    first = next(i for i, (_, _, reward, _) in enumerate(planner["transitions"]) if reward > 0)
    return first, planner["transitions"], planner["sweeps"]


def sweep_pairs(nb, offset):
    first, _, sweeps = goal_steps(nb)
    return [(s, a) for s, a, *_ in sweeps[first + offset]]


def less_reward_before_the_change(nb):
    """Over the 50 episodes before the shortcut opens, Dyna-Q+'s median summed reward is
    below Dyna-Q's (what the right-hand plot shows)."""
    summed = nb["shortcut_rewards"][:, :, :50].sum(axis=-1)
    return np.median(summed[1]) < np.median(summed[0])


def totals(nb, agent, seeds=slice(None)):
    return np.median(nb["steps"][agent][seeds].sum(axis=1))


def seconds(nb, agent):
    return np.median(nb["seconds_per_step"][agent])


QL, DQ, MPC, MCTS = "Q-learning", "Dyna-Q (k = 10)", "random-shooting MPC", "MCTS"
RIGHT, UP = 0, 1

CLAIMS = [
    # --- 01 -------------------------------------------------------------------------
    Claim("01_model_update", "19 moves, or 20 steps counting the final step taken in the goal",
          lambda nb: shortest_path_moves(QuentinsWorld()) == 19),
    # --- 02 -------------------------------------------------------------------------
    Claim("02_planning", "your run reproduces the original tutorial's figures exactly: 11641 steps in all",
          lambda nb: nb["episode_steps"].sum() == 11641, REFERENCE),
    Claim("02_planning", "from about episode 40 on, almost every episode earns +1",
          lambda nb: np.mean(nb["reward_sums"][40:] == 1) >= 0.9 > np.mean(nb["reward_sums"][:40] == 1)),
    Claim("02_planning", "The goal cell is dark** (value about 0)",
          lambda nb: np.abs(nb["value"][99]).max() < 0.01),
    Claim("02_planning", "up from 89 and right from 98 are worth 1",
          lambda nb: nb["value"][89, UP] == pytest.approx(1) == nb["value"][98, RIGHT]),
    Claim("02_planning", "Early on, values can even rise above 1",
          lambda nb: 1.7 < extra_planning_run(nb["_answers"], 3)[3].max() <= 1.8),
    Claim("02_planning", "After 500 episodes with $k = 10$ almost every pair has been tried",
          lambda nb: np.isnan(extra_planning_run(nb["_answers"])[2][:, :, 0]).sum() <= 4),
    Claim("02_planning", "in the left column, right and up are",
          lambda nb: all(nb["value"][s, RIGHT] == nb["value"][s, UP] for s in range(0, 90, 10))),
    Claim("02_planning", "it hardly ever visits the three left columns",
          lambda nb: left_columns_share_after_episode_100(nb["_answers"]) < 1 / 200),
    Claim("02_planning", "their arrows lead around the red box towards it",
          lambda nb: all(greedy_walk_avoids_red(QuentinsWorld(), nb["value"], s) for s in range(100)
                         if s % 10 <= 2 and s not in QuentinsWorld().red_states)),
    Claim("02_planning", "right and up have the same value (about 0.044 = $0.8^{14}$)",
          lambda nb: nb["value"][30, RIGHT] == nb["value"][30, UP] == pytest.approx(0.8 ** 14)),
    # --- 03 -------------------------------------------------------------------------
    Claim("03_how_much_to_plan", "the first episodes take hundreds of steps, even averaged over the agents",
          lambda nb: nb["mean_steps"][:, :20].max() >= 200),
    Claim("03_how_much_to_plan", "Agents that plan more settle near the shortest path (20 steps) in far fewer episodes",
          lambda nb: (lambda e: e[1] is not None and all(later is None or later > sooner for later, sooner
                                                         in zip(e, e[1:])) and e[1] > 2 * e[3])(settled_episodes(nb))),
    Claim("03_how_much_to_plan", "going from 10 to 100 planning steps helps much less than going from 0 to 10",
          lambda nb: (lambda t: t[0] - t[2] > 3 * (t[2] - t[3]))(nb["all_steps"].sum(axis=(1, 2)))),
    Claim("03_how_much_to_plan", "k = 100 settles first (episode 8, against 23 for k = 10, 78 for k = 1, and never within 100 episodes for k = 0)",
          lambda nb: settled_episodes(nb) == [None, 78, 23, 8], REFERENCE),
    Claim("03_how_much_to_plan", "spends about 8 times the planning updates of k = 10 (2.6 million against 0.32 million)",
          lambda nb: round(planning_updates(nb, 100), -5) == 2_600_000
          and round(planning_updates(nb, 10), -4) == 320_000
          and about(planning_updates(nb, 100) / planning_updates(nb, 10), 8, 0.1), REFERENCE),
    Claim("03_how_much_to_plan", "saving only about 17% of the real steps",
          lambda nb: round(100 * (1 - nb["all_steps"][3].sum() / nb["all_steps"][2].sum())) == 17, REFERENCE),
    # --- 04 -------------------------------------------------------------------------
    Claim("04_shortcut", "The route up through 64 and 74, then right along the top, takes 10 steps; it was there before, but cost -1",
          lambda nb: fewest_moves(QuentinsWorld()) == 9 and 74 in QuentinsWorld().red_states),
    Claim("04_shortcut", "the shortest one that pays no -1, drops from 20 steps to **10**",
          lambda nb: shortest_path_moves(QuentinsWorld()) == 19
          and shortest_path_moves(toggled(QuentinsWorld())) == 9),
    Claim("04_shortcut", "most of the first few episodes, which head straight for the goal, take fewer than 20 steps",
          lambda nb: np.mean(nb["steps"][:, :4] < 20) > 0.5),
    Claim("04_shortcut", "(in your results) one of them starts using it much sooner",
          lambda nb: (lambda q, d: d is not None and (q is None or q > 5 * d))(*exploit_waits(nb))),
    Claim("04_shortcut", "Dyna-Q settles on the shortcut 8 episodes after it opens, Q-learning only after 173",
          lambda nb: exploit_waits(nb) == [173, 8], REFERENCE),
    # --- 05 -------------------------------------------------------------------------
    Claim("05_q_planning_and_sample_models", "goes up with probability $0.8 + 0.2/4 = 0.85$",
          lambda nb: sorted(p for p, *_ in QuentinsWorld(slip=0.2).get_all_outcomes()[44, UP])
          == pytest.approx([0.05, 0.05, 0.05, 0.85])),
    Claim("05_q_planning_and_sample_models", "roughly one entry in seven is then simply wrong",
          lambda nb: 1 / 8 < wrong_entry_share() < 1 / 6),
    Claim("05_q_planning_and_sample_models", "Everywhere (right), Q-planning is ahead for most of the budget",
          lambda nb: np.mean(np.median(nb["everywhere"]["Q-planning"], axis=0)
                             < np.median(nb["everywhere"]["Dyna-Q (k = 10)"], axis=0)) >= 0.75),
    Claim("05_q_planning_and_sample_models", "Dyna-Q finds the best route within this budget in most seeds, and Q-planning does not yet",
          lambda nb: np.sum(nb["from_start"]["Dyna-Q (k = 10)"][:, -1] == 1) >= 3
          and np.sum(nb["from_start"]["Q-planning"][:, -1] == 1) <= 2),
    Claim("05_q_planning_and_sample_models", "with twice this budget it finds the best route too",
          lambda nb: np.sum(extra_q_planning_twice_the_budget(nb["_answers"]) == 1) >= 3),
    Claim("05_q_planning_and_sample_models", "More data does not help the last-outcome model",
          lambda nb: np.median(nb["errors"]["last-outcome model"][:, -1])
          >= 0.9 * np.median(nb["errors"]["last-outcome model"][:, 0])),
    Claim("05_q_planning_and_sample_models", "The counts converge to the true probabilities",
          lambda nb: np.median(nb["errors"]["count model"][:, -1])
          < 0.5 * np.median(nb["errors"]["count model"][:, 0])),
    Claim("05_q_planning_and_sample_models", "mostly stays safe inside the box",
          lambda nb: slippery_optimum_stays_in_the_box()),
    Claim("05_q_planning_and_sample_models", "The same data stored as counts ends lower, in most seeds",
          lambda nb: np.mean(nb["slippery_curves"]["Q-planning, count model"][:, -1]
                             < nb["slippery_curves"]["Q-planning, last-outcome model"][:, -1]) >= 0.75),
    Claim("05_q_planning_and_sample_models", "Dyna-Q, which started with no model at all, has lost the most",
          lambda nb: max(nb["slippery_curves"], key=lambda label: np.median(
              nb["slippery_curves"][label][:, -1])) == "Dyna-Q (k = 10), count model"),
    # --- 06 -------------------------------------------------------------------------
    Claim("06_dyna_q_plus", "more than any learned value except on the last steps to the goal",
          lambda nb: learned_values_at_least_one_only_near_the_goal(nb["_answers"])),
    Claim("06_dyna_q_plus", "one both agents tried early on, in every run",
          lambda nb: all(extra_tried_before_change(nb["_answers"]))),
    Claim("06_dyna_q_plus", "with $\\kappa = 0.001$ the agent went back to 64 within 100 episodes in 15 runs out of 20",
          lambda nb: extra_kappa_runs()[0.001][0] == 15, REFERENCE),
    Claim("06_dyna_q_plus", "with $0.002$ in 17 out of 20, and it then used the shortcut",
          lambda nb: np.isfinite(nb["shortcut_found"][1]).sum() == 17
          and np.median(nb["shortcut_steps"][1, :, -50:]) < 15, REFERENCE),
    Claim("06_dyna_q_plus", "with $0.008$ in every run, but it kept wandering",
          lambda nb: extra_kappa_runs()[0.008][0] == 20, REFERENCE),
    Claim("06_dyna_q_plus", "(median 46 steps over the last 50 episodes, against 12 with $0.002$)",
          lambda nb: extra_kappa_runs()[0.008][1] == 46 and np.median(nb["shortcut_steps"][1, :, -50:]) == 12,
          REFERENCE),
    Claim("06_dyna_q_plus", "Dyna-Q hardly ever steps up from 64 again (with these seeds, never in 100 episodes)",
          lambda nb: np.isnan(nb["shortcut_found"][0]).all()),
    Claim("06_dyna_q_plus", "the greedy agent walks its usual 20-step route",
          lambda nb: about(np.median(nb["shortcut_steps"][0, :, -50:]), 20, 0.1)),
    Claim("06_dyna_q_plus", "its median episode stays at about 20 steps",
          lambda nb: about(np.median(nb["shortcut_steps"][0, :, -50:]), 20, 0.1)),
    Claim("06_dyna_q_plus", "Dyna-Q+ goes back to check in most runs, typically a few dozen episodes after the change but with a wide spread between seeds",
          lambda nb: np.isfinite(nb["shortcut_found"][1]).mean() > 0.5
          and 20 <= quartiles(nb["shortcut_found"][1])[1] <= 60
          and np.ptp(quartiles(nb["shortcut_found"][1])[[0, 2]]) >= 20),
    Claim("06_dyna_q_plus", "its episodes drop towards the 10-step shortcut route",
          lambda nb: np.median(nb["shortcut_steps"][1, :, -50:]) <= 15),
    Claim("06_dyna_q_plus", "before the change Dyna-Q+ collects *less* reward than Dyna-Q",
          lambda nb: less_reward_before_the_change(nb)),
    Claim("06_dyna_q_plus", "after the change it still collects less reward per episode than Dyna-Q",
          lambda nb: np.median(nb["shortcut_rewards"][1, :, 50:].sum(-1))
          < np.median(nb["shortcut_rewards"][0, :, 50:].sum(-1))),
    Claim("06_dyna_q_plus", "Before either change it was wandering, about 40 steps per episode",
          lambda nb: all(about(np.median(nb[steps][1, :, :50]), 40, 0.2) for steps in ("shortcut_steps", "blocking_steps"))),
    Claim("06_dyna_q_plus", "The new route is as long as the old one (19 moves)",
          lambda nb: shortest_path_moves(toggled(BlockingQuentinsWorld())) == 19),
    Claim("06_dyna_q_plus", "the start is worth only $\\gamma^{18} = 0.8^{18} \\approx 0.02$, so a bonus of $0.002\\sqrt{1000} \\approx 0.06$",
          lambda nb: round(0.8 ** 18, 2) == 0.02 and round(0.002 * math.sqrt(1000), 2) == 0.06),
    Claim("06_dyna_q_plus", "the start is worth $0.8^{8} \\approx 0.17$",
          lambda nb: round(0.8 ** 8, 2) == 0.17),
    Claim("06_dyna_q_plus", "Both agents find the new exit in every run",
          lambda nb: np.isfinite(nb["blocking_found"]).all()),
    Claim("06_dyna_q_plus", "Dyna-Q+'s episodes stay more than twice as long as Dyna-Q's",
          lambda nb: np.median(nb["blocking_steps"][1, :, -50:]) > 2 * np.median(nb["blocking_steps"][0, :, -50:])),
    Claim("06_dyna_q_plus", "(with our seeds it did not happen in 100 episodes, in any of the 20 runs)",
          lambda nb: np.isnan(nb["shortcut_found"][0]).all() and nb["shortcut_found"].shape[1] == len(nb["SEEDS"])),
    Claim("06_dyna_q_plus", "(in 17 of 20 runs with the reference solution, after a median of 30 episodes, then used)",
          lambda nb: np.isfinite(nb["shortcut_found"][1]).sum() == 17
          and quartiles(nb["shortcut_found"][1])[1] == 30, REFERENCE),
    Claim("06_dyna_q_plus", "the medians are 4 episodes for Dyna-Q and 3 for Dyna-Q+",
          lambda nb: quartiles(nb["blocking_found"][0])[1] == 4 and quartiles(nb["blocking_found"][1])[1] == 3,
          REFERENCE),
    Claim("06_dyna_q_plus", "Dyna-Q+ was sooner in 11 runs and Dyna-Q in 9",
          lambda nb: np.sum(nb["blocking_found"][1] < nb["blocking_found"][0]) == 11
          and np.sum(nb["blocking_found"][0] < nb["blocking_found"][1]) == 9, REFERENCE),
    Claim("06_dyna_q_plus", "1 to 17 episodes and 1 to 7, dwarf a one-episode difference",
          lambda nb: list(quartiles(nb["blocking_found"][0])[[0, 2]]) == [1, 17]
          and list(quartiles(nb["blocking_found"][1])[[0, 2]]) == [1, 7], REFERENCE),
    Claim("06_dyna_q_plus", "5 of its runs took more than 20 episodes, against 2 of Dyna-Q+'s",
          lambda nb: list(np.sum(nb["blocking_found"] > 20, axis=1)) == [5, 2], REFERENCE),
    Claim("06_dyna_q_plus", "before the change Dyna-Q+ took more steps and collected less reward than Dyna-Q",
          lambda nb: np.median(nb["shortcut_steps"][1, :, :50]) > np.median(nb["shortcut_steps"][0, :, :50])
          and less_reward_before_the_change(nb)),
    Claim("06_dyna_q_plus", "(with the reference solution, median 47 steps per episode over the last 50, against 20)",
          lambda nb: np.median(nb["blocking_steps"][:, :, -50:], axis=(1, 2)).tolist() == [20, 47], REFERENCE),
    # --- 07 -------------------------------------------------------------------------
    Claim("07_prioritized_sweeping", "the shortest safe path, 19 moves (20 steps counting the final step in the goal)",
          lambda nb: shortest_path_moves(QuentinsWorld()) == 19),
    Claim("07_prioritized_sweeping", "The first episodes are short",
          lambda nb: max(nb["finished"][:5]) < 20),
    Claim("07_prioritized_sweeping", "agent walks right, through the red cell 56, and up to the goal",
          lambda nb: first_greedy_walk_red_cells() == [56]),
    Claim("07_prioritized_sweeping", "the agent spends one long episode (several hundred steps)",
          lambda nb: np.sum(nb["finished"] >= 200) == 1 and max(nb["finished"]) < 1000),
    Claim("07_prioritized_sweeping", "the states with the most planning updates are the start and its neighbours in the box",
          lambda nb: {s for s, _ in nb["planner"]["updated_states"].most_common(4)} <= {43, 44, 45, 53, 54, 55}
          and nb["planner"]["updated_states"].most_common(1)[0][0] == 54),
    Claim("07_prioritized_sweeping", "then round to the goal in 19 moves",
          lambda nb: greedy_path(QuentinsWorld(), nb["run"]["value"], GAMMA)[0] == 19),
    Claim("07_prioritized_sweeping", "both methods make about 11 updates per real step (prioritized sweeping's queue rarely runs empty here)",
          lambda nb: np.all((nb["updates"] / nb["steps"] > 10.8) & (nb["updates"] / nb["steps"] <= 11))
          and sum(len(sweep) < 10 for sweep in nb["planner"]["sweeps"]) < 0.01 * len(nb["planner"]["sweeps"])),
    Claim("07_prioritized_sweeping", "After (89, up), the pair that entered the goal, come (79, up) and (89, right)",
          lambda nb: sweep_pairs(nb, 0)[:3] == [(89, UP), (79, UP), (89, RIGHT)]),
    Claim("07_prioritized_sweeping", "Then (69, up), (79, right) and so on",
          lambda nb: {(69, UP), (79, RIGHT)} <= set(sweep_pairs(nb, 0)[3:8])),
    Claim("07_prioritized_sweeping", "no action had been tried in the goal yet, so all four still held the initial value 1",
          lambda nb: (lambda first, transitions, _: all(t[0] != 99 for t in transitions[:first + 1]))(*goal_steps(nb))),
    Claim("07_prioritized_sweeping", "prioritized sweeping first corrects (99, right) (priority 0.50)",
          lambda nb: (lambda first, _, sweeps: sweeps[first + 1][0][:3] == (99, RIGHT, pytest.approx(0.5)))(*goal_steps(nb))),
    Claim("07_prioritized_sweeping", "yet (89, up) is raised again, because the three untried actions in 99 still hold 1",
          lambda nb: sweep_pairs(nb, 1)[1] == (89, UP)
          and (lambda first, transitions, _: sum(t[0] == 99 for t in transitions[:first + 2]) == 1)(*goal_steps(nb))),
    Claim("07_prioritized_sweeping", "at that step only the 13 pairs of the path just walked, bumps included",
          lambda nb: (lambda first, transitions, _: len({t[:2] for t in transitions[:first + 1]}) == 13)(
              *goal_steps(nb))),
    Claim("07_prioritized_sweeping", "Later the model holds hundreds of pairs (394 when this run ended)",
          lambda nb: len({t[:2] for t in nb["planner"]["transitions"]}) == 394),
    Claim("07_prioritized_sweeping", "with the reference solution, fewer updates were needed in every one of our 10 seeds (medians 8,479 against 15,098)",
          lambda nb: np.all(nb["updates"][1] < nb["updates"][0]) and nb["updates"].shape[1] == 10
          and np.round(np.median(nb["updates"], axis=1)).tolist() == [15098, 8479], REFERENCE),
    Claim("07_prioritized_sweeping", "explain why prioritized sweeping needed fewer updates than random search control in your comparison",
          lambda nb: np.sum(nb["updates"][1] < nb["updates"][0]) >= 8),
    Claim("07_prioritized_sweeping", "with the reference solution prioritized sweeping needed fewer updates in only 4 of the 10 seeds",
          lambda nb: np.sum(extra_search_control_k1()[1] < extra_search_control_k1()[0]) == 4, REFERENCE),
    # --- 08 -------------------------------------------------------------------------
    Claim("08_decision_time_planning", "draw 20 random action sequences of 3 actions (5 starting with each action)",
          lambda nb: (RandomShootingMPC(None).n_sequences, RandomShootingMPC(None).horizon) == (20, 3)),
    Claim("08_decision_time_planning", "Our agent runs 16 simulations per real step",
          lambda nb: MonteCarloTreeSearch(None, None).n_simulations == 16),
    Claim("08_decision_time_planning", "once for each of 10 seeds",
          lambda nb: all(runs.shape == (10, 30) for runs in nb["steps"].values())),
    Claim("08_decision_time_planning", "Q-learning and Dyna-Q walk right, through the red cell 56, and up to the goal",
          lambda nb: first_greedy_walk_red_cells() == [56]),
    Claim("08_decision_time_planning", "Q-learning needs about 3200 real steps for the 30 episodes",
          lambda nb: about(totals(nb, QL), 3200)),
    Claim("08_decision_time_planning", "is still wandering at the end (about 90 steps per episode)",
          lambda nb: about(np.median(nb["steps"][QL][:, -10:]), 90, 0.1)),
    Claim("08_decision_time_planning", "Both decision-time planners need about half as many",
          lambda nb: all(about(totals(nb, agent) / totals(nb, QL), 0.5, 0.2) for agent in (MPC, MCTS))),
    Claim("08_decision_time_planning", "MCTS about 1450, random-shooting MPC about 1750, close to Dyna-Q's 1700",
          lambda nb: about(totals(nb, MCTS), 1450) and about(totals(nb, MPC), 1750)
          and about(totals(nb, DQ), 1700) and about(totals(nb, MPC), totals(nb, DQ), 0.1)),
    Claim("08_decision_time_planning", "MCTS settles near the 20-step shortest safe path",
          lambda nb: np.median(nb["steps"][MCTS][:, -10:]) <= 26),
    Claim("08_decision_time_planning", "MPC stays further from it (about 30 steps per episode over the last 10)",
          lambda nb: about(np.median(nb["steps"][MPC][:, -10:]), 30, 0.1)
          and np.median(nb["steps"][MPC][:, -10:]) > np.median(nb["steps"][MCTS][:, -10:])),
    Claim("08_decision_time_planning", "Their first episode takes hundreds of steps, against about 15 for Q-learning and Dyna-Q",
          lambda nb: all(np.median(nb["steps"][agent][:, 0]) >= 200 for agent in (MPC, MCTS))
          and all(about(np.median(nb["steps"][agent][:, 0]), 15, 0.2) for agent in (QL, DQ))),
    Claim("08_decision_time_planning", "MPC makes up to 60 and MCTS up to 48 simulated steps, against Dyna-Q's 10",
          lambda nb: RandomShootingMPC(None).simulated_steps_per_decision() == 60
          and MonteCarloTreeSearch(None, None).simulated_steps_per_decision() == 48),
    Claim("08_decision_time_planning", "with values starting at 0, MCTS needed more than twice the real steps of the optimistic agent, some early episodes wandering for hundreds of steps",
          lambda nb: nb["real_steps"][0.0] > 2 * nb["real_steps"][1.0] and max(nb["episode_steps"]) >= 200),
    Claim("08_decision_time_planning", "tens of times longer per real step than Q-learning",
          lambda nb: all(seconds(nb, agent) > 20 * seconds(nb, QL) for agent in (MPC, MCTS))),
    Claim("08_decision_time_planning", "with the reference solution, several times longer than Dyna-Q",
          lambda nb: all(seconds(nb, agent) > 3 * seconds(nb, DQ) for agent in (MPC, MCTS)), REFERENCE),
    Claim("08_decision_time_planning", "MCTS spends up to 48 simulated steps per real step against Dyna-Q's 10, and more time (with the reference solution, several times more)",
          lambda nb: MonteCarloTreeSearch(None, None).simulated_steps_per_decision() == 48
          and seconds(nb, MCTS) > 3 * seconds(nb, DQ), REFERENCE),
]

# Sentences that look like results but state a setting, a definition, a fact of the
# algorithm or of the book, or reasoning from the claims above: no measured result.
SETTINGS = [
    ("02_planning", "An action taken *in* the goal only ends the episode, with reward 0"),
    ("02_planning", "A pair never tried keeps its initial value 1**, as much as the step into the goal is worth"),
    ("02_planning", "in a state whose actions were never tried, all four values are 1"),
    ("02_planning", "Try k = 0 against k = 50, or a large alpha"),
    ("03_how_much_to_plan", "return the first episode at which the agent has settled"),
    ("03_how_much_to_plan", "We call a value of $k$ near-optimal once the average over its agents (the curve above) stays at or below 30 steps"),
    ("03_how_much_to_plan", "The table below passes it the steps of all 10 agents of each $k$ at once"),
    ("04_shortcut", "A shorter run (300 episodes, the shortcut opening at episode 100)"),
    ("05_q_planning_and_sample_models", "we ask it once about every one of the 400 state-action pairs"),
    ("05_q_planning_and_sample_models", "as a fraction of the best possible (1: it takes an optimal route;"),
    ("05_q_planning_and_sample_models", "0: it never arrives;"),
    ("05_q_planning_and_sample_models", "below 0: its route pays more for red cells than the goal is worth);"),
    ("05_q_planning_and_sample_models", "averaged over all 100 states (0: optimal in every state)"),
    ("05_q_planning_and_sample_models", "a line is the median, the band the 25-75% range"),
    ("05_q_planning_and_sample_models", "The error is the total variation distance"),
    ("05_q_planning_and_sample_models", "Q-planning draws its pairs uniformly over all 400 pairs"),
    ("05_q_planning_and_sample_models", "must first wear down the optimistic initial value 1 of all 400 pairs"),
    ("06_dyna_q_plus", "At episode 50 the move up from 64 silently stops costing -1"),
    ("06_dyna_q_plus", "an episode that reaches the goal earns at most +1 however many steps it takes"),
    ("06_dyna_q_plus", "with a model that assumes such an action leaves the agent where it is with reward 0"),
    ("06_dyna_q_plus", "Their values start at 1, the largest reward"),
    ("06_dyna_q_plus", "the book's maze experiments start from 0"),
    ("06_dyna_q_plus", "the median over the seeds of the episodes it took and the range of the middle half"),
    ("06_dyna_q_plus", "Is that difference large next to the spread between seeds (the 25-75% ranges)?"),
    ("07_prioritized_sweeping", "A prioritized-sweeping agent with $k = 10$ (at most 10 planning updates per real step)"),
    ("07_prioritized_sweeping", "Now the comparison, over 10 seeds"),
    ("07_prioritized_sweeping", "The value table starts at 1 everywhere, an optimistic guess"),
    ("07_prioritized_sweeping", "Each draw hits (79, up) with probability 1/13"),
    ("08_decision_time_planning", "The value table starts at ones, the largest reward"),
    ("08_decision_time_planning", "Each line is the median over the seeds, the band the range from the 25th to the 75th"),
    ("08_decision_time_planning", "(Medians over the 10 seeds, from the table above;"),
]


# --- reading the masters' prose ---------------------------------------------------------

def normal(text):
    return re.sub(r"\s+", " ", text).strip()


@functools.cache
def prose(name):
    """The Markdown of master `name` (prompts, text and model answers), one line."""
    cells = nbformat.read(master_path(name), as_version=4).cells
    return normal(" ".join(cell.source for cell in cells if cell.cell_type == "markdown"))


NOT_RESULTS = [r"\$[^$]*\$", r"`[^`]*`", r"https?://\S+", r"\b(19|20)\d\d\b", r"\(\w\)",
               r"\b([Ss]ections?|[Nn]otebooks?|[Pp]arts?|Exercise|[Qq]uestion|[Ss]teps?) \d+"
               r"(\.\d+)?( (and|to) \d+)?", r"\d+ points?", r"\d+ minutes", r"\d+ seconds?",
               r"\b\d+ s\b"]
RESULT_WORDS = re.compile(
    r"median|mean|average|measured|needs?\b|needed|took|settle|found|fewer|more than|"
    r"less than|about|roughly|times|%|against|sooner|later|longer|shorter|never|only|"
    r"\bvs\b|\d+ of \d+|out of|within|most|every run|all \d+", re.IGNORECASE)


def result_sentences(text):
    """Sentences of `text` with a number (not a setting-shaped one: LaTeX, code, a
    section, a year, points or a duration) and a word of comparison or result."""
    found = []
    for sentence in re.split(r"(?<=[.!?;])\s+", normal(text)):
        bare = sentence
        for pattern in NOT_RESULTS:
            bare = re.sub(pattern, " ", bare)
        if re.search(r"\d", bare) and RESULT_WORDS.search(bare):
            found.append(sentence)
    return found


def claim_id(claim):
    return f"{claim.notebook[:2]}: {claim.phrase[:60]}"


# --- the tests ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def second_run():
    """`second_run(name)`: the variables of notebook `name`'s experiments run with the
    second answers (tests/second_answers.py), once per module."""
    return functools.cache(lambda name: {**run_experiments_in_process(
        name, second_answers.SOURCES, SECOND_RUN_CHANGES.get(name, ())), "_answers": "second"})


def sentence_holding(name, phrase):
    """The sentence of master `name`'s prose that holds `phrase` (sentences end at . ! ?)."""
    text, ends = prose(name), (". ", "! ", "? ")
    start = text.index(normal(phrase))
    begin = max(text.rfind(end, 0, start) for end in ends)
    stops = [i for i in (text.find(end, start + len(normal(phrase))) for end in ends) if i >= 0]
    return text[0 if begin < 0 else begin + 2:min(stops, default=len(text))]


@pytest.mark.parametrize("claim", CLAIMS, ids=claim_id)
def test_claim_is_in_its_master_and_true_of_the_notebooks_run(claim, filled_notebook):
    assert normal(claim.phrase) in prose(claim.notebook), (
        "the master no longer says this: update CLAIMS to what it says now")
    _, variables = filled_notebook(claim.notebook)
    assert claim.check({**variables, "_answers": "reference"}), (
        f"not what the notebook's code computes: {claim.phrase!r}")


@pytest.mark.parametrize("claim", [c for c in CLAIMS if c.scope != REFERENCE], ids=claim_id)
def test_claim_holds_with_other_correct_answers(claim, second_run):
    assert claim.check(second_run(claim.notebook)), (
        f"not true with other correct answers: {claim.phrase!r}; check it with more answers or "
        "say in its sentence that it holds for the reference solution (and mark it REFERENCE)")


@pytest.mark.parametrize("claim", [c for c in CLAIMS if c.scope == REFERENCE], ids=claim_id)
def test_a_claim_of_the_reference_only_says_so(claim):
    assert "reference solution" in sentence_holding(claim.notebook, claim.phrase)


def test_the_second_answers_differ_from_the_reference_where_the_checks_allow():
    """The second run would prove little if its answers drew the same random numbers."""
    _, steps, *_ = extra_planning_run("second")
    assert steps.sum() != extra_planning_run("reference")[1].sum()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_result_sentence_of_a_master_is_a_listed_claim_or_setting(name):
    listed = [normal(phrase) for notebook, phrase, *_ in CLAIMS + SETTINGS if notebook == name]
    unlisted = [sentence for sentence in result_sentences(prose(name))
                if not any(phrase in sentence or sentence in phrase for phrase in listed)]
    assert unlisted == [], "list each in CLAIMS with a check (or in SETTINGS if it states no result)"


def test_the_detector_flags_result_sentences_and_not_settings():
    text = ("Dyna-Q needs a median of 11 episodes against 3. Both agents find it in 17 of 20 "
            "runs. **Time:** about 20 minutes. See section 8.4 (Sutton and Barto, 2018). "
            "With $k = 10$ the agent runs `n_episodes=500`.")
    assert result_sentences(text) == ["Dyna-Q needs a median of 11 episodes against 3.",
                                      "Both agents find it in 17 of 20 runs."]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: f"{s[0][:2]}: {s[1][:60]}")
def test_listed_settings_are_still_in_their_masters(setting):
    notebook, phrase = setting
    assert normal(phrase) in prose(notebook)


def test_readme_gives_each_notebook_the_time_its_master_gives():
    readme = (ROOT / "README.md").read_text()
    for name in NOTEBOOKS:
        minutes = re.search(r"\*\*Time:\*\* about (\d+) minutes", prose(name)).group(1)
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"| ~{minutes} min |" in row, f"README's row for {name} should say ~{minutes} min"
