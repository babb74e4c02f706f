"""Gradebook rows, the CSV file, per-student feedback and the run summary.

Only formatting and files live here; `autograder.grade` decides what to grade.
"""

import csv
import enum
import io
import os
import pathlib
import secrets
from collections import namedtuple
from statistics import mean

from helpers.answers import number_text

from .masters import questions
from .results import Status, not_defined



class Kind(enum.Enum):
    """What a gradebook row's score is; hand grading and the report select rows by it."""
    AUTOGRADED = "autograded"          # the question's tests ran
    NOT_GRADED = "not graded"          # 0: the notebook, or the question's tests, did not run
    AWAITING_HAND = "awaiting hand"    # a written answer waiting for its hand score
    GRADED_BY_HAND = "graded by hand"  # a written answer with its hand score
    NEEDS_REGRADING = "needs regrading by hand"  # its hand score was for an earlier answer

    @property
    def written(self):
        """Whether the row is a written answer, graded by hand."""
        return self in (Kind.AWAITING_HAND, Kind.GRADED_BY_HAND, Kind.NEEDS_REGRADING)

    @property
    def pending(self):
        """Whether the row is a written answer that still needs a (new) hand score."""
        return self in (Kind.AWAITING_HAND, Kind.NEEDS_REGRADING)


# `status` is for people to read; `kind` is what code selects rows by
Row = namedtuple("Row", "student notebook question score max_score status kind late",
                 defaults=("",))
COLUMNS = Row._fields
MANUAL_STATUS = "manual: grade by hand"


def _new_file(folder, prefix):
    """A new file of a free name in `folder`, open for writing: (descriptor, path). Made
    with mode 0o666, so the umask (or the folder's default ACL) sets its permissions as
    for any file the user makes; unlike mkstemp (0o600), and with no process-wide
    os.umask() call, which would race with other grading threads."""
    while True:
        path = folder / f"{prefix}{secrets.token_hex(6)}"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue


def write_atomically(path, text):
    """Replace `path` with `text` in one step: readers see the old file or the new one."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = _new_file(path.parent, f".{path.name}.")
    with os.fdopen(handle, "w", newline="") as file:
        file.write(text)
    os.replace(temporary, path)


def rows_for(student, notebook, notebook_questions, outcome):
    """One row per question of `notebook` for this submission's Outcome."""
    status = outcome.status_text()
    rows = []
    for question, max_points, manual in notebook_questions:
        if manual and outcome.graded:
            rows.append(Row(student, notebook, question, 0, max_points, MANUAL_STATUS,
                            Kind.AWAITING_HAND))
        elif not manual and question in outcome.questions:
            rows.append(Row(student, notebook, question, outcome.questions[question].score,
                            max_points, status, Kind.AUTOGRADED))
        else:
            rows.append(Row(student, notebook, question, 0, max_points,
                            status if manual or not outcome.questions
                            else "not graded: the question's tests did not run", Kind.NOT_GRADED))
    return rows


def handed_in(outcomes):
    """The (student, notebook) keys of `outcomes` whose notebook was handed in (not
    missing), read from their status, not from a row's text."""
    return {key for key, outcome in outcomes.items() if outcome.status is not Status.MISSING}


