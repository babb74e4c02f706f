"""The instructor's grading day: review pages of the written answers, hand scores from
OUT/manual_scores.csv, the class report and the wide CSV, on a batch of notebooks 01 and
02 with known bugs, written answers (one with math, one trying to inject HTML, one left
as the placeholder) and an unreadable upload."""

import csv
import html.parser
import re
import zipfile

import nbformat
import pytest

from autograder import course, exports, masters, tiers
from autograder.grade import grade_batch
from autograder.gradebook import Kind
from autograder.report import check_shares
from autograder.review_pages import ANSWER_PLACEHOLDER
from autograder.submissions import EXAMPLE_BUGS, fill_notebook, reference_sources
from conftest import ROOT

CORPUS = ROOT / "tests" / "corpus" / "dyna_q_planning" / "buggy"
PLANNING_BUGS = ["ignores_gamma.py", "without_replacement.py", "uniform_over_all_pairs.py"]
ANSWERS = {
    "ann": "A slippery floor: *right* sometimes moves up, so $p(s' \\mid s, a)$ is not 0 or 1.\n\n"
           "- store counts of each outcome\n- sample in proportion to them",
    "ben": "<script>document.title = 'hacked'</script><img src=x onerror=alert(1)> "
           "[click](javascript:alert) I don't know.",
    "cy": ANSWER_PLACEHOLDER,
}


def write_notebook(folder, student, name, sources, answer=None):
    notebook = fill_notebook(name, sources)
    if answer is not None:
        [cell] = [c for c in notebook.cells if c.cell_type == "markdown"
                  and "otter_answer_cell" in c.metadata.get("tags", [])]
        cell.source = answer
    path = folder / student / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def make_batch(folder):
    correct = reference_sources()
    buggy = {**correct, **EXAMPLE_BUGS}
    for student, sources in (("ann", correct), ("ben", buggy), ("cy", correct)):
        write_notebook(folder, student, "01_model_update", sources, ANSWERS[student])
    write_notebook(folder, "ann", "02_planning", correct, "Replays carry values back.")
    write_notebook(folder, "ben", "02_planning", buggy)
    (folder / "cy" / "02_planning.ipynb").write_text('{"cells": [')   # unreadable
    for number, bug in enumerate(PLANNING_BUGS):
        write_notebook(folder, f"bug{number}", "02_planning",
                       {**correct, "dyna_q_planning": (CORPUS / bug).read_text()})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    make_batch(folder)
    out = tmp_path_factory.mktemp("out")
    graded = grade_batch(folder, out, tiers.choose(), jobs=2, progress=False)
    assert graded.problems == []
    return folder, out, graded.outcomes, graded.rows


def regrade(graded, regrade=False):
    folder, out, _, _ = graded
    return grade_batch(folder, out, tiers.choose(), jobs=2, regrade=regrade, progress=False)


def gradebook(out):
    with open(out / "gradebook.csv", newline="") as handle:
        return {(r["student"], r["notebook"], r["question"]): (r["score"], r["kind"])
                for r in csv.DictReader(handle)}


class Tags(html.parser.HTMLParser):
    """The attributes of every tag of a page, by tag name."""

    def __init__(self, text):
        super().__init__()
        self.found = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_every_written_question_of_a_graded_notebook_has_its_review_page(graded):
    _, out, _, _ = graded
    pages = sorted(p.relative_to(out / "manual").as_posix() for p in (out / "manual").glob("*/*.html"))
    assert pages == ["01_model_update/model_limits.html", "02_planning/planning_arrows.html"]


def test_a_review_page_shows_question_rubric_model_answer_and_every_answer(graded):
    _, out, _, _ = graded
    page = (out / "manual" / "01_model_update" / "model_limits.html").read_text()
    [question] = masters.written_questions("01_model_update")
    assert "Describe a world in which this model would mislead the agent" in page
    assert "what to store instead" in page and "<strong>1 point:</strong>" in page  # the rubric
    assert "A stochastic world" in page                                         # the model answer
    assert "<li>store counts of each outcome</li>" in page and 'class="math"' in page  # ann's
    assert "the placeholder text is unchanged" in page                                  # cy's
    inputs = [a for tag, a in Tags(page).found if tag == "input"]
    assert len(inputs) == 3 and {a["max"] for a in inputs} == {f"{question.points:g}"}
    sections = re.findall(r'data-student="(\w+)"', page)
    assert sections == ["ann", "ben", "cy"]


