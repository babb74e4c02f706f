"""`make grade` end to end through Otter: correct, buggy and broken submissions in one
batch; every gradebook row, the feedback, resuming, and the CSV contract."""

import csv
import json
import os
import re
import stat
import subprocess
import sys

import nbformat
import pytest

from autograder import course, nbgrader_course
from autograder.course import NOTEBOOKS
from autograder.grade import MISSING_DETAIL
from autograder.grade_one import WRONG_RELEASE_DETAIL
from autograder.gradebook import COLUMNS, MANUAL_STATUS, Kind
from autograder.masters import check_module, questions
from autograder.results import Outcome, Status, not_defined
from autograder.submissions import reference_sources, write_correct_submissions, write_submission
from conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
BUGGY = {  # corpus file -> the function it replaces, checked end to end through Otter
    "dyna_q_model_update/buggy/keeps_first_observation.py": "dyna_q_model_update",
    "dyna_q_model_update/buggy/swapped_reward_next_state.py": "dyna_q_model_update",
    "dyna_q_planning/buggy/uniform_over_all_pairs.py": "dyna_q_planning",
    "dyna_q_planning/buggy/ignores_gamma.py": "dyna_q_planning",
    "dyna_q_planning/buggy/without_replacement.py": "dyna_q_planning",
}
CORRECT = ["dyna_q_planning/correct/default_rng_integers.py",
           "dyna_q_planning/correct/state_then_action.py",
           "dyna_q_model_update/correct/copy_then_return.py"]


UNDEFINED_HELPER = "def dyna_q_planning(model, value, params):\n    return q_update(model, value, params)\n"


