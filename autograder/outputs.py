"""The six outputs of a graded batch, written from its Outcomes: the gradebook
(`OUT/gradebook.csv`), the feedback files, the review pages of the written answers, the
class report, the wide CSV and, beside them, the scores that changed since the previous
gradebook. `autograder.grade` decides what is graded; nothing here grades.
"""

from collections import defaultdict
from typing import NamedTuple

from . import exports, gradebook, hand_grading, report, review_pages
from .course import NOTEBOOKS
from .masters import questions, written_questions
from .results import Status


class Graded(NamedTuple):
    """What grading a batch gave: the Outcomes by (student, notebook), the gradebook's
    rows, the problems found in OUT/manual_scores.csv (one line each), the scores that
    changed since the previous gradebook (gradebook.Change) and the files that are no
    course notebook (intake.Found, with why)."""
    outcomes: dict
    rows: list
    problems: list
    changes: list = None  # None: there was no previous gradebook (of this version)
    strays: list = ()


def write_results(out_dir, outcomes, contents, batch, reasons):
    """Write everything a batch's `outcomes` give, with the hand scores of
    OUT/manual_scores.csv: the gradebook, the feedback files, the review pages of the
    written answers, the class report and the wide CSV (with the Batch's students' names
    and its stray files). Returns a Graded, whose changes say why with `reasons`
    ((student, notebook) -> why regraded)."""
    rows = []
    for (student, notebook), outcome in sorted(outcomes.items()):
        rows += gradebook.rows_for(student, notebook, questions(notebook), outcome)
    waiting = hand_grading.gradable(rows)
    scores, problems = hand_grading.read_scores(out_dir / hand_grading.SCORES_FILE, rows)
    rows = hand_grading.apply(rows, scores)
    hand = defaultdict(dict)  # (student, notebook) -> {question: hand score}
    for (student, notebook, question), given in scores.items():
        hand[student, notebook][question] = given
    for (student, notebook), outcome in outcomes.items():
        if outcome.status is not Status.MISSING:
            gradebook.write_feedback(out_dir, student, notebook, outcome, questions(notebook),
                                     hand[student, notebook])
    changes = _changes(out_dir / "gradebook.csv", rows, reasons)
    gradebook.write_csv(out_dir / "gradebook.csv", rows)
    answers = {}
    for student, notebook, question in waiting:
        written = hand_grading.written_answers(contents[student, notebook], notebook)
        answers.setdefault((notebook, question), {})[student] = written.get(question)
    review_pages.write_pages(out_dir / "manual", [q for notebook in NOTEBOOKS if any(
        nb == notebook for _, nb in outcomes) for q in written_questions(notebook)], answers, scores)
    exports.write_wide_csv(out_dir / "grades_wide.csv", rows, batch.students)
    report.write_report(out_dir / "report.html", outcomes, rows, batch.strays)
    return Graded(outcomes, rows, problems, changes, batch.strays)


def _changes(previous, rows, reasons):
    """The gradebook.Changes from the gradebook at `previous` to `rows`, or None if there
    is none (or it is of an older version)."""
    try:
        return gradebook.changes(gradebook.read_csv(previous), rows, reasons)
    except (OSError, ValueError):
        return None