def test_an_answer_cannot_inject_html_or_script_and_pages_fetch_nothing(graded):
    _, out, _, _ = graded
    page = (out / "manual" / "01_model_update" / "model_limits.html").read_text()
    assert "<script>document.title" not in page and "&lt;script&gt;document.title" in page
    assert "<img src=x" not in page
    tags = Tags(page).found
    assert not [a for _, a in tags if "javascript:" in a.get("href", "") + a.get("src", "")]
    assert [a["src"] for tag, a in tags if tag == "script"] == ["review.js"]
    assert all(a["src"].startswith("data:") for tag, a in tags if tag == "img")
    assert not [t for t, a in tags if t == "link" or "http" in a.get("href", "")]
    assert "default-src 'none'" in page


def test_hand_scores_fill_the_written_rows_and_comments_reach_the_feedback(graded):
    _, out, _, _ = graded
    (out / "manual_scores.csv").write_text(
        "student,notebook,question,score,comment\n"
        "ann,01_model_update,model_limits,2,\"Clear, with the right fix.\"\n"
        "ben,01_model_update,model_limits,0.5,Say what to store.\n")
    try:
        problems = regrade(graded).problems
        book = gradebook(out)
        assert problems == []
        assert book["ann", "01_model_update", "model_limits"] == ("2", Kind.GRADED_BY_HAND.value)
        assert book["ben", "01_model_update", "model_limits"] == ("0.5", Kind.GRADED_BY_HAND.value)
        assert book["cy", "01_model_update", "model_limits"] == ("0", Kind.AWAITING_HAND.value)
        feedback = (out / "feedback" / "ann" / "01_model_update.md").read_text()
        assert "## model_limits: 2 / 2, graded by hand\n\nClear, with the right fix." in feedback
        # regrading the autograded part keeps them
        regrade(graded, regrade=True)
        assert gradebook(out) == book
    finally:
        (out / "manual_scores.csv").unlink()
        regrade(graded)  # the other tests read the outputs of a batch without hand scores


@pytest.mark.parametrize("line, problem", [
    ("ann,01_model_update,model_limits,3,too many", "line 3: the score 3 is outside 0 to 2"),
    ("zoe,01_model_update,model_limits,1,", "line 3: there is no student 'zoe'"),
    ("ann,01_model_update,no_such,1,", "line 3: ann has no written answer 'no_such'"),
    ("ann,01_model_update,dyna_q_model_update,1,", "cannot be graded by hand"),
    ("cy,02_planning,planning_arrows,1,", "cannot be graded by hand: invalid notebook"),
    ("ann,01_model_update,model_limits,two,", "line 3: the score 'two' is not a number"),
    ("ann,01_model_update", "line 3: it has 2 fields, not"),
])
def test_a_bad_line_is_reported_with_its_number_and_changes_nothing_else(graded, line, problem):
    _, out, _, _ = graded
    good = "ben,01_model_update,model_limits,1,ok\n"
    (out / "manual_scores.csv").write_text(f"student,notebook,question,score,comment\n{good}")
    try:
        regrade(graded)
        before = (out / "gradebook.csv").read_text()
        (out / "manual_scores.csv").write_text(
            f"student,notebook,question,score,comment\n{good}{line}\n")
        problems = regrade(graded).problems
        assert len(problems) == 1 and problem in problems[0], problems
        assert (out / "gradebook.csv").read_text() == before
    finally:
        (out / "manual_scores.csv").unlink()
        regrade(graded)


def test_the_report_counts_each_hidden_check_as_the_known_bugs_and_the_gradebook_say(graded):
    _, out, outcomes, rows = graded
    report = (out / "report.html").read_text()
    shown = {a["data-check"]: (int(a["data-failed"]), int(a["data-graded"]))
             for tag, a in Tags(report).found if tag == "tr" and "data-check" in a}
    graded_02 = sum(1 for (_, n), o in outcomes.items() if n == "02_planning" and o.graded)
    expected = {}
    for bug in PLANNING_BUGS:   # the corpus files name the checks they fail
        for check in (CORPUS / bug).read_text().splitlines()[0].split(":", 1)[1].split(","):
            expected[f"02_planning/test_{check.strip()}"] = expected.get(
                f"02_planning/test_{check.strip()}", 0) + 1
    for check, count in expected.items():   # ben's ignored gamma too, where it shows
        failed, total = shown[check]
        assert total == graded_02 and failed >= count, check
    # every share agrees with the points the gradebook took off
    points = {c.name: c.points for c in masters.check_module("dynaq_checks").CHECKS["dyna_q_planning"]}
    lost = sum(float(r.max_score) - float(r.score) for r in rows
               if r.notebook == "02_planning" and r.question == "dyna_q_planning"
               and r.kind is Kind.AUTOGRADED)
    public_lost = sum(c.points for (_, n), o in outcomes.items() if n == "02_planning" and o.graded
                      for c in o.questions["dyna_q_planning"].checks if not c.hidden and not c.passed)
    hidden_lost = sum(failed * points[check.split("/test_")[1]] for check, (failed, _) in shown.items()
                      if check.startswith("02_planning/"))
    assert hidden_lost + public_lost == pytest.approx(lost)
    assert [s.share for s in check_shares(outcomes)] == sorted(
        (s.share for s in check_shares(outcomes)), reverse=True)


