"""A TA's hand grading in a real browser: `make review`'s server serves the review page of
a written question, headless Chromium (Debian's, driven by Playwright) enters scores and
comments and saves them; the next grading run puts them in the gradebook and the
feedback. A reloaded page shows what was saved, two TAs keep each other's scores, a score
given to an earlier answer is shown beside the new one, and the server answers every
malformed save with a 400 and a busy port with one line; the class report keeps its
width. Screenshots go to `<pytest tmp>/review_screenshots`.
"""

import csv
import http.client
import json
import pathlib
import subprocess
import threading
import time
import urllib.error
import urllib.request

import nbformat
import pytest

from autograder import hand_grading, review, tiers
from autograder.grade import grade_batch
from autograder.hand_grading import GRADED_BY_HAND
from autograder.report import report_html
from autograder.results import Outcome, Status
from autograder.submissions import fill_notebook, reference_sources
from conftest import ROOT

CHROMIUM = pathlib.Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
PAGE = "01_model_update/model_limits.html"
SCORES_HEADER = ",".join(hand_grading.COLUMNS) + "\n"
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
    grade_batch(folder, out, tiers.choose(), progress=False)
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


def saved_scores(out):
    with open(out / hand_grading.SCORES_FILE, newline="") as handle:
        return {r["student"]: (r["score"], r["comment"]) for r in csv.DictReader(handle)}


def open_page(browser, server):
    """The review page once it has loaded the scores saved so far."""
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    page.goto(f"{server}/{PAGE}")
    page.wait_for_selector("#status:has-text('answers scored')")
    return page


