"""Section `grading`: one student's four notebooks with `grade_batch` and a batch of
students (copies of examples/submissions/alice), against Otter's own `otter run`, one
process per notebook, one after the other; and the same batch with and without isolation
(autograder.isolation), alternately: the cost of isolating each submission; and one
student's four notebooks in the sandbox-account tier (Gradescope's, where bubblewrap
cannot run) against the bubblewrap tier, alternately."""

import contextlib
import io
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from autograder.course import CORE_NOTEBOOKS, NOTEBOOKS
from autograder.masters import ROOT
from benchmarks.timing import side_by_side

ONE_STUDENT_BUDGET = 30.0  # seconds of wall time for one student's four notebooks
BATCH_BUDGET = 2.0        # per-notebook throughput of grade_batch / sequential `otter run`
ISOLATION_BUDGET = 1.25   # batch time with isolation / without
ACCOUNT_TIER_BUDGET = 1.25  # one student's four notebooks: sandbox account / bubblewrap
DEFAULT_STUDENTS = 2
FULL_STUDENTS = 40


def make_batch(folder, students, names=CORE_NOTEBOOKS):
    """`students` copies of examples/submissions/alice's notebooks `names` (by default
    the four core ones) under student_01, student_02..."""
    source = ROOT / "examples" / "submissions" / "alice"
    for number in range(1, students + 1):
        (folder / f"student_{number:02d}").mkdir(parents=True)
        for name in names:
            shutil.copy(source / f"{name}.ipynb", folder / f"student_{number:02d}")
    return folder


def otter_command():
    otter = pathlib.Path(sys.executable).with_name("otter")
    return [str(otter)] if otter.exists() else [sys.executable, "-m", "otter"]


def grading_env():
    """What grade_batch gives its graders, so both sides run alike."""
    return dict(os.environ, MPLBACKEND="Agg", PYTHONPATH="")


def otter_run_one_by_one(report, batch, out):
    """`otter run` for every notebook of every student, one process at a time. Returns
    {(student, notebook): seconds}."""
    times = {}
    submissions = sorted(batch.glob("*/*.ipynb"))
    for number, path in enumerate(submissions, 1):
        target = out / path.parent.name / path.stem
        target.mkdir(parents=True, exist_ok=True)
        command = otter_command() + ["run", "-a", str(ROOT / "autograder" / "zips" /
                                                     f"{path.stem}.zip"),
                                    "-o", str(target), str(path)]
        report.progress(f"otter run {number}/{len(submissions)}: {path.parent.name}/{path.name}")
        start = time.perf_counter()
        done = subprocess.run(command, cwd=target, env=grading_env(), capture_output=True)
        times[path.parent.name, path.stem] = time.perf_counter() - start
        if done.returncode != 0 or not (target / "results.json").exists():
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
            raise RuntimeError(f"otter run failed on {path}: {tail[0]}")
    return times


def grade_folder(folder, out, isolation):
    """grade_batch on `folder` in `isolation` with its defaults (jobs = all cores);
    returns its rows."""
    from autograder.grade import grade_batch

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return grade_batch(folder, out, isolation, regrade=True, progress=False).rows


def _not_graded(rows):
    """The gradebook rows that were neither graded nor left for grading by hand."""
    from autograder.gradebook import Kind

    return [r for r in rows if r.kind is Kind.NOT_GRADED]