def test_the_report_is_self_contained_with_charts_problems_and_hand_grading_progress(graded):
    _, out, _, _ = graded
    report = (out / "report.html").read_text()
    tags = Tags(report).found
    images = [a["src"] for tag, a in tags if tag == "img"]
    assert len(images) == 2 and all(src.startswith("data:image/png;base64,") for src in images)
    assert not [t for t, a in tags if t in ("script", "link")]
    assert not re.search(r"https?://", report)
    assert "invalid notebook" in report and ">cy<" in report               # the problem upload
    [progress] = [a for tag, a in tags if a.get("id") == "hand-progress"]
    assert (progress["data-done"], progress["data-total"]) == ("0", "8")    # 3 + 5 readable 02s


def test_the_wide_csv_has_one_row_per_student_with_notebook_and_course_totals(graded):
    _, out, _, rows = graded
    with open(out / "grades_wide.csv", newline="") as handle:
        wide = list(csv.DictReader(handle))
    assert list(wide[0]) == [*exports.IDENTITY, *course.NOTEBOOKS, "Total", "Late"]
    ann = next(r for r in wide if r["ID"] == "ann")
    assert (ann["01_model_update"], ann["02_planning"], ann["03_how_much_to_plan"]) == ("6", "8", "")
    for row in wide:
        total = sum(float(r.score) for r in rows if r.student == row["ID"])
        assert float(row["Total"]) == pytest.approx(total)


def test_rubrics_and_model_answers_reach_no_student_file(tmp_path):
    import subprocess
    secrets = [q.rubric.splitlines()[0][20:70] for name in course.NOTEBOOKS
               for q in masters.written_questions(name)]
    assert len(secrets) == len(course.NOTEBOOKS) and all(secrets)
    subprocess.run(["make", "-s", "release", f"OUT={tmp_path / 'release'}"], cwd=ROOT, check=True,
                   capture_output=True)
    texts = [p.read_text(errors="replace") for folder in (ROOT / "notebooks", tmp_path / "release")
             for p in folder.rglob("*") if p.is_file()]
    for path in (ROOT / "autograder" / "zips").glob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            texts += [archive.read(name).decode(errors="replace") for name in archive.namelist()]
    from autograder import nbgrader_course
    texts += [nbformat.writes(nbgrader_course.convert(name)[1]) for name in course.NOTEBOOKS]
    for secret in secrets:
        assert not any(secret in text for text in texts), secret



def test_a_hand_score_belongs_to_the_answer_it_scored(tmp_path):
    from autograder import gradebook as book, hand_grading, review
    key = ("ann", "01_model_update", "model_limits")
    rows = [book.Row(*key, 0, 2, book.MANUAL_STATUS, book.Kind.AWAITING_HAND)]
    book.write_csv(tmp_path / "gradebook.csv", rows)
    now = hand_grading.fingerprint("Store counts.")
    hand_grading.write_answers(tmp_path, {key: now}, {})
    saved, problems = review.save(tmp_path, [dict(zip(hand_grading.COLUMNS[:5], (*key, "2", "ok")))])
    scores, _ = hand_grading.read_scores(tmp_path / "manual_scores.csv", rows)
    assert saved == ["ann"] and not problems and scores[key].fingerprint == now  # saved with no fingerprint
    assert hand_grading.apply(rows, scores, {key: now})[0][3:6] == (2, 2, "graded by hand")
    changed = {key: hand_grading.fingerprint("Store the last outcome.")}
    assert hand_grading.apply(rows, scores, changed)[0][3:6] == (0, 2, "needs regrading by hand")
    assert hand_grading.fingerprint(" Store counts.\r\n") == now  # the same answer, resaved
    (tmp_path / "manual_scores.csv").write_text(  # a file from before fingerprints
        "student,notebook,question,score,comment\nann,01_model_update,model_limits,1.5,\n")
    old, problems = hand_grading.read_scores(tmp_path / "manual_scores.csv", rows)
    assert not problems and hand_grading.apply(rows, old, changed)[0].score == 1.5
