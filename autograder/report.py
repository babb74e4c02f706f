"""The class report, `OUT/report.html`: one self-contained page (charts embedded as PNG,
nothing fetched) saying how the class did and what it got wrong.

- the score distribution of each notebook and the mean of each question;
- the misconception map: for every hidden check, the share of graded submissions that
  failed it, in the check's plain words, most common first, with a sample message; a
  check that failed on a stub left as given (its `raise NotImplementedError` or a `...`
  still there) counts as "not attempted", listed apart, not as a misconception;
- the submissions that could not be graded as they should (invalid, wrong assignment,
  timed out, crashed, ...);
- how far hand grading of the written answers has come; written answers still to grade
  by hand are shown as pending wherever totals count them 0.

Wide tables scroll inside their box, so the page keeps its width.

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

# What Python says of a stub left as given: the raise the student should delete, or a
# `...` used as a value (TypeError: ... 'ellipsis' ..., or a function returning Ellipsis)
STUB_MARKERS = ("NotImplementedError", "ellipsis", "Ellipsis")


@dataclass
class CheckShare:
    """How many graded submissions of a notebook failed one hidden check, and how many
    did not attempt it (the check failed on the stub left as given)."""
    notebook: str
    question: str
    check: str
    description: str
    failed: int
    graded: int
    sample: str
    not_attempted: int = 0

    @property
    def attempted(self):
        return self.graded - self.not_attempted

    @property
    def share(self):
        """The share of the submissions that attempted the check and failed it."""
        return self.failed / self.attempted if self.attempted else 0.0


def on_a_stub(check):
    """Whether a failed check failed on a stub left as given, not on the student's code."""
    return not check.passed and any(marker in check.message for marker in STUB_MARKERS)


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
                if on_a_stub(check):
                    share.not_attempted += 1
                elif not check.passed:
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
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _scores_section(rows, submissions):
    """Per notebook: the students' totals as a histogram, and the mean of each question
    worth points (a written question's over the answers scored by hand so far, with how
    many are pending), over the notebooks handed in (`submissions`, their (student,
    notebook) keys)."""
    totals, maxima, scored, points = defaultdict(float), defaultdict(float), defaultdict(list), {}
    pending = Counter((notebook, question) for (student, notebook, question) in pending_answers(rows)
                      if (student, notebook) in submissions)
    written = {(row.notebook, row.question) for row in rows if row.kind.written}
    for row in rows:
        if not row.question or (row.student, row.notebook) not in submissions:
            continue
        totals[row.notebook, row.student] += row.score
        maxima[row.notebook, row.student] += row.max_score
        if row.max_score:
            points[row.notebook, row.question] = row.max_score
            if (row.notebook, row.question) not in written or row.kind is Kind.GRADED_BY_HAND:
                scored[row.notebook, row.question].append(row.score)
    parts = []
    for notebook in sorted({n for n, _ in totals}):
        scores = [v for (n, _), v in totals.items() if n == notebook]
        maximum = max(m for (n, _), m in maxima.items() if n == notebook)
        means = [(html.escape(q), f"{statistics.mean(scored[n, q]):.2f}" if scored[n, q] else "",
                  number_text(m), len(scored[n, q]), pending[n, q] or "")
                 for (n, q), m in sorted(points.items()) if n == notebook]
        waiting = sum(count for (n, _), count in pending.items() if n == notebook)
        note = (f"<p class='pending' data-pending='{waiting}'>{waiting} written answer(s) still to "
                f"grade by hand count 0 in these totals: pending.</p>" if waiting else "")
        parts.append(f"<h3>{html.escape(notebook)}</h3>{note}<div class='pair'>"
                     f"{_chart(scores, maximum, f'totals out of {number_text(maximum)}')}"
                     f"{_table(('question', 'mean', 'out of', 'scored', 'pending'), means)}</div>")
    return "".join(parts)


