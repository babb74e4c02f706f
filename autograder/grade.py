"""Grade a folder of submissions into a gradebook.

`python -m autograder.grade SUBMISSIONS OUT [--jobs N] [--timeout S] [--regrade] [--unsafe]
[--layout L] [--roster CSV] [--deadlines CSV] [--assignments CSV] [--lms canvas|moodle]
[--export-all]` grades every submission found in SUBMISSIONS (see `autograder.intake`;
students matched to the roster by `autograder.roster`, lateness by
`autograder.deadlines`) against `autograder/zips/<notebook>.zip`, in parallel; each
submission runs in its own sandboxed process with time, resource and output limits (see
`autograder.sandbox`), isolated from the machine (see `autograder.isolation`). Without
isolation it refuses to grade, unless given `--unsafe` or the folder is the course's own
examples. It prints the isolation it got and writes it to `OUT/isolation.txt`; it plans
the batch (what is reused, what is graded and why), grades, and has `autograder.outputs`
write the gradebook (`OUT/gradebook.csv`, one row per question), the feedback files and
the rest; it prints the summary (also `OUT/summary.txt`): how the batch went, who is not
on the roster or handed in nothing, what was late, in the wrong assignment or needs
regrading by hand. Finished submissions are remembered in `OUT/results/`, so an
interrupted run resumes.
"""

import argparse
import dataclasses
import hashlib
import json
import os
import pathlib
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import NamedTuple

from tqdm import tqdm

from . import deadlines as deadlines_module
from . import grade_one, gradebook, intake, lms, outputs, sandbox
from . import isolation as isolation_module
from . import tiers
from . import roster as roster_module
from .course import NOTEBOOKS
from .masters import ROOT
from .results import CacheKey, Outcome, Status, not_graded

ZIPS = ROOT / "autograder" / "zips"


class Interrupted(Exception):
    """The batch was stopped (Ctrl-C): the gradebook was left as it was; `kept` results
    finished before and are remembered for the next run."""

    def __init__(self, kept):
        super().__init__(f"interrupted: the gradebook was left as it was; finished results "
                         f"kept for the next run: {kept}")
        self.kept = kept


EXAMPLES = ROOT / "examples" / "submissions"  # written by `make course`: the course's own
DEFAULT_TIMEOUT = 300
MISSING_DETAIL = "missing: nothing handed in"


def _digest(data):
    return hashlib.sha256(data).hexdigest()[:20]


def fingerprint(content, zip_path, isolation):
    """The CacheKey of a submission's bytes graded with the autograder zip at `zip_path`
    (its tests, hidden checks and graded code; no documentation) in `isolation`."""
    return CacheKey(_digest(content), _digest(pathlib.Path(zip_path).read_bytes()),
                    _digest(isolation.summary.encode()))


WHAT_CHANGED = {"submission": "the submission changed", "autograder": "the tests changed",
                "isolation": "the isolation changed"}


def what_changed(old_key, new_key):
    """Why a submission was graded again, from its previous CacheKey (None: there was
    none) and its new one."""
    if old_key is None:
        return "graded for the first time"
    return " and ".join(WHAT_CHANGED[part] for part in old_key.changed(new_key)) \
        or "regraded on request"


def grade_safely(zip_path, filename, content, timeout, isolation):
    """Grade one submission (its bytes, read when the batch started); never raises."""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        copy = pathlib.Path(tmp) / filename
        copy.write_bytes(content)
        try:
            return grade_one.grade(str(zip_path), str(copy), timeout, isolation)
        except Exception as error:  # a fault of the grader: report it, grade the rest
            return not_graded(Status.GRADER_ERROR,
                              f"grading error: {type(error).__name__}: {error}"[:300])


