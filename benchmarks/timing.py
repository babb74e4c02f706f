"""How the benchmark times things: baseline and course alternately, medians, and
checks that both gave the same outputs."""

import statistics
import time

import numpy as np


def side_by_side(report, label, baseline, ours, reps, check=None):
    """Run `baseline()` and `ours()` `reps` times each, alternating which goes first.

    Returns the median wall times `(baseline, ours)` and the ratio of their median
    CPU times (of this process). `check(baseline_output, ours_output)` is called on
    every pair of outputs (e.g. to assert seed parity)."""
    times = {"baseline": [], "ours": []}
    cpu = {"baseline": [], "ours": []}
    for rep in range(reps):
        order = [("baseline", baseline), ("ours", ours)]
        if rep % 2:
            order.reverse()
        outputs = {}
        for name, function in order:
            report.progress(f"{label}: {'original' if name == 'baseline' else 'course'} "
                            f"{rep + 1}/{reps}")
            start, start_cpu = time.perf_counter(), time.process_time()
            outputs[name] = function()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
        if check is not None:
            check(outputs["baseline"], outputs["ours"])
    cpu_ratio = statistics.median(cpu["baseline"]) / max(statistics.median(cpu["ours"]), 1e-9)
    return statistics.median(times["baseline"]), statistics.median(times["ours"]), cpu_ratio


def seeded(seed, function, *args, **kwargs):
    """`function(*args, **kwargs)` as a callable that seeds NumPy's global generator first."""
    def run():
        np.random.seed(seed)
        return function(*args, **kwargs)
    return run


def assert_same(what):
    """A `check` for `side_by_side` that both sides returned equal arrays."""
    def check(theirs, ours):
        theirs = theirs if isinstance(theirs, tuple) else (theirs,)
        ours = ours if isinstance(ours, tuple) else (ours,)
        for a, b in zip(theirs, ours, strict=True):
            if not np.array_equal(np.asarray(a), np.asarray(b)):
                raise AssertionError(f"seed parity broken in {what}: the course's numbers "
                                     "differ from the original tutorial's")
    return check


def per_call(function, calls, reps):
    """Median over `reps` of the wall time per call of `function()` over `calls` calls."""
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def per_call_side_by_side(baseline, ours, calls, reps, seed=0):
    """Per-call medians of two callables, alternating between them rep by rep."""
    theirs, mine = [], []
    for rep in range(reps):
        pair = [(theirs, baseline), (mine, ours)]
        if rep % 2:
            pair.reverse()
        for sink, function in pair:
            np.random.seed(seed + rep)
            sink.append(per_call(function, calls, 1))
    return statistics.median(theirs), statistics.median(mine)
