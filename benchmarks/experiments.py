"""Section `compute`: the tutorial's experiments at full size in this process, the
original tutorial's code against the helpers driving the masters' reference solutions."""

from benchmarks import original_tutorial as original
from benchmarks.runs import reference, tutorial_params
from benchmarks.timing import assert_same, seeded, side_by_side

COMPUTE_BUDGET = 6.0      # reference solutions, tutorial-size experiments, in-process


def bench_compute(report, settings):
    from helpers import (QuentinsWorld, default_params, learn_environment, run_planning_sweep,
                         run_shortcut_experiment)

    ref = reference()
    light = max(settings.reps, 11)  # sections 2 and 4 take seconds: more runs, steadier medians
    report.header("compute: the tutorial's experiments at full size, in this process",
                  ["baseline: benchmarks/original_tutorial.py (the tutorial's code)",
                   "course:   helpers + the masters' reference model_update/planning",
                   f"seed 1 for both; outputs compared for equality on every run; median of "
                   f"{light} runs ({settings.heavy_reps} for section 3)"])
    items = [
        ("section 2: one full learn_environment run", light,
         seeded(1, lambda: original.learn_environment(
             original.OriginalQuentinsWorld(), original.model_update, original.planning,
             tutorial_params(10), 1000, 500)),
         seeded(1, lambda: learn_environment(QuentinsWorld(), ref.model_update, ref.planning,
                                             default_params(k=10), 1000, 500))),
        ("section 3: planning sweep k=0,1,10,100 x10", settings.heavy_reps,
         seeded(1, original.planning_sweep),
         seeded(1, run_planning_sweep, ref.model_update, ref.planning, progress=False)),
        ("section 4: shortcut, k=0 and 10, 400 episodes", light,
         seeded(1, original.shortcut_experiment),
         seeded(1, run_shortcut_experiment, ref.model_update, ref.planning, progress=False)),
    ]
    totals, cpu_ratios = [0.0, 0.0], []
    for label, n, baseline, ours in items:
        theirs, mine, cpu_ratio = side_by_side(report, label, baseline, ours, n,
                                               assert_same(label))
        totals[0] += theirs
        totals[1] += mine
        cpu_ratios.append(f"{label.split(':')[0]} {cpu_ratio:.2f}x")
        report.row("compute", label, theirs, mine, "-", None)
    report.row("compute", "all three sections (sum of medians)", totals[0], totals[1],
               f">= {COMPUTE_BUDGET:g}x", totals[0] / totals[1] >= COMPUTE_BUDGET)
    report.say("   seed parity: every run of both gave identical arrays")
    report.say("   the budget is for the solution notebooks' experiments together; `calls` "
               "below times one planning call of the masters at k = 10 and the two NumPy "
               "calls every correct answer makes in it")
    report.say("   ratios of CPU time (this process only, less disturbed by other work on "
               "the machine): " + ", ".join(cpu_ratios))