def remembered(path):
    """The Outcome remembered at `path`, or None (absent, or written by another version)."""
    try:
        return Outcome.from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Batch(NamedTuple):
    """What a batch holds: the gradable files by (student, notebook), the files that are
    not graded (intake.Found with a reason), the notebooks every student owes, the
    students (roster.Student by id: the roster's, then those the files name), the
    (student, notebook) handed in late and the lines the summary adds about them."""
    files: dict
    strays: list
    expected: tuple
    students: dict
    late: frozenset = frozenset()
    notes: list = ()


def take_in(submissions_dir, layout=None, roster=None, notebooks=None, titles=None,
            deadlines=None):
    """The Batch below `submissions_dir`: files found as `layout` says (intake.find, per
    assignment with `titles`), their students matched to `roster` (id -> roster.Student),
    owing `notebooks` (default: each notebook someone handed in), late as the LMS or
    `deadlines` (notebook -> due time) say."""
    roster = roster or {}
    layout = layout or intake.detect_layout(submissions_dir)
    found, students = [], dict(roster)
    times = deadlines_module.moodle_times(submissions_dir) if layout == "moodle" and deadlines else {}
    for item in intake.find(submissions_dir, layout, notebooks, titles):
        owner = roster_module.match(item.student, item.name, roster) if item.student else None
        canvas_id = item.student if layout == "canvas" else ""
        if owner and canvas_id and not students[owner].canvas_id:
            students[owner] = dataclasses.replace(students[owner], canvas_id=canvas_id)
        elif item.student and not owner:
            students.setdefault(item.student, roster_module.Student(item.student, item.name,
                                                                    canvas_id=canvas_id))
        found.append(dataclasses.replace(item, student=owner or item.student,
                                         late=deadlines_module.is_late(item, layout, deadlines, times)))
    found = intake.newest_only(found)  # two submitters may be one roster student
    files = {(f.student, f.notebook): f for f in found if f.notebook}
    handed_in = {notebook for _, notebook in files}
    expected = tuple(n for n in NOTEBOOKS if n in (notebooks or handed_in))
    identity = roster_module.identity(students, roster, {f.student for f in found if f.student})
    late = frozenset(key for key, f in files.items() if f.late)
    return Batch(files, [f for f in found if not f.notebook], expected, students, late,
                 roster_module.identity_text(identity) + intake_lines(found, late, students))


def intake_lines(found, late, students):
    """The summary's lines on how files were taken in: known by content, handed in to the
    wrong assignment, late (`students`: roster.Student by id)."""
    by_content = [f for f in found if f.notebook and f.by_content]
    wrong = [f for f in found if f.assignment and not f.notebook and "wrong assignment" in f.reason]
    lines = [f"known by its Otter metadata, not its name: {f.shown} graded as {f.notebook}"
             for f in by_content]
    if wrong:
        lines += [f"WRONG ASSIGNMENT: {len(wrong)} upload(s) handed in to another notebook's "
                  "assignment, not graded (see files not graded):"]
        lines += [f"  {f.shown}" for f in wrong]
    if late:
        lines += [f"late: {len(late)} submission(s): " + ", ".join(
            f"{students[student].shown} {notebook}" for student, notebook in sorted(late))]
    return lines


