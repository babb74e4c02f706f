"""Grade a folder of submissions into a gradebook.

`python -m autograder.grade SUBMISSIONS OUT [--jobs N] [--timeout S] [--regrade] [--unsafe]
[--layout L] [--roster CSV] [--deadlines CSV] [--assignments CSV] [--lms canvas|moodle]
[--export-all]` grades every submission found in SUBMISSIONS (see `autograder.intake`)
against `autograder/zips/<notebook>.zip`, in parallel; each submission runs in its own
sandboxed process with time, resource and output limits (see `autograder.sandbox`),
isolated from the machine (see `autograder.isolation`). Without isolation it refuses to
grade, unless given `--unsafe` or the folder is the course's own examples. It prints the
isolation it got and writes it to `OUT/isolation.txt`, then writes `OUT/gradebook.csv`
(one row per question), `OUT/feedback/<student>/<notebook>.md` with an index per student,
the review pages, the class report, the exports for the LMS and `OUT/summary.txt`: how the
batch went, who is not on the roster or handed in nothing (`autograder.roster`), what was
late, in the wrong assignment or needs regrading by hand. Finished submissions are
remembered in `OUT/results/`, so an interrupted run resumes.
"""

import argparse
import dataclasses
import hashlib
import json
import os
import pathlib
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import NamedTuple

from tqdm import tqdm

from . import deadlines as deadlines_module
from . import exports, grade_one, gradebook, hand_grading, intake, lms, report, review_pages, sandbox
from . import isolation as isolation_module
from . import roster as roster_module
from .course import NOTEBOOKS
from .masters import ROOT, questions, written_questions
from .results import Outcome, Status, not_graded

ZIPS = ROOT / "autograder" / "zips"


class Graded(NamedTuple):
    """What grading a batch gave: the Outcomes by (student, notebook), the gradebook's
    rows, the problems found in OUT/manual_scores.csv (one line each), and the scores
    that changed since the previous gradebook (gradebook.Change)."""
    outcomes: dict
    rows: list
    problems: list
    changes: list = None  # None: there was no previous gradebook
    notes: list = ()  # lines the summary adds: identity, intake, lateness, hand grading, exports


class Interrupted(Exception):
    """The batch was stopped (Ctrl-C): the gradebook was left as it was; `kept` results
    finished before and are remembered for the next run."""

    def __init__(self, kept):
        super().__init__(f"interrupted: the gradebook was left as it was; finished results "
                         f"kept for the next run: {kept}")
        self.kept = kept


EXAMPLES = ROOT / "examples" / "submissions"  # written by `make course`: the course's own
DEFAULT_TIMEOUT = grade_one.SUBMISSION_SECONDS
MISSING_DETAIL = "missing: nothing handed in"


def _digest(data):
    return hashlib.sha256(data).hexdigest()[:20]


def fingerprint(content, zip_path, isolation):
    """What a cached result depends on, part by part: the submission's bytes, the
    autograder's (its tests, hidden checks and graded code; no documentation) and the
    isolation it was graded in."""
    return (f"submission:{_digest(content)} autograder:{_digest(pathlib.Path(zip_path).read_bytes())} "
            f"isolation:{_digest(isolation.summary.encode())}")


WHAT_CHANGED = {"submission": "the submission changed", "autograder": "the tests changed",
                "isolation": "the isolation changed"}


def what_changed(old_key, new_key):
    """Why a submission was graded again, from its previous and its new fingerprint."""
    if not old_key:
        return "graded for the first time"
    old, new = (dict(part.split(":", 1) for part in key.split()) for key in (old_key, new_key))
    changed = [WHAT_CHANGED[part] for part in WHAT_CHANGED if old.get(part) != new.get(part)]
    return " and ".join(changed) or "regraded on request"


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
    the files beside it (see `write_results`); return a Graded.

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
    chosen = students or notebooks
    outcomes, contents, todo, reasons = {}, {}, [], {}
    for (student, notebook), item in sorted(batch.files.items()):
        content = contents[student, notebook] = item.path.read_bytes()  # now: nothing can change it
        key = fingerprint(content, ZIPS / f"{notebook}.zip", isolation)
        cached = cache / student / f"{notebook}.json"
        before = remembered(cached)
        selected = (not students or student in students) and (not notebooks or notebook in notebooks)
        if before is not None and not regrade and (before.key == key or (chosen and not selected)):
            outcomes[student, notebook] = before
        else:
            reasons[student, notebook] = what_changed(before.key if before else "", key)
            todo.append((student, notebook, item.path.name, content, key, cached))
    for student in batch.students:
        for notebook in batch.expected:
            outcomes.setdefault((student, notebook), not_graded(Status.MISSING, MISSING_DETAIL))
    for item in batch.strays:
        outcomes[item.student, item.shown] = not_graded(Status.NOT_A_NOTEBOOK, item.reason)
    outcomes.update(_grade_all(todo, jobs, timeout, isolation, progress))
    graded = write_results(out_dir, outcomes, contents, batch.students, reasons,
                           Export(batch.expected, batch.late, lms_name, titles, export_all))
    return graded._replace(notes=list(batch.notes) + list(graded.notes))


