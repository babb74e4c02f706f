"""The review pages of written answers: `OUT/manual/<notebook>/<question>.html`, one per
written question, with the question, its rubric and model answer, and every student's
answer beside a score field and a comment field. `autograder.review` serves them and
saves what a TA enters into `OUT/manual_scores.csv`; served, a page shows the scores saved
so far, and marks an answer whose saved score was given to an earlier answer (each
answer carries its fingerprint, `hand_grading.fingerprint`).

Answers are rendered as Markdown with their math drawn by matplotlib as inline SVG, so a
page needs nothing from the network. A student's answer is untrusted: its HTML is
escaped, links to scripts are dropped, and the page's Content-Security-Policy runs no
script but the course's own `review.js`.
"""

import base64
import html
import io
import re

import mistune

from .gradebook import write_atomically
from .hand_grading import fingerprint

TOKEN_PLACEHOLDER = "__REVIEW_TOKEN__"  # the review server puts its token here
ANSWER_PLACEHOLDER = "_Type your answer here, replacing this text._"  # Otter's, and ours in nbgrader
_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(?!\$)([^\n$]+?)(?<!\\)\$", re.S)
_trusted = mistune.create_markdown(escape=False)
_untrusted = mistune.create_markdown(escape=True)

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 1em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.box { border: 1px solid #ccc; border-radius: 6px; padding: 0.2em 1em; margin: 0.6em 0; }
.rubric { background: #f4f8ff; } .model { background: #f6fbf4; }
.answer { border-top: 2px solid #888; margin-top: 1.4em; padding-top: 0.4em; }
.student { font-weight: bold; } .missing { color: #a33; font-style: italic; }
.grading { display: flex; gap: 1em; align-items: flex-start; margin: 0.4em 0 1em; }
.grading textarea { flex: 1; min-height: 3em; }
#save-bar { position: sticky; bottom: 0; background: #fff; padding: 0.6em 0;
            border-top: 1px solid #ccc; }
#status.error { color: #a33; } #status.done { color: #262; }
.changed .box { border-color: #c80; } .earlier { background: #fff4e0; border: 1px solid #c80;
  border-radius: 6px; padding: 0.4em 1em; margin: 0.4em 0; }
img.math { vertical-align: middle; }
"""

SCRIPT = """\
// Shows the scores and comments saved so far and saves those the TA changes, through the
// review server (`make review`). Only changed rows are sent, so TAs on one page keep each
// other's scores; a score given to an earlier answer of the student is shown beside the
// new answer, to keep or change.
const bar = document.getElementById("save-bar");
const status = document.getElementById("status");
const token = document.querySelector("meta[name=review-token]").content;
const rows = [...document.querySelectorAll(".answer")];
const field = (row, kind) => row.querySelector(kind === "score" ? "input.score" : "textarea.comment");
const entered = row => ({score: field(row, "score").value.trim(), comment: field(row, "comment").value});
const changed = row => JSON.stringify(entered(row)) !== JSON.stringify(row.saved);
let progress = "";
for (const row of rows) row.saved = entered(row);  // as written into the page, until loaded
function say(text, kind) { status.textContent = text; status.className = kind; }

function showEarlier(row, given) {
  row.classList.add("changed");
  const box = row.querySelector(".earlier") || document.createElement("div");
  box.className = "earlier";
  box.replaceChildren(`The answer changed since it was scored: the earlier answer got ` +
    `${given.score} / ${field(row, "score").max}` + (given.comment ? ` ("${given.comment}")` : "") +
    `. Score this answer, or keep that score for it. `);
  const keep = document.createElement("button");
  keep.textContent = "Keep the earlier score";
  keep.addEventListener("click", () => {
    field(row, "score").value = given.score; field(row, "comment").value = given.comment; });
  box.append(keep);
  row.querySelector(".grading").before(box);
}

function show(row, given) {
  const current = given && !(given.answer_fingerprint &&
                             given.answer_fingerprint !== row.dataset.answer);
  row.saved = {score: current ? given.score : "", comment: current ? given.comment : ""};
  field(row, "score").value = row.saved.score;
  field(row, "comment").value = row.saved.comment;
  row.classList.remove("changed");
  row.querySelector(".earlier")?.remove();
  if (given && !current) showEarlier(row, given);
}

async function load(keepUnsaved) {
  const query = new URLSearchParams({notebook: bar.dataset.notebook, question: bar.dataset.question});
  const reply = await fetch(`/scores?${query}`);
  const result = await reply.json();
  const saved = new Map(result.scores.map(given => [given.student, given]));
  for (const row of rows) {
    if (!(keepUnsaved && changed(row))) show(row, saved.get(row.dataset.student));
  }
  const scored = rows.filter(row => row.saved.score !== "").length;
  const again = rows.filter(row => row.classList.contains("changed")).length;
  progress = `${scored} of ${rows.length} answers scored` +
    (again ? `, ${again} to score again (the answer changed)` : "");
  return result.problems;
}

if (token === "__REVIEW_TOKEN__") {
  document.getElementById("save").disabled = true;
  say("Open this page through `make review OUT=<folder>` to save scores.", "error");
} else {
  load(true).then(problems => say(progress + (problems.length ?
    `; ${problems.join("; ")}` : "."), problems.length ? "error" : ""),
    () => say("Could not reach the review server: is `make review` still running?", "error"));
}

document.getElementById("save").addEventListener("click", async () => {
  const sent = rows.filter(changed);
  const scores = sent.map(row => ({student: row.dataset.student, notebook: bar.dataset.notebook,
    question: bar.dataset.question, answer_fingerprint: row.dataset.answer, ...entered(row)}));
  say("Saving...", "");
  try {
    const reply = await fetch("/save", {method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({token: token, scores: scores})});
    const result = await reply.json();
    if (!reply.ok) { say(result.error, "error"); return; }
    for (const row of sent) {
      if (result.saved.includes(row.dataset.student)) row.saved = entered(row);
    }
    await load(true);  // the other TAs' scores, keeping what was not saved here
    say(`Saved ${result.saved.length} change(s) to ${result.file} (${progress})` +
        (result.problems.length ? `; not saved: ${result.problems.join("; ")}` : "."),
        result.problems.length ? "error" : "done");
  } catch (error) {
    say("Could not reach the review server: is `make review` still running?", "error");
  }
});
"""


def math_image(tex, display):
    """`tex` drawn by matplotlib's mathtext as an inline SVG image, or the TeX as code
    where mathtext cannot draw it."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import math_to_image

    buffer = io.BytesIO()
    try:
        math_to_image(f"${tex.strip()}$", buffer, prop=FontProperties(size=14 if display else 12),
                      format="svg")
    except (ValueError, RuntimeError):
        return f"<code>{html.escape(tex)}</code>"
    data = base64.b64encode(buffer.getvalue()).decode()
    return (f'<img class="math" alt="{html.escape(tex)}" src="data:image/svg+xml;base64,{data}">'
            + ("<br>" if display else ""))


def render(markdown, trusted=False):
    """Markdown as HTML with its $math$ drawn; raw HTML escaped unless `trusted`."""
    images = []

    def hold(match):
        images.append(math_image(match.group(1) or match.group(2), match.group(1) is not None))
        return f"MATHIMAGE{len(images) - 1}X"

    text = _MATH.sub(hold, markdown or "")
    rendered = (_trusted if trusted else _untrusted)(text)
    return re.sub(r"MATHIMAGE(\d+)X", lambda m: images[int(m.group(1))], rendered)


def page(question, answers, scores):
    """The review page of one written question (a masters.WrittenQuestion): `answers` maps
    each student whose answer waits for a hand score to what they wrote (None: no answer
    found), `scores` the hand scores given so far."""
    sections = []
    for student, answer in sorted(answers.items()):
        given = scores.get((student, question.notebook, question.name))
        if not (answer or "").strip():
            body = '<p class="missing">No answer found in this notebook.</p>'
        elif answer.strip() == ANSWER_PLACEHOLDER:
            body = '<p class="missing">No answer: the placeholder text is unchanged.</p>'
        else:
            body = render(answer)
        sections.append(f"""
<section class="answer" data-student="{html.escape(student)}" data-answer="{fingerprint(answer)}">
  <div class="student">{html.escape(student)}</div>
  <div class="box">{body}</div>
  <div class="grading">
    <label>Score <input class="score" type="number" min="0" max="{question.points:g}" step="0.25"
      value="{'' if given is None else f'{given.score:g}'}"> / {question.points:g}</label>
    <textarea class="comment" placeholder="Comment for the student">{html.escape(given.comment if given else '')}</textarea>
  </div>
</section>""")
    title = f"{question.notebook} / {question.name}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'">
<meta name="review-token" content="{TOKEN_PLACEHOLDER}">
<title>Review: {html.escape(title)}</title><style>{STYLE}</style></head>
<body>
<h1>Written answers: {html.escape(title)} ({question.points:g} points, {len(answers)} answers)</h1>
<h2>Question</h2><div class="box">{render(question.text, trusted=True)}</div>
<h2>Rubric</h2><div class="box rubric">{render(question.rubric, trusted=True)}</div>
<h2>Model answer</h2><div class="box model">{render(question.model_answer, trusted=True)}</div>
<h2>Answers</h2>{''.join(sections) or '<p>No written answer waits for a score.</p>'}
<div id="save-bar" data-notebook="{html.escape(question.notebook)}"
  data-question="{html.escape(question.name)}">
  <button id="save">Save scores and comments</button> <span id="status"></span></div>
<script src="review.js"></script>
</body></html>
"""


def write_pages(folder, questions, answers, scores):
    """Write the review page of every written question in `questions` under `folder`
    (`<notebook>/<question>.html`) and the pages' script beside them. `answers` maps
    (notebook, question) to {student: answer}. Returns the pages' paths."""
    paths = []
    for question in questions:
        path = folder / question.notebook / f"{question.name}.html"
        write_atomically(path.parent / "review.js", SCRIPT)
        write_atomically(path, page(question, answers.get((question.notebook, question.name), {}),
                                    scores))
        paths.append(path)
    return paths