def write_csv(path, rows):
    """Write the gradebook CSV atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.student, row.notebook, row.question, number_text(row.score),
                         number_text(row.max_score), row.status, row.kind.value, row.late])
    write_atomically(path, buffer.getvalue())


def read_csv(path):
    """The rows of a gradebook written by `write_csv`; ValueError for another file (one
    written by an older version, without the `kind` column, for instance)."""
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path} is not a gradebook of this version: its columns are not "
                             f"{','.join(COLUMNS)} (grade again to write it)")
        return [Row(r["student"], r["notebook"], r["question"], float(r["score"]),
                    float(r["max_score"]), r["status"], Kind(r["kind"]), r["late"])
                for r in reader]


def feedback_text(student, notebook, outcome, notebook_questions, hand=None):
    """A student's feedback for one notebook, in Markdown; `hand` holds the hand scores
    of its written answers by question (score, comment)."""
    lines = [f"# Feedback on {notebook} for {student}", "", f"Status: {outcome.status_text()}", ""]
    for question, max_points, manual in notebook_questions:
        if manual and question in (hand or {}):
            given = hand[question]
            lines += [f"## {question}: {number_text(given.score)} / {number_text(max_points)}, graded by hand",
                      "", given.comment or "No comment.", ""]
            continue
        if manual:
            lines += [f"## {question}: graded by hand (out of {number_text(max_points)}), not yet "
                      "graded", ""]
            continue
        result = outcome.questions.get(question)
        if result is None:
            lines += [f"## {question}: 0 / {number_text(max_points)}", "", "Not graded (see status).", ""]
            continue
        lines += [f"## {question}: {number_text(result.score)} / {number_text(max_points)}", "",
                  *_checks_text(result.checks), ""]
    return "\n".join(lines)


def _checks_text(checks):
    """The lines listing every check of a question: passed or failed, public or hidden,
    the points it earned of its points, and why it failed. A name the notebook does not
    define is said once, above the list, not in every check it failed."""
    missing = dict.fromkeys(check.missing for check in checks if check.missing)
    notes = [line for name in missing for line in (f"**{not_defined(f'`{name}`')}**", "")]
    return notes + ["Checks:"] + [line for check in checks for line in _check_lines(check)]


def _check_lines(check):
    """One check as a list item: how it went, its points and what it checks, then why it
    failed (unless a name was not defined: that is said above the list)."""
    missing = check.missing
    verdict = "✓ passed" if check.passed else "✗ failed"
    if missing:
        verdict += f" (`{missing}` is not defined)"
    earned = check.points if check.passed else 0
    kind = "hidden" if check.hidden else "public"
    head = f"- {verdict}, {number_text(earned)} of {points_text(check.points)} ({kind} check): {check.title}"
    if check.passed or missing:
        return [head]
    first, *rest = (check.message or "no details").splitlines()
    return [head, f"  - {first}"] + [f"    {line}" for line in rest]


def points_text(value):
    """A number of points as people read it: 1 point, 0.5 points."""
    return f"{number_text(value)} point{'' if value == 1 else 's'}"


def write_feedback(out_dir, student, notebook, outcome, notebook_questions, hand=None):
    write_atomically(pathlib.Path(out_dir) / "feedback" / student / f"{notebook}.md",
                     feedback_text(student, notebook, outcome, notebook_questions, hand))


def _written(notebook):
    """The written (hand-graded) questions of `notebook`."""
    return {question for question, _, manual in questions(notebook) if manual}


def summary(outcomes, rows, strays=()):
    """A plain-text summary: how the submissions went (by their Outcome's status), the
    mean score of each autograded question (written answers are in the class report) and
    every file that was not graded, with why. `outcomes`: Outcomes by (student, notebook);
    `strays`: the files that are no course notebook (intake.Found)."""
    statuses = [outcome.status for outcome in outcomes.values()]
    submitted = [s for s in statuses if s is not Status.MISSING]
    graded = submitted.count(Status.GRADED)
    timed_out = submitted.count(Status.TIMED_OUT)
    by_question, submissions = {}, handed_in(outcomes)
    for row in rows:
        if row.question not in _written(row.notebook) and (row.student, row.notebook) in submissions:
            by_question.setdefault((row.notebook, row.question, row.max_score), []).append(row.score)
    # columns as wide as their longest entry, plus two spaces
    width_nb = max([len("notebook")] + [len(nb) for nb, _, _ in by_question]) + 2
    width_q = max([len("question")] + [len(q) for _, q, _ in by_question]) + 2
    lines = [f"submissions: {len(submitted)}  graded: {graded}  timed out: {timed_out}  "
             f"failed: {len(submitted) - graded - timed_out}  missing: "
             f"{statuses.count(Status.MISSING)}  other files: {len(strays)}",
             "", f"{'notebook':<{width_nb}}{'question':<{width_q}}{'mean':>8}{'max':>6}"]
    for (notebook, question, max_score), scores in sorted(by_question.items()):
        lines.append(f"{notebook:<{width_nb}}{question:<{width_q}}{mean(scores):>8.2f}"
                     f"{number_text(max_score):>6}")
    if strays:
        lines += ["", "files not graded:"] + [f"  {item.shown}: {item.reason}" for item in strays]
    return "\n".join(lines)


Change = namedtuple("Change", "student notebook question old new why")


def changes(old_rows, new_rows, reasons):
    """The scores that differ from the previous gradebook's, as Changes; `reasons` says
    why a submission was graded again ((student, notebook) -> text)."""
    before = {(row.student, row.notebook, row.question): row for row in old_rows}
    found = []
    for row in new_rows:
        old = before.get((row.student, row.notebook, row.question))
        if old is not None and old.score != row.score:
            why = reasons.get((row.student, row.notebook)) or f"now {row.status}"
            found.append(Change(row.student, row.notebook, row.question, old.score, row.score, why))
    return found


def changes_text(found):
    """The Changes as the end of a run lists them."""
    if not found:
        return "no score changed since the previous gradebook"
    return "\n".join([f"scores changed since the previous gradebook: {len(found)}"] + [
        f"  {c.student} {c.notebook} {c.question}: {number_text(c.old)} -> {number_text(c.new)} ({c.why})"
        for c in found])