def expected_failures(path):
    first = path.read_text().splitlines()[0]
    return {name.strip() for name in first.split(":", 1)[1].split(",")}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    write_correct_submissions(folder, "alice")
    for number, (relative, function) in enumerate(BUGGY.items()):
        write_submission(folder, f"buggy{number}", course.function(function).notebook,
                         {**reference_sources(), function: (CORPUS / relative).read_text()})
    for number, relative in enumerate(CORRECT):
        function = relative.split("/")[0]
        write_submission(folder, f"variant{number}", course.function(function).notebook,
                         {**reference_sources(), function: (CORPUS / relative).read_text()})
    (folder / "broken").mkdir()
    (folder / "broken" / "02_planning.ipynb").write_text('{"cells": [')
    wrong = nbformat.read(ROOT / "notebooks" / "04_shortcut.ipynb", as_version=4)
    (folder / "wrong").mkdir()
    nbformat.write(wrong, folder / "wrong" / "03_how_much_to_plan.ipynb")
    _, hub_notebook, _ = nbgrader_course.convert("01_model_update")  # cells carry nbgrader metadata
    (folder / "hub").mkdir()
    nbformat.write(hub_notebook, folder / "hub" / "01_model_update.ipynb")
    crashing = reference_sources()
    crashing["dyna_q_planning"] = "raise RuntimeError('my cell is broken')"
    write_submission(folder, "crashing", "02_planning", crashing)
    write_submission(folder, "undefined_helper", "02_planning", {
        **reference_sources(), "dyna_q_planning": UNDEFINED_HELPER})
    (folder / "stray").mkdir()
    (folder / "stray" / "notes.txt").write_text("not a notebook")
    out = tmp_path_factory.mktemp("out")
    done = subprocess.run(["make", "-s", "grade", f"SUBMISSIONS={folder}", f"OUT={out}", "JOBS=2"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with open(out / "gradebook.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return folder, out, rows, done.stdout


def rows_of(rows, student, notebook=None):
    return {r["question"]: r for r in rows
            if r["student"] == student and (notebook is None or r["notebook"] == notebook)}


def test_gradebook_has_the_contract_columns(batch):
    _, out, _, _ = batch
    header = (out / "gradebook.csv").read_text().splitlines()[0]
    assert header == "student,notebook,question,score,max_score,status,kind,late"


def test_correct_submissions_get_full_marks_on_every_autograded_question(batch):
    _, _, rows, _ = batch
    for notebook in NOTEBOOKS:
        for question, points, manual in questions(notebook):
            row = rows_of(rows, "alice", notebook)[question]
            if manual:
                assert (row["kind"], row["status"]) == (Kind.AWAITING_HAND.value, MANUAL_STATUS)
            else:
                assert (float(row["score"]), row["kind"], row["status"]) == (
                    points, Kind.AUTOGRADED.value, Status.GRADED.value), row


@pytest.mark.parametrize("number", range(len(CORRECT)))
def test_other_correct_implementations_get_full_marks(batch, number):
    _, _, rows, _ = batch
    graded = [row for row in rows_of(rows, f"variant{number}").values()
              if row["kind"] == Kind.AUTOGRADED.value]
    assert graded and all(row["score"] == row["max_score"] for row in graded), graded


@pytest.mark.parametrize("number, relative", list(enumerate(BUGGY)))
def test_buggy_submissions_lose_points_on_their_question_with_the_right_message(batch, number,
                                                                                relative):
    _, out, rows, _ = batch
    function = BUGGY[relative]
    home = course.function(function).notebook
    row = rows_of(rows, f"buggy{number}", home)[function]
    failing = expected_failures(CORPUS / relative)
    checks = {check.name: check for check in
              check_module(course.function(function).checks).CHECKS[function]}
    assert float(row["max_score"]) - float(row["score"]) >= sum(checks[n].points for n in failing)
    outcome = Outcome.from_json(json.loads(
        (out / "results" / f"buggy{number}" / f"{home}.json").read_text()))
    failed = {check.name.removeprefix("test_"): check for check in outcome.questions[function].checks
              if check.hidden and not check.passed}
    assert set(failed) == failing  # the corpus file names the checks it fails: those only
    feedback = (out / "feedback" / f"buggy{number}" / f"{home}.md").read_text()
    for name in failing:  # each said in plain words, with the check's own message
        assert f"(hidden check): {checks[name].description}\n  - {failed[name].message.splitlines()[0]}" \
            in feedback
    assert "Traceback" not in feedback and "check_kit" not in feedback


def test_each_feedback_lists_every_check_and_its_points_add_up_to_the_score(batch):
    _, out, rows, _ = batch
    scores = {(r["student"], r["notebook"], r["question"]): float(r["score"]) for r in rows}
    graded = list((out / "results").rglob("*.json"))
    assert len(graded) > len(BUGGY)
    for path in graded:
        student, notebook = path.parent.name, path.stem
        outcome = Outcome.from_json(json.loads(path.read_text()))
        sections = (out / "feedback" / student / f"{notebook}.md").read_text().split("\n## ")
        for question, result in outcome.questions.items():
            [section] = [s for s in sections if s.startswith(f"{question}: ")]
            earned = [float(x) for x in re.findall(r"^- [✓✗][^,]*, ([\d.]+) of ", section, re.M)]
            assert len(earned) == len(result.checks), section
            assert sum(earned) == pytest.approx(scores[student, notebook, question]), section


def test_unreadable_notebook_scores_zero_with_a_reason_on_every_question(batch):
    _, _, rows, _ = batch
    broken = rows_of(rows, "broken", "02_planning")
    written = [question for question, _, manual in questions("02_planning") if manual]
    assert written and set(written) <= set(broken)
    for row in broken.values():  # its written question too: there is nothing to grade by hand
        assert row["score"] == "0"
        assert row["status"].startswith("invalid notebook"), row


def test_notebook_of_another_assignment_scores_zero(batch):
    _, _, rows, _ = batch
    wrong = rows_of(rows, "wrong", "03_how_much_to_plan").values()
    assert len(wrong) == len(questions("03_how_much_to_plan"))
    assert all((r["score"], r["kind"]) == ("0", Kind.NOT_GRADED.value)
               and r["status"].startswith(Status.WRONG_ASSIGNMENT.value) for r in wrong)


def test_a_notebook_of_the_nbgrader_release_is_not_graded_and_says_why(batch):
    _, out, rows, _ = batch
    hub = rows_of(rows, "hub", "01_model_update")
    assert len(hub) == len(questions("01_model_update"))
    assert all((r["score"], r["status"]) == ("0", WRONG_RELEASE_DETAIL) for r in hub.values())
    assert WRONG_RELEASE_DETAIL in (out / "feedback" / "hub" / "01_model_update.md").read_text()


def test_a_crashing_cell_costs_only_what_depends_on_it(batch):
    _, _, rows, _ = batch
    graded = rows_of(rows, "crashing", "02_planning")
    assert graded["dyna_q_planning"]["score"] == "0"
    assert "RuntimeError" in graded["dyna_q_planning"]["status"]
    assert graded["pasted_model_update"]["status"].startswith("graded")


def test_a_file_that_is_no_course_notebook_is_reported_apart_from_the_gradebook(batch):
    _, out, rows, stdout = batch
    assert {r["notebook"] for r in rows} <= set(NOTEBOOKS)  # never a file's path
    assert "other files: 1" in stdout and "  stray/notes.txt: not a course notebook" in stdout
    assert "stray/notes.txt" in (out / "report.html").read_text()
    owed = {r["notebook"] for r in rows if r["student"] == "stray"}
    assert owed == set(NOTEBOOKS)  # they handed in no notebook at all: every one is missing


def test_a_name_the_students_own_function_does_not_define_is_said_once_in_the_feedback(batch):
    _, out, rows, _ = batch
    assert rows_of(rows, "undefined_helper", "02_planning")["dyna_q_planning"]["score"] == "0"
    feedback = (out / "feedback" / "undefined_helper" / "02_planning.md").read_text()
    assert feedback.count(not_defined("`q_update`")) == 1
    assert "(`q_update` is not defined)" in feedback


def test_summary_counts_the_submissions_by_how_they_went_and_gives_each_questions_mean(batch):
    *_, rows, stdout = batch
    submissions = {(r["student"], r["notebook"]) for r in rows if r["status"] != MISSING_DETAIL}
    graded = {(r["student"], r["notebook"]) for r in rows if r["kind"] == Kind.AUTOGRADED.value}
    missing = {(r["student"], r["notebook"]) for r in rows} - submissions
    counts = re.search(r"submissions: (\d+)  graded: (\d+)  timed out: (\d+)  failed: (\d+)  "
                       r"missing: (\d+)  other files: (\d+)", stdout).groups()
    # failed: the unreadable notebook, the other assignment's and the nbgrader release's
    assert [int(n) for n in counts] == [len(submissions), len(graded), 0, 3, len(missing), 1]
    planning = [float(r["score"]) for r in rows if r["question"] == "dyna_q_planning"
                and (r["student"], r["notebook"]) in submissions]
    assert re.search(rf"^02_planning +dyna_q_planning +{sum(planning) / len(planning):.2f} ", stdout,
                     re.M)


def test_rerun_resumes_without_regrading_and_gives_the_same_gradebook(batch):
    folder, out, rows, _ = batch
    before = (out / "gradebook.csv").read_text()
    cached = {p: p.stat().st_mtime_ns for p in (out / "results").rglob("*.json")}
    subprocess.run([sys.executable, "-m", "autograder.grade", str(folder), str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    assert (out / "gradebook.csv").read_text() == before
    assert cached == {p: p.stat().st_mtime_ns for p in (out / "results").rglob("*.json")}
    assert all(json.loads(p.read_text())["key"] for p in cached)


def test_summary_columns_stay_apart_for_long_notebook_and_question_names():
    from autograder import gradebook
    from autograder.results import Outcome, Status
    rows = [gradebook.Row("ann", "08_decision_time_planning", "a_rather_long_question_name_here",
                          1.0, 2.0, "graded", gradebook.Kind.AUTOGRADED)]
    header, line = gradebook.summary({("ann", "08_decision_time_planning"): Outcome(Status.GRADED)},
                                     rows).splitlines()[-2:]
    assert line.split() == ["08_decision_time_planning", "a_rather_long_question_name_here",
                            "1.00", "2"]
    assert header.index("question") == line.index("a_rather_long")


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_gradebook_files_get_the_permissions_the_umask_gives(tmp_path, umask, mode):
    from autograder import gradebook
    previous = os.umask(umask)
    try:
        gradebook.write_csv(tmp_path / "gradebook.csv", [])
        gradebook.write_csv(tmp_path / "gradebook.csv", [])  # replacing it, too
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "gradebook.csv").stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]
