"""Written answers, graded by hand: what each student wrote, and the scores and comments
a TA gives in `OUT/manual_scores.csv` (`student,notebook,question,score,comment`).

The file is read line by line: a line that is malformed, names a student, notebook or
question with nothing to grade by hand, or gives a score outside 0 to the question's
points is reported with its line number and changes nothing. The other lines fill the
gradebook's written-answer rows (status `graded by hand`) and put their comments in the
student's feedback. The file is never written by grading, so regrading the autograded
part never loses a hand score.
"""

import csv
import io
import json
from dataclasses import dataclass

from helpers.answers import number_text

from .gradebook import Kind, write_atomically
from .masters import written_questions

SCORES_FILE = "manual_scores.csv"
COLUMNS = ("student", "notebook", "question", "score", "comment")
GRADED_BY_HAND = "graded by hand"  # the status text of a written answer scored by hand


@dataclass(frozen=True)
class HandScore:
    student: str
    notebook: str
    question: str
    score: float
    comment: str = ""


def written_answers(content, notebook):
    """{question: the Markdown the student wrote} for the written questions of `notebook`,
    from the submission's bytes: each answer is the answer cell after the question's text
    (the first Markdown cell after it, if the cell lost its tag)."""
    try:
        cells = json.loads(content).get("cells", [])
    except (ValueError, AttributeError):
        return {}
    text = ["".join(c.get("source", "")) if isinstance(c.get("source"), list)
            else str(c.get("source", "")) for c in cells]
    answers = {}
    for question in written_questions(notebook):
        start = question.text.split("\n", 1)[0][:60]
        at = next((i for i, source in enumerate(text) if start in source), None)
        if at is None:
            continue
        following = [i for i in range(at + 1, len(cells)) if cells[i].get("cell_type") == "markdown"]
        tagged = [i for i in following if "otter_answer_cell" in cells[i].get("metadata", {}).get("tags", [])]
        chosen = (tagged or following)[:1]
        if chosen:
            answers[question.name] = text[chosen[0]]
    return answers


def gradable(rows):
    """{(student, notebook, question): points} of the rows waiting for a hand score."""
    return {(r.student, r.notebook, r.question): float(r.max_score)
            for r in rows if r.kind.written}


class Answers:
    """What the gradebook's rows say about the answers a scores file may name."""

    def __init__(self, rows):
        self.status = {(r.student, r.notebook, r.question): r.status for r in rows}
        self.students = {r.student for r in rows}
        self.waiting = gradable(rows)


def read_scores(path, rows):
    """The hand scores in the file at `path` for the gradebook `rows`:
    ({(student, notebook, question): HandScore}, [problem, ...]); a later line for the
    same answer replaces an earlier one. A missing file has no scores and no problems."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}, []
    scores, problems, answers = {}, [], Answers(rows)
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or [c.strip() for c in lines[0]] != list(COLUMNS):
        return {}, [f"{path.name}, line 1: the header must be {','.join(COLUMNS)}"]
    for number, fields in enumerate(lines[1:], start=2):
        if not any(field.strip() for field in fields):
            continue
        problem = problem_of(fields, answers)
        if problem:
            problems.append(f"{path.name}, line {number}: {problem}; the line is ignored")
            continue
        score = hand_score(fields)
        scores[score.student, score.notebook, score.question] = score
    return scores, problems


def hand_score(fields):
    """The HandScore of one checked line."""
    student, notebook, question, score, comment = (f.strip() for f in fields)
    return HandScore(student, notebook, question, float(score), comment)


def problem_of(fields, answers):
    """What is wrong with one line of the scores file, given the gradebook's Answers, or
    None."""
    if len(fields) != len(COLUMNS):
        return f"it has {len(fields)} fields, not {len(COLUMNS)} ({','.join(COLUMNS)})"
    student, notebook, question, score = (f.strip() for f in fields[:4])
    key = (student, notebook, question)
    if student not in answers.students:
        return f"there is no student {student!r} in the gradebook"
    if key not in answers.status:
        return f"{student} has no written answer {question!r} in {notebook!r}"
    if key not in answers.waiting:
        return f"{student}'s {question!r} in {notebook} cannot be graded by hand: {answers.status[key]}"
    try:
        value = float(score)
    except ValueError:
        return f"the score {score!r} is not a number"
    points = answers.waiting[key]
    if not 0 <= value <= points:
        return f"the score {score} is outside 0 to {number_text(points)}, the question's points"
    return None


def apply(rows, scores):
    """`rows` with the written answers that have a hand score filled in."""
    return [row._replace(score=scores[key].score, status=GRADED_BY_HAND, kind=Kind.GRADED_BY_HAND)
            if (key := (row.student, row.notebook, row.question)) in scores else row
            for row in rows]


def write_scores(path, scores):
    """Write `scores` (HandScore values) as the scores file, sorted, atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for score in sorted(scores, key=lambda s: (s.student, s.notebook, s.question)):
        writer.writerow([score.student, score.notebook, score.question, number_text(score.score),
                         score.comment])
    write_atomically(path, buffer.getvalue())