def pending_answers(rows):
    """The (student, notebook, question) keys of the written answers still to grade by hand."""
    return {(r.student, r.notebook, r.question) for r in rows if r.kind.pending}


def _misconceptions_section(shares):
    failed = [s for s in shares if s.failed]
    rows = [(f"{s.share:.0%}", f"{s.failed} of {s.attempted}", s.not_attempted or "",
             html.escape(s.notebook), html.escape(s.description or s.check),
             html.escape(s.sample[:300])) for s in failed]
    attributes = [f' data-check="{html.escape(s.notebook)}/{html.escape(s.check)}" '
                  f'data-failed="{s.failed}" data-graded="{s.graded}" '
                  f'data-not-attempted="{s.not_attempted}"' for s in failed]
    table = _table(("failed", "of those who tried it", "not attempted", "notebook", "check",
                    "a message students got"), rows, attributes) if rows else \
        "<p>No hidden check failed.</p>"
    return table + _not_attempted_section(shares)


def _not_attempted_section(shares):
    """The questions some submissions left as the stub they were given, with how many."""
    left = Counter()
    for s in shares:
        left[s.notebook, s.question] = max(left[s.notebook, s.question], s.not_attempted)
    rows = [(html.escape(n), html.escape(q), count) for (n, q), count in sorted(left.items()) if count]
    if not rows:
        return ""
    return ("<h3>Not attempted</h3><p>Submissions whose function is still the stub it was given "
            "(its <code>raise NotImplementedError</code> or a <code>...</code> left): their hidden "
            "checks count as not attempted above, not as failed.</p>"
            + _table(("notebook", "question", "submissions"), rows,
                     [f' data-not-attempted="{html.escape(n)}/{html.escape(q)}"'
                      for (n, q), c in sorted(left.items()) if c]))


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
    waiting = [(r.student, r.notebook, r.question) for r in rows if r.kind.written]
    pending = pending_answers(rows)
    questions = sorted({(n, q) for _, n, q in waiting})
    answers = Counter((n, q) for _, n, q in waiting)
    left = Counter((n, q) for _, n, q in pending)
    table = _table(("notebook", "question", "scored", "pending", "answers"), [
        (html.escape(n), html.escape(q), answers[n, q] - left[n, q], left[n, q], answers[n, q])
        for n, q in questions])
    done, total = len(waiting) - len(pending), len(waiting)
    again = sum(row.kind is Kind.NEEDS_REGRADING for row in rows)
    return (f"<p id='hand-progress' data-done='{done}' data-total='{total}' "
            f"data-pending='{len(pending)}' data-again='{again}'>Written answers scored by hand: "
            f"<b>{done} of {total}</b>, {len(pending)} pending"
            + (f", of which {again} to score again (the answer changed since it was scored)"
               if again else "")
            + " (review pages in <code>manual/</code>; <code>make review</code>).</p>"
            + (table if questions else ""))


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70em; margin: 1em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; } th, td { border: 1px solid #ccc; padding: 0.25em 0.6em;
  text-align: left; vertical-align: top; } th { background: #f0f0f0; }
.pair { display: flex; gap: 2em; align-items: flex-start; flex-wrap: wrap; }
.pair > .scroll { flex: 1 1 20em; }
.scroll { max-width: 100%; overflow-x: auto; } td { overflow-wrap: break-word; }
td:last-child { overflow-wrap: anywhere; }
.pending { color: #8a5a00; }
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
<p>Each hidden check, with the share of the graded submissions that tried it and failed it
(a function left as the stub it was given counts as not attempted, not as failed).</p>
{_misconceptions_section(check_shares(outcomes))}
<h2>Submissions with problems</h2>{_problems_section(outcomes, strays)}
<h2>Hand grading</h2>{_hand_grading_section(rows)}
</body></html>
"""


def write_report(path, outcomes, rows, strays=()):
    write_atomically(path, report_html(outcomes, rows, strays))