def grade_batch(submissions_dir, out_dir, isolation, jobs=None, timeout=DEFAULT_TIMEOUT,
                regrade=False, progress=True, layout=None, roster=None, students=None,
                notebooks=None, titles=None, deadlines=None, lms_name=None, export_all=False):
    """Grade every submission, each contained by `isolation`, and write the gradebook and
    the files beside it (see `outputs.write_results`); return an outputs.Graded.

    `layout`, `roster`, `titles` and `deadlines` say how to read SUBMISSIONS (see
    `take_in`); `lms_name`, `titles` and `export_all` what to export for the LMS. Results remembered
    from earlier runs are reused unless what decides them changed, or `regrade` (all), or
    the submission is one of `students` or `notebooks` (ids or names; those only are then
    graded again). Ctrl-C ends the running sandboxes, starts nothing more, keeps the
    finished results and the previous gradebook, and raises Interrupted."""
    out_dir = pathlib.Path(out_dir)
    for folder in (submissions_dir, out_dir, ROOT):
        if isolation.exposes(folder):
            raise ValueError(f"{folder} lies inside what student code may read "
                             f"({', '.join(isolation.exposed)}): move it elsewhere")
    batch = take_in(submissions_dir, layout, roster, notebooks, titles, deadlines)
    unknown = [n for n in notebooks or () if n not in NOTEBOOKS]
    if unknown:
        raise ValueError(f"no course notebook {unknown[0]!r}: use one of {', '.join(NOTEBOOKS)}")
    students = {roster_module.match(student, student, batch.students) or student
                for student in students or ()}
    unknown = sorted(students - set(batch.students))
    if unknown:
        raise ValueError(f"no student {unknown[0]!r} in {submissions_dir}")
    cache = out_dir / "results"
    cache.mkdir(parents=True, exist_ok=True)
    gradebook.write_atomically(out_dir / "isolation.txt", isolation.summary + "\n")
    plan = _plan(batch, cache, isolation, regrade, students, notebooks)
    outcomes = dict(plan.reused)
    for student in batch.students:
        for notebook in batch.expected:
            outcomes.setdefault((student, notebook), not_graded(Status.MISSING, MISSING_DETAIL))
    outcomes.update(_grade_all(plan.jobs, jobs, timeout, isolation, progress))
    return outputs.write_results(out_dir, outcomes, plan.contents, batch, plan.reasons,
                                 outputs.Export(lms_name, titles, export_all))


class Job(NamedTuple):
    """One submission to grade: whose, which notebook, its file's name and bytes (read
    when the batch started), its CacheKey and the file its result is remembered in."""
    student: str
    notebook: str
    filename: str
    content: bytes
    key: CacheKey
    cached: pathlib.Path


class Plan(NamedTuple):
    """What a batch does with each submission: the remembered Outcomes it reuses, the
    Jobs it grades, why each of those is graded ((student, notebook) -> text), and every
    submission's bytes."""
    reused: dict
    jobs: list
    reasons: dict
    contents: dict


def _plan(batch, cache, isolation, regrade, students, notebooks):
    """The Plan of `batch` with the results remembered in `cache`: one is reused unless
    what decides it changed, or `regrade` (all), or the submission is one of the chosen
    `students` or `notebooks` (when some are chosen, the others are reused as they are)."""
    chosen = students or notebooks
    plan = Plan({}, [], {}, {})
    for (student, notebook), item in sorted(batch.files.items()):
        content = plan.contents[student, notebook] = item.path.read_bytes()  # now: nothing can change it
        key = fingerprint(content, ZIPS / f"{notebook}.zip", isolation)
        cached = cache / student / f"{notebook}.json"
        before = remembered(cached)
        selected = (not students or student in students) and (not notebooks or notebook in notebooks)
        if before is not None and not regrade and (before.key == key or (chosen and not selected)):
            plan.reused[student, notebook] = before
        else:
            plan.reasons[student, notebook] = what_changed(before and before.key, key)
            plan.jobs.append(Job(student, notebook, item.path.name, content, key, cached))
    return plan


def _grade_all(todo, jobs, timeout, isolation, progress):
    """Grade the `todo` Jobs in parallel (`jobs` at a time), remembering each result as it
    comes; the Outcomes by (student, notebook). Raises Interrupted on Ctrl-C."""
    def run(job):
        outcome = grade_safely(ZIPS / f"{job.notebook}.zip", job.filename, job.content, timeout,
                               isolation)
        if sandbox.stopped():  # ended by Ctrl-C: not a result
            return None
        outcome.key = job.key
        gradebook.write_atomically(job.cached, json.dumps(outcome.to_json()))
        return job.student, job.notebook, outcome

    sandbox.allow_starts()
    graded = {}
    pool = ThreadPoolExecutor(jobs or os.cpu_count())
    try:
        with tqdm(total=len(todo), desc="grading", unit="notebook", disable=not progress) as bar:
            for future in as_completed([pool.submit(run, job) for job in todo]):
                student, notebook, outcome = future.result()
                graded[student, notebook] = outcome
                bar.update()
    except KeyboardInterrupt:
        sandbox.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise Interrupted(len(graded)) from None
    pool.shutdown()
    return graded


