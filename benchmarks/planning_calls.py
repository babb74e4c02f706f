"""Section `calls`: one planning call at k = 10 and at k = 100 on the same learned model,
the tutorial's `planning` against the masters' reference `planning`."""

import numpy as np

from benchmarks import original_tutorial as original
from benchmarks.runs import learned_model, reference, tutorial_params
from benchmarks.timing import per_call, per_call_side_by_side


def bench_calls(report, settings):
    reps = max(settings.reps, 5)
    ref = reference()
    model, value = learned_model()
    known = int((~np.isnan(model[:, :, 0])).sum())
    report.header("calls: one planning call on a learned model",
                  [f"model after 100 episodes of Dyna-Q k=10 (seed 1): {known} of 400 pairs known",
                   "baseline: the tutorial's planning (np.where and np.random.choice per update)",
                   "course:   the masters' reference planning + helpers.q_learning",
                   f"median over {reps} batches of calls, time per call"])
    for k, calls in ((10, 2000), (100, 200)):
        params = tutorial_params(k)
        v_theirs, v_ours = value.copy(), value.copy()
        theirs, mine = per_call_side_by_side(
            lambda: original.planning(model, v_theirs, params),
            lambda: ref.planning(model, v_ours, params), calls, reps)
        report.row("calls", f"one planning call, k={k}", theirs, mine, "-", None, unit="us")
    candidates = per_call(lambda: np.argwhere(~np.isnan(model[:, :, 0])), 2000, reps)
    draws = per_call(lambda: np.random.randint(known, size=10), 2000, reps)
    report.say(f"   of a call at k=10, np.argwhere (the scaffold's candidates) takes "
               f"{candidates * 1e6:.1f} us and np.random.randint(size=10) {draws * 1e6:.1f} us: "
               "every correct answer makes these two calls")
    report.say("   (the full learn_environment run is section 2 of `compute`)")
