"""The outputs of a graded batch, written from its Outcomes: the gradebook
(`OUT/gradebook.csv`), the feedback files and their index per student, the review pages
of the written answers and their state, the class report, the wide CSV, the LMS's import
file and, beside them, the scores that changed since the previous gradebook.
`autograder.grade` decides what is graded; nothing here grades.
"""

from collections import defaultdict
from typing import NamedTuple

from . import exports, gradebook, hand_grading, lms, report, review_pages
from . import roster as roster_module
from .course import NOTEBOOKS
from .masters import questions, written_questions
from .results import Status


class Graded(NamedTuple):
    """What grading a batch gave: the Outcomes by (student, notebook), the gradebook's
    rows, the problems found in OUT/manual_scores.csv (one line each), the scores that
    changed since the previous gradebook (gradebook.Change), the files that are no
    course notebook (intake.Found, with why) and the lines the summary adds (identity,
    intake, lateness, hand grading, exports)."""
    outcomes: dict
    rows: list
    problems: list
    changes: list = None  # None: there was no previous gradebook (of this version)
    strays: list = ()
    notes: list = ()


class Export(NamedTuple):
    """What the files for the LMS need beyond the batch: the LMS to write an import file
    for (None: none), notebook -> LMS assignment name, and whether strangers and test
    students go in."""
    lms: str = None
    titles: dict = None
    everyone: bool = False


def write_results(out_dir, outcomes, contents, batch, reasons, export=Export()):
    """Write everything a batch's `outcomes` give, with the hand scores of
    OUT/manual_scores.csv (see the module's docstring), with the Batch's students' names,
    lateness and stray files, and the LMS file `export` asks for. Returns a Graded, whose
    changes say why with `reasons` ((student, notebook) -> why regraded)."""
    rows = []
    for (student, notebook), outcome in sorted(outcomes.items()):
        late = "yes" if (student, notebook) in batch.late else ""
        rows += [row._replace(late=late)
                 for row in gradebook.rows_for(student, notebook, questions(notebook), outcome)]
    answers, current = {}, {}
    for student, notebook, question in hand_grading.gradable(rows):
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
        if outcome.status is not Status.MISSING:
            gradebook.write_feedback(out_dir, student, notebook, outcome, questions(notebook),
                                     hand[student, notebook])
    changes = _changes(out_dir / "gradebook.csv", rows, reasons, outdated)
    gradebook.write_csv(out_dir / "gradebook.csv", rows)
    review_pages.write_pages(out_dir / "manual", [q for notebook in NOTEBOOKS if any(
        nb == notebook for _, nb in outcomes) for q in written_questions(notebook)], answers,
        standing)
    hand_grading.write_answers(out_dir, current, scores)
    exported = roster_module.exported(batch.students, export.everyone)
    exports.write_wide_csv(out_dir / "grades_wide.csv", rows, exported)
    lms.write_feedback_index(out_dir, batch.students, rows)
    notes = list(batch.notes) + hand_grading.written_lines(rows) \
        + hand_grading.stale_lines(outdated)
    if export.lms:
        path, pending = lms.write_export(out_dir, export.lms, rows, exported, batch.expected,
                                         export.titles)
        notes.append(f"{export.lms} import file: {path} ({len(exported)} students, "
                     f"{len(batch.expected)} notebooks; {pending} cell(s) left empty while "
                     "hand grading is pending)")
    report.write_report(out_dir / "report.html", outcomes, rows, batch.strays)
    return Graded(outcomes, rows, problems, changes, batch.strays, notes)


def _changes(previous, rows, reasons, outdated):
    """The gradebook.Changes from the gradebook at `previous` to `rows`, with the hand
    scores `outdated` flagged, or None if there is none (or it is of an older version)."""
    try:
        old_rows = gradebook.read_csv(previous)
    except (OSError, ValueError):
        return None
    return hand_grading.flag_changes(gradebook.changes(old_rows, rows, reasons), old_rows,
                                     outdated)