def _grade_all(todo, jobs, timeout, isolation, progress):
    """Grade the `todo` jobs in parallel, remembering each result as it comes; the
    Outcomes by (student, notebook). Raises Interrupted on Ctrl-C."""
    def run(job):
        student, notebook, filename, content, key, cached = job
        outcome = grade_safely(ZIPS / f"{notebook}.zip", filename, content, timeout, isolation)
        if sandbox.stopped():  # ended by Ctrl-C: not a result
            return None
        outcome.key = key
        gradebook.write_atomically(cached, json.dumps(outcome.to_json()))
        return student, notebook, outcome

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


class Export(NamedTuple):
    """What the files for the LMS need beyond the gradebook: the notebooks due, the
    (student, notebook) handed in late, the LMS to write an import file for (None: none),
    notebook -> LMS assignment name, and whether strangers and test students go in."""
    due: tuple = ()
    late: frozenset = frozenset()
    lms: str = None
    titles: dict = None
    everyone: bool = False


def write_results(out_dir, outcomes, contents, students, reasons, export=Export()):
    """Write everything a batch's `outcomes` give, with the hand scores of
    OUT/manual_scores.csv: the gradebook, the feedback files and their index per student,
    the review pages of the written answers and their state (hand_grading.write_answers),
    the class report, the wide CSV and, as `export` says, the LMS's import file (with
    `students`' names). Returns a Graded, whose changes say why with `reasons`
    ((student, notebook) -> why regraded)."""
    rows = []
    for (student, notebook), outcome in sorted(outcomes.items()):
        if notebook in NOTEBOOKS:
            rows += gradebook.rows_for(student, notebook, questions(notebook), outcome)
        else:
            rows.append(gradebook.Row(student, notebook, "", 0, 0, outcome.status_text()))
    rows = [row._replace(late="yes") if (row.student, row.notebook) in export.late else row
            for row in rows]
    waiting = hand_grading.gradable(rows)
    answers, current = {}, {}
    for student, notebook, question in waiting:
        written = hand_grading.written_answers(contents[student, notebook], notebook)
        answers.setdefault((notebook, question), {})[student] = written.get(question)
        current[student, notebook, question] = hand_grading.fingerprint(written.get(question))
    scores, problems = hand_grading.read_scores(out_dir / hand_grading.SCORES_FILE, rows)
    rows = hand_grading.apply(rows, scores, current)
    outdated = hand_grading.stale(scores, current)
    standing = {key: given for key, given in scores.items() if key not in outdated}
    hand = defaultdict(dict)  # (student, notebook) -> {question: hand score}
    for (student, notebook, question), given in standing.items():
        hand[student, notebook][question] = given
    for (student, notebook), outcome in outcomes.items():
        if notebook in NOTEBOOKS and outcome.status is not Status.MISSING:
            gradebook.write_feedback(out_dir, student, notebook, outcome, questions(notebook),
                                     hand[student, notebook])
    previous = out_dir / "gradebook.csv"
    old_rows = gradebook.read_csv(previous) if previous.exists() else None
    changes = None if old_rows is None else hand_grading.flag_changes(
        gradebook.changes(old_rows, rows, reasons), old_rows, outdated)
    gradebook.write_csv(previous, rows)
    review_pages.write_pages(out_dir / "manual", [q for notebook in NOTEBOOKS if any(
        nb == notebook for _, nb in outcomes) for q in written_questions(notebook)], answers, standing)
    hand_grading.write_answers(out_dir, current, scores)
    exported = roster_module.exported(students, export.everyone)
    exports.write_wide_csv(out_dir / "grades_wide.csv", rows, exported)
    lms.write_feedback_index(out_dir, students, rows)
    notes = hand_grading.written_lines(rows) + hand_grading.stale_lines(outdated)
    if export.lms:
        path, pending = lms.write_export(out_dir, export.lms, rows, exported, export.due,
                                         export.titles)
        notes.append(f"{export.lms} import file: {path} ({len(exported)} students, "
                     f"{len(export.due)} notebooks; {pending} cell(s) left empty while hand "
                     "grading is pending)")
    report.write_report(out_dir / "report.html", outcomes, rows)
    return Graded(outcomes, rows, problems, changes, notes)


def isolation_for(submissions_dir, unsafe):
    """The isolation to grade `submissions_dir` in: none when `unsafe`; else bubblewrap
    or, for the course's own examples only, none where bubblewrap cannot be had. Raises
    IsolationUnavailable otherwise."""
    examples = pathlib.Path(submissions_dir).resolve() == EXAMPLES
    return isolation_module.choose(
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
        sys.exit(isolation_module.refusal(
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
    summary = "\n".join([gradebook.summary(graded.outcomes, graded.rows), "", *graded.notes])
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
