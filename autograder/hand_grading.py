"""Written answers, graded by hand: what each student wrote, and the scores and comments
a TA gives in `OUT/manual_scores.csv` (`student,notebook,question,score,comment,
answer_fingerprint`; a file without the last column, as written before it existed, or a
line typed without it, still loads).

A hand score belongs to the answer it scored: `answer_fingerprint` is a digest of that
answer (`fingerprint`). When the student's answer changes, its score "needs regrading by
hand": it is listed in the summary and in the change report, counts 0 (the LMS files
leave it empty) and is shown on the review page beside the new answer until a TA scores
that answer or keeps the score for it. A score saved with no fingerprint is taken as the
score of the answer graded now. Each run also writes the state of every written answer to
`OUT/manual/answers.csv` (`ANSWERS_COLUMNS`: its fingerprint, its state, and the score and
comment saved for it, current or not); `write_scores` reads it to give a score saved
without a fingerprint the answer graded now. The review pages carry each answer's
fingerprint and mark a saved score whose fingerprint differs.

The file is read line by line: a line that is malformed, names a student, notebook or
question with nothing to grade by hand, or gives a score outside 0 to the question's
points is reported with its line number and changes nothing. The other lines fill the
gradebook's written-answer rows (status `graded by hand`) and put their comments in the
student's feedback. The file is never written by grading, so regrading the autograded
part never loses a hand score.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass

from helpers.answers import number_text

from .gradebook import Change, Kind, write_atomically
from .masters import written_questions

SCORES_FILE = "manual_scores.csv"
COLUMNS = ("student", "notebook", "question", "score", "comment", "answer_fingerprint")
OLD_COLUMNS = COLUMNS[:5]  # files written before hand scores had fingerprints
GRADED_BY_HAND = "graded by hand"  # the status text of a written answer scored by hand
NEEDS_REGRADING = Kind.NEEDS_REGRADING.value  # and of one whose answer changed since
ANSWERS_FILE = "manual/answers.csv"
ANSWERS_COLUMNS = ("student", "notebook", "question", "answer_fingerprint", "state", "score",
                   "comment")


@dataclass(frozen=True)
class HandScore:
    student: str
    notebook: str
    question: str
    score: float
    comment: str = ""
    fingerprint: str = ""  # of the answer it scored; "" when not recorded


def fingerprint(answer):
    """A short digest of a written answer's text (ends and line endings ignored); "" when
    there is no answer."""
    text = "\n".join(line.rstrip() for line in (answer or "").strip().splitlines())
    return hashlib.sha256(text.encode()).hexdigest()[:16] if text else ""


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
    if not lines or tuple(c.strip() for c in lines[0]) not in (COLUMNS, OLD_COLUMNS):
        return {}, [f"{path.name}, line 1: the header must be {','.join(COLUMNS)}"]
    for number, fields in enumerate(lines[1:], start=2):
        if not any(field.strip() for field in fields):
            continue
        problem = problem_of(fields, answers, len(lines[0]))
        if problem:
            problems.append(f"{path.name}, line {number}: {problem}; the line is ignored")
            continue
        score = hand_score(fields)
        scores[score.student, score.notebook, score.question] = score
    return scores, problems


def hand_score(fields):
    """The HandScore of one checked line."""
    student, notebook, question, score, comment, *answer = (f.strip() for f in fields)
    return HandScore(student, notebook, question, float(score), comment, "".join(answer))


def problem_of(fields, answers, width=len(COLUMNS)):
    """What is wrong with one line of the scores file, given the gradebook's Answers and
    the number of columns of the file's header (a line may leave out the fingerprint),
    or None."""
    if not len(OLD_COLUMNS) <= len(fields) <= width:  # the fingerprint may be left out
        return f"it has {len(fields)} fields, not {width} ({','.join(COLUMNS[:width])})"
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


def stale(scores, current):
    """The hand scores (of `scores`, by key) given to an answer other than the current one
    (`current`: (student, notebook, question) -> fingerprint of the answer now)."""
    return {key: given for key, given in scores.items()
            if given.fingerprint and given.fingerprint != current.get(key, "")}


def apply(rows, scores, current=None):
    """`rows` with the written answers that have a current hand score filled in; those
    whose answer changed since (see `stale`) need regrading by hand and count 0."""
    outdated = stale(scores, current or {})
    return [(row._replace(score=0, status=NEEDS_REGRADING, kind=Kind.NEEDS_REGRADING)
             if key in outdated else
             row._replace(score=scores[key].score, status=GRADED_BY_HAND, kind=Kind.GRADED_BY_HAND))
            if (key := (row.student, row.notebook, row.question)) in scores else row
            for row in rows]


def written_lines(rows):
    """The summary's lines on the written questions: per question, how many answers are
    graded by hand, pending and needing regrading (of the notebooks handed in)."""
    counts = {}
    for row in rows:
        if row.kind.written:
            tally = counts.setdefault((row.notebook, row.question), [0, 0, 0])
            tally[(Kind.GRADED_BY_HAND, Kind.AWAITING_HAND, Kind.NEEDS_REGRADING).index(row.kind)] += 1
    lines = [f"  {notebook} {question}: {graded} graded by hand, {pending} pending"
             + (f", {again} needing regrading" if again else "")
             for (notebook, question), (graded, pending, again) in sorted(counts.items())]
    return ["written questions (graded by hand; totals count them 0 until graded):"] + lines \
        if lines else []


def stale_lines(outdated):
    """The hand scores that need regrading, as the summary lists them."""
    if not outdated:
        return []
    return [f"NEEDS REGRADING BY HAND: {len(outdated)} written answer(s) changed since they "
            "were scored; the old score counts 0 until a TA scores the new answer "
            "(make review):"] + [
        f"  {g.student} {g.notebook} {g.question}: was {number_text(g.score)}"
        + (f" ({g.comment})" if g.comment else "") for g in outdated.values()]


def flag_changes(changes, old_rows, outdated):
    """The change report's Changes with every answer that newly needs regrading said so
    (and listed, even when its score did not move)."""
    before = {(r.student, r.notebook, r.question): r.kind for r in old_rows}
    why = "the written answer changed since it was scored: needs regrading by hand"
    flagged = [c._replace(why=f"{c.why}; {why}") if (c.student, c.notebook, c.question)
               in outdated else c for c in changes]
    listed = {(c.student, c.notebook, c.question) for c in changes}
    return flagged + [Change(*key, g.score, 0, why) for key, g in outdated.items()
                      if key not in listed and before.get(key) not in (None, Kind.NEEDS_REGRADING)]


def write_scores(path, scores, current=None):
    """Write `scores` (HandScore values) as the scores file, sorted, atomically. A score
    with no fingerprint gets the current answer's (`current`, by default read from the
    answers file beside it)."""
    current = read_answers(path.parent) if current is None else current
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for score in sorted(scores, key=lambda s: (s.student, s.notebook, s.question)):
        answer = score.fingerprint or current.get((score.student, score.notebook, score.question), "")
        writer.writerow([score.student, score.notebook, score.question, number_text(score.score),
                         score.comment, answer])
    write_atomically(path, buffer.getvalue())


def write_answers(out_dir, current, scores):
    """Write OUT/manual/answers.csv: every written answer waiting for a hand score with its
    fingerprint (`current`), its state (`pending`, `graded by hand` or `needs regrading by
    hand`) and the score and comment saved for it (`scores`), even an outdated one."""
    outdated = stale(scores, current)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ANSWERS_COLUMNS)
    for key, answer in sorted(current.items()):
        given = scores.get(key)
        state = NEEDS_REGRADING if key in outdated else GRADED_BY_HAND if given else "pending"
        writer.writerow([*key, answer, state, number_text(given.score) if given else "",
                         given.comment if given else ""])
    write_atomically(out_dir / ANSWERS_FILE, buffer.getvalue())


def read_answers(out_dir):
    """{(student, notebook, question): fingerprint} of OUT/manual/answers.csv ({} if none)."""
    try:
        with open(out_dir / ANSWERS_FILE, newline="", encoding="utf-8") as handle:
            return {(r["student"], r["notebook"], r["question"]): r["answer_fingerprint"]
                    for r in csv.DictReader(handle)}
    except FileNotFoundError:
        return {}