def post(server, body, content_type="application/json"):
    """POST `body` (bytes) to /save: (status, reply)."""
    request = urllib.request.Request(f"{server}/save", data=body,
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def page_token(server):
    with urllib.request.urlopen(f"{server}/{PAGE}") as reply:
        return reply.read().decode().split('name="review-token" content="')[1].split('"')[0]


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
    assert page.inner_text("#status").startswith("Saved 2 change(s)")
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

    grade_batch(folder, out, tiers.choose(), progress=False)
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
    assert post(server, json.dumps({"token": "guess", "scores": []}).encode())[0] == 403
    up = ".."  # the step of a path that tries to climb out of the served folder
    for path in (f"/{up}/gradebook.csv", "/%2e%2e/gradebook.csv",
                 f"/{up}/results/ann/01_model_update.json"):
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{server}{path}")
        assert missing.value.code == 404


@pytest.mark.parametrize("host, status", [
    ("localhost:9000", 200),   # through an SSH tunnel from another local port
    ("127.0.0.1", 200), ("evil.example:80", 404), ("127.0.0.1.evil.example", 404)])
def test_pages_and_scores_answer_only_requests_that_name_this_machine(server, host, status):
    for path in (f"/{PAGE}", "/scores?notebook=01_model_update&question=model_limits"):
        connection = http.client.HTTPConnection(*server.removeprefix("http://").split(":"))
        connection.request("GET", path, headers={"Host": host})
        assert connection.getresponse().status == status
        connection.close()


def test_a_reloaded_page_shows_the_saved_scores_and_two_tas_keep_each_others(
        graded, server, browser, tmp_path_factory):
    out = graded[1]
    (out / hand_grading.SCORES_FILE).write_text(
        f"{SCORES_HEADER}ben,01_model_update,model_limits,1,first look,\n")
    first, second = open_page(browser, server), open_page(browser, server)
    assert first.inner_text("#status").startswith("1 of 2 answers scored")
    grade_row(second, "ben", "2", "On a second look: right.")
    second.click("#save")
    second.wait_for_selector("#status.done")
    grade_row(first, "ann", "1.5", "Name what to store.")  # the first TA never touched ben
    first.click("#save")
    first.wait_for_selector("#status.done")
    assert "2 of 2 answers scored" in first.inner_text("#status")
    assert first.locator('section.answer[data-student="ben"] input.score').input_value() == "2"
    assert saved_scores(out) == {"ann": ("1.5", "Name what to store."),
                                 "ben": ("2", "On a second look: right.")}
    first.reload()
    first.wait_for_selector("#status:has-text('answers scored')")
    shots = tmp_path_factory.mktemp("review_screenshots")
    first.screenshot(path=str(shots / "reloaded.png"), full_page=True)
    for student, (score, comment) in saved_scores(out).items():
        row = first.locator(f'section.answer[data-student="{student}"]')
        assert row.locator("input.score").input_value() == score
        assert row.locator("textarea.comment").input_value() == comment
    grade_row(first, "ben", "", "")  # a score cleared on the page is removed from the file
    first.click("#save")
    first.wait_for_selector("#status.done")
    assert set(saved_scores(out)) == {"ann"}


def test_a_score_given_to_an_earlier_answer_is_shown_beside_the_new_one_to_keep_or_change(
        graded, server, browser, tmp_path_factory):
    out = graded[1]
    (out / hand_grading.SCORES_FILE).write_text(
        f"{SCORES_HEADER}ann,01_model_update,model_limits,2,Right example.,0123456789abcdef\n"
        f"ben,01_model_update,model_limits,1,Say what to store.,"
        f"{hand_grading.fingerprint(ANSWERS['ben'])}\n")
    page = open_page(browser, server)
    ann, ben = (page.locator(f'section.answer[data-student="{s}"]') for s in ("ann", "ben"))
    assert page.locator("section.answer.changed").count() == 1
    assert "got 2 / 2" in ann.locator(".earlier").inner_text()
    assert "1 to score again" in page.inner_text("#status")
    assert "Right example." in ann.locator(".earlier").inner_text()
    assert ann.locator("input.score").input_value() == ""  # it does not count as given
    assert ben.locator("input.score").input_value() == "1"
    page.screenshot(path=str(tmp_path_factory.mktemp("review_screenshots") / "changed.png"),
                    full_page=True)
    ann.locator(".earlier button").click()
    page.click("#save")
    page.wait_for_selector("#status.done")
    with open(out / hand_grading.SCORES_FILE, newline="") as handle:
        kept = {r["student"]: r for r in csv.DictReader(handle)}
    assert kept["ann"]["score"] == "2"
    assert kept["ann"]["answer_fingerprint"] == hand_grading.fingerprint(ANSWERS["ann"])
    assert page.locator("section.answer.changed").count() == 0


MALFORMED = [
    b"not json", b"[1, 2]", b'"scores"', b"{}", b'{"scores": []}', b'{"token": "t"}',
    b'{"token": 5, "scores": []}', b'{"token": "t", "scores": {"ann": 2}}',
    b'{"token": "t", "scores": [1, 2]}', b'{"token": "t", "scores": ["ann"]}',
    b'{"token": "t", "scores": [{"student": "ann"}]}',
    b'{"token": "t", "scores": [{"student": "ann", "notebook": "01_model_update", '
    b'"question": "model_limits", "score": [2]}]}',
    b'{"token": "t", "scores": [{"student": 1, "notebook": "01_model_update", '
    b'"question": "model_limits", "score": "2"}]}',
    b'{"token": "t", "scores": [{"student": "ann", "notebook": "01_model_update", '
    b'"question": "model_limits", "score": true}]}',
    b"\xff\xfe", b"{" * 5000, b"[" * 200000, b'{"token": "t", "scores": [' + b"[" * 200000,
]


@pytest.mark.parametrize("body", MALFORMED)
def test_the_server_answers_a_malformed_save_with_a_400_and_a_one_line_reason(
        graded, server, body):
    before = (graded[1] / hand_grading.SCORES_FILE).read_bytes() \
        if (graded[1] / hand_grading.SCORES_FILE).exists() else None
    token = page_token(server).encode()
    status, reply = post(server, body.replace(b'"t"', b'"' + token + b'"'))
    assert status == 400
    assert reply["error"] and "\n" not in reply["error"]
    after = (graded[1] / hand_grading.SCORES_FILE).read_bytes() \
        if (graded[1] / hand_grading.SCORES_FILE).exists() else None
    assert after == before


@pytest.mark.parametrize("length", ["0", "abc", "-5"])
def test_a_save_with_no_body_or_a_bad_length_is_a_400_too(server, length):
    connection = http.client.HTTPConnection(*server.removeprefix("http://").split(":"))
    connection.putrequest("POST", "/save")
    connection.putheader("Content-Length", length)
    connection.endheaders()
    reply = connection.getresponse()
    assert reply.status == 400 and "\n" not in json.loads(reply.read())["error"]
    connection.close()


def test_saves_through_two_servers_at_once_keep_both(graded, monkeypatch):
    out = graded[1]
    (out / hand_grading.SCORES_FILE).write_text(SCORES_HEADER)
    write = hand_grading.write_scores

    def slow_write(path, scores):  # a save that reads, waits, then writes: the race
        time.sleep(0.3)
        write(path, scores)
    monkeypatch.setattr(hand_grading, "write_scores", slow_write)
    saves = [threading.Thread(target=review.save, args=(out, [{
        "student": student, "notebook": "01_model_update", "question": "model_limits",
        "score": "1", "comment": ""}])) for student in ANSWERS]
    for thread in saves:
        thread.start()
    for thread in saves:
        thread.join()
    assert set(saved_scores(out)) == set(ANSWERS)


def test_a_busy_port_gets_one_line_and_without_port_the_next_free_one(graded, server, monkeypatch):
    busy = int(server.rsplit(":", 1)[1])
    result = subprocess.run(["make", "-s", "review", f"OUT={graded[1]}", f"PORT={busy}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    [line] = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert f"port {busy} is busy" in line and "PORT=" in line
    monkeypatch.setattr(review, "DEFAULT_PORT", busy)
    other = review.serve_on_a_free_port(graded[1], None)
    try:
        assert other.server_port > busy
    finally:
        other.server_close()


def test_the_class_report_keeps_its_width_with_a_long_unbroken_reason(
        graded, browser, tmp_path_factory):
    long_path = "/".join(["a_very_long_folder_name_from_the_lms_download"] * 12) + "/notebook.ipynb"
    outcomes = {("ann", "01_model_update"): Outcome(Status.CRASHED, f"crashed reading {long_path}"),
                ("ben" * 120, "01_model_update"): Outcome(Status.INVALID, "not JSON")}
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.set_content(report_html(outcomes, []))
    page.screenshot(path=str(tmp_path_factory.mktemp("review_screenshots") / "report.png"),
                    full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1300
    [box] = page.eval_on_selector_all(".scroll", "boxes => boxes.map(b => [b.scrollWidth, "
                                      "b.clientWidth, b.getBoundingClientRect().right])")
    assert box[0] > box[1] and box[2] <= 1300  # the table scrolls inside its box
