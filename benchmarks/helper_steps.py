"""Section `steps`: the helpers' share of a real step (environment, action choice, value
update, bookkeeping) against one planning call at k = 10 written in the scaffold's style."""

import runpy
import statistics
import time
import types

import numpy as np

from autograder.masters import ROOT
from benchmarks import original_tutorial as original
from benchmarks.runs import learned_model, reference, tutorial_params
from benchmarks.timing import per_call
from helpers import q_learning

STEP_BUDGET = 10.0        # a scaffold-style planning call (k = 10) / helpers' part of a step


# Scaffold-style planning as a student writes it from the prompt (a correct answer of the
# test corpus): candidates once, `np.random.randint` per draw, numpy scalars, the helpers'
# `q_learning` per update.
SCAFFOLD_ANSWER = ROOT / "tests" / "corpus" / "dyna_q_planning" / "correct" / "scaffold_randint.py"
scaffold_planning_once = runpy.run_path(str(SCAFFOLD_ANSWER))["dyna_q_planning"]


# The tutorial's own style: candidates found again for every update (np.where),
# `np.random.choice` per draw; its planning as it is, calling the helpers' `q_learning`.
scaffold_planning_per_step = types.FunctionType(
    original.planning.__code__, {**vars(original), "q_learning": q_learning},
    "scaffold_planning_per_step")


def helper_step_time(learn, world, reps, episodes=200):
    """Median seconds per real step of `learn` with a model update and a planner that do
    nothing: what remains is environment, action choice, value update, bookkeeping."""
    def keep(model, state, action, reward, next_state):
        return model

    def no_planning(model, value, params):
        return value

    times = []
    for rep in range(reps):
        np.random.seed(rep)
        start = time.perf_counter()
        steps = learn(world(), keep, no_planning, tutorial_params(10), 1000, episodes)[2]
        times.append((time.perf_counter() - start) / steps.sum())
    return statistics.median(times)


def bench_steps(report, settings):
    from helpers import QuentinsWorld, learn_environment

    ref = reference()
    model, value = learned_model()
    reps = max(settings.reps, 5)
    report.header("steps: the helpers' part of a real step vs. the student's planning call",
                  ["helpers' step: learn_environment with a model update and planner that do "
                   "nothing (environment, epsilon-greedy, q_learning, bookkeeping)",
                   "planning calls at k=10 on the learned model of `calls`; budget: the call "
                   f"costs >= {STEP_BUDGET:g}x a helpers' step ('far less')",
                   f"median over {reps} runs"])
    theirs_steps, ours_steps = [], []
    for rep in range(reps):
        pair = [(theirs_steps, original.learn_environment, original.OriginalQuentinsWorld),
                (ours_steps, learn_environment, QuentinsWorld)]
        if rep % 2:
            pair.reverse()
        for sink, learn, world in pair:
            report.progress(f"helpers' step {rep + 1}/{reps}")
            sink.append(helper_step_time(learn, world, 1))
    theirs_step, ours_step = statistics.median(theirs_steps), statistics.median(ours_steps)
    report.row("steps", "helpers' part of one real step", theirs_step, ours_step, "-", None,
               unit="us")
    params = tutorial_params(10)
    report.say("   below, `baseline` = one planning call at k=10, `course` = the helpers' "
               "step, ratio = call / step")
    for label, planner, budgeted in (
            ("scaffold call k=10, candidates once / step", scaffold_planning_once, True),
            ("scaffold call k=10, candidates per update / step",
             scaffold_planning_per_step, True),
            ("reference call k=10 (masters) / step", ref.planning, False)):
        v = value.copy()
        np.random.seed(0)
        call = per_call(lambda: planner(model, v, params), 1000, reps)
        ratio = call / ours_step
        report.row("steps", label, call, ours_step,
                   f">= {STEP_BUDGET:g}x" if budgeted else "-",
                   (ratio >= STEP_BUDGET) if budgeted else None, unit="us", ratio=ratio)
