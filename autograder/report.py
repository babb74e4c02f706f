"""The class report, `OUT/report.html`: one self-contained page (charts embedded as PNG,
nothing fetched) saying how the class did and what it got wrong.

- the score distribution of each notebook and the mean of each question;
- the misconception map: for every hidden check, the share of graded submissions that
  failed it, in the check's plain words, most common first, with a sample message;
- the submissions that could not be graded as they should (invalid, wrong assignment,
  timed out, crashed, ...);
- how far hand grading of the written answers has come.

Everything is read from the typed grading outcomes and the gradebook's rows.
"""

import base64
import html
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from helpers.answers import number_text

from .gradebook import Kind, handed_in, write_atomically
from .results import Status


@dataclass
class CheckShare:
    """How many graded submissions of a notebook failed one hidden check."""
    notebook: str
    question: str
    check: str
    description: str
    failed: int
    graded: int
    sample: str

    @property
    def share(self):
        return self.failed / self.graded if self.graded else 0.0


def check_shares(outcomes):
    """A CheckShare for every hidden check that ran, most often failed first."""
    found = {}
    for (_, notebook), outcome in sorted(outcomes.items()):
        for question, result in outcome.questions.items():
            for check in result.checks:
                if not check.hidden:
                    continue
                share = found.setdefault((notebook, question, check.name), CheckShare(
                    notebook, question, check.name, check.description, 0, 0, ""))
                share.graded += 1
                if not check.passed:
                    share.failed += 1
                    share.sample = share.sample or check.message
    return sorted(found.values(), key=lambda s: (-s.share, -s.failed, s.notebook, s.question, s.check))


def _chart(totals, maximum, title):
    """A histogram of notebook totals as an embedded PNG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.2, 2.4), dpi=100, layout="constrained")
    axes = figure.subplots()
    axes.hist(totals, bins=min(10, max(1, int(maximum * 2) or 1)), range=(0, maximum or 1),
              color="#4a78b5", edgecolor="white")
    axes.set(title=title, xlabel="score", ylabel="students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return f'<img alt="{html.escape(title)}" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _table(header, body_rows, attributes=None):
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        f"<tr{attributes[i] if attributes else ''}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
        for i, row in enumerate(body_rows))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _scores_section(rows, submissions):
    """Per notebook: the students' totals as a histogram, and the mean of each question
    worth points (a written question's over the answers scored by hand so far), over the
    notebooks handed in (`submissions`, their (student, notebook) keys)."""
    totals, maxima, by_question = defaultdict(float), defaultdict(float), defaultdict(list)
    written = {(row.notebook, row.question) for row in rows if row.kind.written}
    for row in rows:
        if not row.question or (row.student, row.notebook) not in submissions:
            continue
        totals[row.notebook, row.student] += row.score
        maxima[row.notebook, row.student] += row.max_score
        if row.max_score and ((row.notebook, row.question) not in written
                              or row.kind is Kind.GRADED_BY_HAND):
            by_question[row.notebook, row.question, row.max_score].append(row.score)
    parts = []
    for notebook in sorted({n for n, _ in totals}):
        scores = [v for (n, _), v in totals.items() if n == notebook]
        maximum = max(m for (n, _), m in maxima.items() if n == notebook)
        means = [(html.escape(q), f"{statistics.mean(s):.2f}", number_text(m), len(s))
                 for (n, q, m), s in sorted(by_question.items()) if n == notebook]
        parts.append(f"<h3>{html.escape(notebook)}</h3><div class='pair'>"
                     f"{_chart(scores, maximum, f'totals out of {number_text(maximum)}')}"
                     f"{_table(('question', 'mean', 'out of', 'scored'), means)}</div>")
    return "".join(parts)


def _misconceptions_section(shares):
    rows = [(f"{s.share:.0%}", f"{s.failed} of {s.graded}", html.escape(s.notebook),
             html.escape(s.description or s.check), html.escape(s.sample[:300]))
            for s in shares if s.failed]
    attributes = [f' data-check="{html.escape(s.notebook)}/{html.escape(s.check)}" '
                  f'data-failed="{s.failed}" data-graded="{s.graded}"' for s in shares if s.failed]
    if not rows:
        return "<p>No hidden check failed.</p>"
    return _table(("failed", "submissions", "notebook", "check", "a message students got"), rows,
                  attributes)


PROBLEM_STATUSES = tuple(status for status in Status if status is not Status.GRADED)


NOT_A_NOTEBOOK = "not a course notebook"


def _problems_section(outcomes, strays):
    rows = [(html.escape(student), html.escape(notebook), html.escape(outcome.status.value),
             html.escape(outcome.status_text()))
            for (student, notebook), outcome in sorted(outcomes.items())
            if outcome.status in PROBLEM_STATUSES or outcome.detail]
    rows += [(html.escape(item.student), html.escape(item.shown), NOT_A_NOTEBOOK,
              html.escape(item.reason)) for item in strays]
    return _table(("student", "notebook", "status", "why"), rows) if rows else \
        "<p>Every submission was graded.</p>"


def _hand_grading_section(rows):
    counts = Counter((row.notebook, row.question, row.kind) for row in rows if row.kind.written)
    questions = sorted({(n, q) for n, q, _ in counts})
    done = sum(c for (_, _, kind), c in counts.items() if kind is Kind.GRADED_BY_HAND)
    total = sum(counts.values())
    table = _table(("notebook", "question", "scored", "answers"), [
        (html.escape(n), html.escape(q), counts[n, q, Kind.GRADED_BY_HAND],
         counts[n, q, Kind.GRADED_BY_HAND] + counts[n, q, Kind.AWAITING_HAND]) for n, q in questions])
    return (f"<p id='hand-progress' data-done='{done}' data-total='{total}'>Written answers "
            f"scored by hand: <b>{done} of {total}</b> (review pages in <code>manual/</code>).</p>"
            + (table if questions else ""))


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70em; margin: 1em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; } th, td { border: 1px solid #ccc; padding: 0.25em 0.6em;
  text-align: left; vertical-align: top; } th { background: #f0f0f0; }
.pair { display: flex; gap: 2em; align-items: flex-start; flex-wrap: wrap; }
"""


def report_html(outcomes, rows, strays=()):
    """The class report for the grading `outcomes` (by (student, notebook)), `rows` and
    the files that are no course notebook (`strays`, intake.Found)."""
    statuses = Counter(outcome.status.value for outcome in outcomes.values())
    apart = {"notebooks not handed in": statuses.pop(Status.MISSING.value, 0),
             "other files": len(strays)}
    students = len({student for student, _ in outcomes if student})
    counts = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    counts += "".join(f"; {what}: {count}" for what, count in apart.items() if count)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Class report</title><style>{STYLE}</style></head><body>
<h1>Class report</h1>
<p>{students} students, {sum(statuses.values())} submissions: {html.escape(counts)}.</p>
<h2>Scores</h2>{_scores_section(rows, handed_in(outcomes))}
<h2>What the class got wrong</h2>
<p>Each hidden check, with the share of graded submissions that failed it.</p>
{_misconceptions_section(check_shares(outcomes))}
<h2>Submissions with problems</h2>{_problems_section(outcomes, strays)}
<h2>Hand grading</h2>{_hand_grading_section(rows)}
</body></html>
"""


def write_report(path, outcomes, rows, strays=()):
    write_atomically(path, report_html(outcomes, rows, strays))