def bench_grading(report, settings):
    from autograder import isolation, tiers

    reps, students = settings.reps, settings.students
    isolated = isolation.bubblewrap()
    unisolated = tiers.not_isolated("the benchmark's baseline")
    batch_reps = reps if students <= DEFAULT_STUDENTS else 1
    cores = os.cpu_count()
    report.header(
        "grading: examples/submissions/alice copied under several names",
        ["baseline: `otter run -a autograder/zips/<nb>.zip -o DIR <nb>.ipynb`, one "
         "process per notebook, one after the other (Otter's own one-by-one grading)",
         f"course:   autograder.grade.grade_batch(folder, out, regrade=True), default "
         f"jobs ({cores} cores), each submission isolated: {isolated.summary}",
         f"one student: grade_batch on a one-student folder, median of {reps} runs, "
         "against the sum of that student's four `otter run`s (median over students)",
         f"batch: {students} students = {len(CORE_NOTEBOOKS) * students} notebooks, "
         "`otter run` once; grade_batch with and without isolation alternately, median "
         f"of {batch_reps} each, compared by time per notebook"])
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = pathlib.Path(tmp)
        batch = make_batch(tmp / "batch", students)
        one = make_batch(tmp / "one", 1)
        bad = []

        def grade_batch_in(mode):
            return lambda: grade_folder(batch, tmp / "gradebook-batch", mode)

        def keep_failures(*rows_of_each):
            for rows in rows_of_each:
                bad.extend(_not_graded(rows))

        unisolated_batch, ours_batch, _ = side_by_side(
            report, "grade_batch on the whole batch, without / with isolation",
            grade_batch_in(unisolated), grade_batch_in(isolated), batch_reps, keep_failures)

        otter_times = otter_run_one_by_one(report, batch, tmp / "otter")
        theirs_batch = sum(otter_times.values())

        one_student = []
        for rep in range(reps):
            report.progress(f"grade_batch one student {rep + 1}/{reps}")
            start = time.perf_counter()
            rows = grade_folder(one, tmp / f"gradebook-one-{rep}", isolated)
            one_student.append(time.perf_counter() - start)
            keep_failures(rows)
        ours_one = statistics.median(one_student)
        everything = make_batch(tmp / "all", 1, NOTEBOOKS)
        report.progress("grade_batch one student, every notebook")
        start = time.perf_counter()
        rows = grade_folder(everything, tmp / "gradebook-all", isolated)
        ours_all = time.perf_counter() - start
        keep_failures(rows)
        per_student = {}
        for (student, _), seconds in otter_times.items():
            per_student[student] = per_student.get(student, 0.0) + seconds
        theirs_one = statistics.median(per_student.values())

    report.row("grading", "one student, 4 notebooks (wall)", theirs_one, ours_one,
               f"<= {ONE_STUDENT_BUDGET:g} s", ours_one <= ONE_STUDENT_BUDGET)
    report.row("grading", f"one student, all {len(NOTEBOOKS)} notebooks (wall, once)",
               None, ours_all, "-", None)
    n = len(otter_times)
    ratio = (theirs_batch / n) / (ours_batch / n)
    report.row("grading", f"batch of {students} students: time per notebook",
               theirs_batch / n, ours_batch / n, f">= {BATCH_BUDGET:g}x", ratio >= BATCH_BUDGET,
               ratio=ratio)
    cost = ours_batch / unisolated_batch
    report.row("grading", f"batch of {students} students: with / without isolation",
               unisolated_batch / n, ours_batch / n, f"<= {ISOLATION_BUDGET:g}x",
               cost <= ISOLATION_BUDGET, ratio=cost)
    report.say(f"   batch totals: otter run one by one {theirs_batch:.1f} s, grade_batch "
               f"{ours_batch:.1f} s isolated, {unisolated_batch:.1f} s without isolation, "
               f"for {n} notebooks")
    report.say("   otter run per notebook (median): " + ", ".join(
        f"{nb} {statistics.median(t for (s, b), t in otter_times.items() if b == nb):.1f} s"
        for nb in CORE_NOTEBOOKS))
    bench_account_tier(report, settings, isolated)
    if bad:
        statuses = sorted({f"{r.notebook}: {r.status}" for r in bad})
        report.say("   WARNING: grade_batch did not grade everything: " + "; ".join(statuses[:5]))


def bench_account_tier(report, settings, bubblewrap):
    """One student's four notebooks graded in the sandbox-account tier against the
    bubblewrap tier, alternately (the tier needs a root grader)."""
    if os.geteuid() != 0:
        report.say("   sandbox-account tier not measured: it needs a root grader")
        return
    from autograder.sandbox_account import account_tier

    account = account_tier("not used by the benchmark")
    with tempfile.TemporaryDirectory(prefix="bench-account-") as tmp:
        one = make_batch(pathlib.Path(tmp) / "one", 1)
        failures = []
        wrapped, ours, _ = side_by_side(
            report, "one student, bubblewrap / sandbox account",
            lambda: grade_folder(one, pathlib.Path(tmp) / "gradebook-bwrap", bubblewrap),
            lambda: grade_folder(one, pathlib.Path(tmp) / "gradebook-account", account),
            max(settings.reps, 3), lambda *rows: failures.extend(
                r for each in rows for r in _not_graded(each)))
    cost = ours / wrapped
    report.row("grading", "one student, 4 notebooks: sandbox account / bubblewrap",
               wrapped, ours, f"<= {ACCOUNT_TIER_BUDGET:g}x",
               cost <= ACCOUNT_TIER_BUDGET and not failures, ratio=cost)
