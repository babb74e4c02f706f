"""A TA's hand grading in a real browser: `make review`'s server serves the review page of
a written question, headless Chromium (Debian's, driven by Playwright) enters scores and
comments and saves them; the next grading run puts them in the gradebook and the
feedback. Screenshots go to `<pytest tmp>/review_screenshots`.
"""

import csv
import pathlib
import threading

import nbformat
import pytest

from autograder import isolation, review
from autograder.grade import grade_batch
from autograder.hand_grading import GRADED_BY_HAND
from autograder.submissions import fill_notebook, reference_sources

CHROMIUM = pathlib.Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
ANSWERS = {"ann": "A slippery floor: the next state is random, e.g. $p = 0.8$ of moving right.",
           "ben": "Store all outcomes."}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    for student, answer in ANSWERS.items():
        notebook = fill_notebook("01_model_update", reference_sources())
        [cell] = [c for c in notebook.cells if c.cell_type == "markdown"
                  and "otter_answer_cell" in c.metadata.get("tags", [])]
        cell.source = answer
        (folder / student).mkdir()
        nbformat.write(notebook, folder / student / "01_model_update.ipynb")
    out = tmp_path_factory.mktemp("out")
    grade_batch(folder, out, isolation.choose(), progress=False)
    return folder, out


@pytest.fixture(scope="module")
def server(graded):
    running = review.serve(graded[1])
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{running.server_port}"
    running.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def grade_row(page, student, score, comment):
    row = page.locator(f'section.answer[data-student="{student}"]')
    row.locator("input.score").fill(score)
    row.locator("textarea.comment").fill(comment)


def test_a_ta_enters_scores_and_comments_saves_them_and_the_next_run_uses_them(
        graded, server, browser, tmp_path_factory):
    folder, out = graded
    shots = tmp_path_factory.mktemp("review_screenshots")
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    page.goto(f"{server}/01_model_update/model_limits.html")
    assert page.locator("section.answer").count() == 2
    assert page.locator('section.answer[data-student="ann"] img.math').count() == 1
    grade_row(page, "ann", "2", "Right example, and counts as the fix.")
    grade_row(page, "ben", "1", "Say what to store: counts of each outcome.")
    page.click("#save")
    page.wait_for_selector("#status.done")  # a selector: the page's CSP forbids eval
    assert page.inner_text("#status").startswith("Saved 2 score(s)")
    page.screenshot(path=str(shots / "saved.png"), full_page=True)

    with open(out / "manual_scores.csv", newline="") as handle:
        saved = {r["student"]: (r["score"], r["comment"]) for r in csv.DictReader(handle)}
    assert saved == {"ann": ("2", "Right example, and counts as the fix."),
                     "ben": ("1", "Say what to store: counts of each outcome.")}

    # a score out of range is refused, and nothing else is lost
    grade_row(page, "ben", "5", "too generous")
    page.click("#save")
    page.wait_for_selector("#status.error")
    assert "outside 0 to 2" in page.inner_text("#status")
    page.screenshot(path=str(shots / "refused.png"), full_page=True)
    with open(out / "manual_scores.csv", newline="") as handle:
        assert {r["student"]: r["score"] for r in csv.DictReader(handle)} == {"ann": "2", "ben": "1"}

    grade_batch(folder, out, isolation.choose(), progress=False)
    with open(out / "gradebook.csv", newline="") as handle:
        rows = {(r["student"], r["question"]): (r["score"], r["status"]) for r in csv.DictReader(handle)}
    assert rows["ann", "model_limits"] == ("2", GRADED_BY_HAND)
    assert rows["ben", "model_limits"] == ("1", GRADED_BY_HAND)
    feedback = (out / "feedback" / "ben" / "01_model_update.md").read_text()
    assert "## model_limits: 1 / 2, graded by hand\n\nSay what to store: counts of each outcome." in feedback
    page.reload()   # the page now shows the saved scores
    assert page.locator('section.answer[data-student="ann"] input.score').input_value() == "2"


def test_a_page_opened_as_a_file_cannot_save_and_says_how_to(graded, browser):
    page = browser.new_page()
    page.goto((graded[1] / "manual" / "01_model_update" / "model_limits.html").as_uri())
    assert page.locator("#save").is_disabled()
    assert "make review" in page.inner_text("#status")


def test_the_server_refuses_a_save_without_its_token_and_files_outside_manual(graded, server):
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{server}/save", data=json.dumps(
        {"token": "guess", "scores": []}).encode(), headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403
    up = ".."  # the step of a path that tries to climb out of the served folder
    for path in (f"/{up}/gradebook.csv", "/%2e%2e/gradebook.csv",
                 f"/{up}/results/ann/01_model_update.json"):
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{server}{path}")
        assert missing.value.code == 404