def isolation_for(submissions_dir, unsafe):
    """The isolation to grade `submissions_dir` in: none when `unsafe`; else bubblewrap
    or, for the course's own examples only, none where bubblewrap cannot be had. Raises
    IsolationUnavailable otherwise."""
    examples = pathlib.Path(submissions_dir).resolve() == EXAMPLES
    return tiers.choose(
        "UNSAFE=1 asked for none" if unsafe else None,
        "grading the course's own example submissions anyway" if examples else None)


def _names(text):
    return [name.strip() for name in text.split(",") if name.strip()] if text else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions")
    parser.add_argument("out")
    parser.add_argument("--jobs", type=int, default=None, help="parallel graders (default: all cores)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help="seconds allowed per notebook (default %(default)s)")
    parser.add_argument("--regrade", action="store_true", help="ignore remembered results")
    parser.add_argument("--unsafe", action="store_true",
                        help="grade without isolation: student code runs with your rights")
    parser.add_argument("--layout", choices=intake.LAYOUTS,
                        help="how SUBMISSIONS is laid out (default: recognised from its files)")
    parser.add_argument("--roster", help="CSV of the students (id,name,email, or an LMS's "
                                         "gradebook export)")
    parser.add_argument("--deadlines", help="CSV notebook,due: lateness from file times")
    parser.add_argument("--assignments", help="CSV notebook,assignment: the LMS's assignment names")
    parser.add_argument("--lms", choices=lms.LMS_NAMES, help="write an import file for this LMS")
    parser.add_argument("--export-all", action="store_true",
                        help="export test students and submitters not on the roster too")
    parser.add_argument("--students", type=_names, help="regrade these students only (a,b)")
    parser.add_argument("--notebooks", type=_names,
                        help="the notebooks due (a,b): regrade these only; the students owe them")
    args = parser.parse_args(argv)
    try:
        roster = roster_module.read_roster(args.roster) if args.roster else None
        deadlines = deadlines_module.read_deadlines(args.deadlines) if args.deadlines else None
        titles = lms.read_assignments(args.assignments) if args.assignments else None
    except (OSError, ValueError) as error:
        sys.exit(f"Not grading: {error}")
    try:
        isolation = isolation_for(args.submissions, args.unsafe)
    except isolation_module.IsolationUnavailable as why:
        sys.exit(tiers.refusal(
            why, f"make grade SUBMISSIONS={args.submissions} OUT={args.out} UNSAFE=1 (or --unsafe)"))
    print(isolation.summary, flush=True)
    try:
        graded = grade_batch(args.submissions, args.out, isolation, jobs=args.jobs,
                             timeout=args.timeout, regrade=args.regrade, layout=args.layout,
                             roster=roster, students=args.students, notebooks=args.notebooks,
                             titles=titles, deadlines=deadlines, lms_name=args.lms,
                             export_all=args.export_all)
    except ValueError as error:  # a folder student code could read, a name that is none
        sys.exit(f"Not grading: {error}")
    except Interrupted as stop:
        sys.exit(f"\n{stop}")
    summary = "\n".join([gradebook.summary(graded.outcomes, graded.rows, graded.strays), "",
                         *graded.notes])
    print(summary)
    gradebook.write_atomically(pathlib.Path(args.out) / "summary.txt", summary + "\n")
    if graded.changes is not None:
        print(gradebook.changes_text(graded.changes))
    for problem in graded.problems:
        print(f"hand scores: {problem}")
    out = pathlib.Path(args.out)
    print(f"gradebook: {out / 'gradebook.csv'}; class report: {out / 'report.html'}; written "
          f"answers to grade by hand: {out / 'manual'} (open them with `make review OUT={out}`)")


if __name__ == "__main__":
    main()
