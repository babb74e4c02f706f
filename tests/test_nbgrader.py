"""`make nbgrader` end to end: the Otter masters become an nbgrader course; nbgrader's own
CLI generates the release, autogrades a batch of submissions into a real gradebook and
exports the grades; every submission scores the same per question as under `make grade`.

All four notebooks are converted and released; only 01 and 02 are handed in and graded,
to keep the run short: they hold every kind of cell (solution with scaffold, public and
hidden tests, 0-point pasted checks, written answers, skipped experiments). Differences between the two graders that are there by design are asserted
and explained where they show: written answers left blank, the CSV's rows for notebooks
not handed in, and an unreadable upload.
"""

import csv
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from autograder import isolation, nbgrader_course
from autograder.grade import grade_batch
from autograder.masters import BONUS_NOTEBOOKS, NOTEBOOKS, questions
from autograder.submissions import fill_notebook, reference_sources, write_submission
from conftest import ROOT

GRADED = ("01_model_update", "02_planning")
CORPUS = ROOT / "tests" / "corpus"
NOISY_MODEL_UPDATE = '''
import sys

def dyna_q_model_update(model, state, action, reward, next_state):
    print("debug: updating", state, action, file=sys.stderr)   # correct, but noisy
    model[state, action] = reward, next_state
    return model
'''
# (student, notebook) -> functions replacing the reference solutions in the hand-in
HAND_INS = {
    ("correct", "01_model_update"): {},
    ("correct", "02_planning"): {},
    ("buggy", "01_model_update"): {
        "dyna_q_model_update": (CORPUS / "model_update/buggy/swapped_reward_next_state.py").read_text()},
    ("buggy", "02_planning"): {
        "dyna_q_planning": (CORPUS / "planning/buggy/ignores_gamma.py").read_text()},
    ("noisy", "01_model_update"): {"dyna_q_model_update": NOISY_MODEL_UPDATE},
    ("crashing", "02_planning"): {"dyna_q_planning": "raise RuntimeError('my cell is broken')"},
}
TRUNCATED = ("truncated", "02_planning")  # an upload cut short: not a readable notebook
FAKE_CHECKS = ("MODEL_UPDATE_CHECKS = PLANNING_CHECKS = []\n"  # a dynaq_checks passing all
               "def run_checks(checks, function):\n    return [('fake', 1, 1, '')]\n")


def nbgrader(course, *args):
    """Run nbgrader's CLI in the course directory; return the finished process."""
    env = dict(os.environ, PATH=f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)


def hand_in(course, assignment, student, name, sources):
    """A student's submission in submitted/, made from the nbgrader release notebook."""
    path = course / "submitted" / student / assignment / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(fill_notebook(name, sources, course / "release" / assignment), path)
    return path


def grade_with_nbgrader(course, assignments):
    """generate_assignment, hand in, autograde and export; return (per-question scores,
    the autograde processes, grades CSV rows)."""
    from nbgrader.api import Gradebook

    done = nbgrader(course, "generate_assignment", "*")  # every assignment in source/
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr
    for (student, name), functions in HAND_INS.items():
        hand_in(course, assignments[name], student, name, {**reference_sources(), **functions})
    # a student who ships a dynaq_checks.py of their own next to the notebook
    (course / "submitted" / "buggy" / assignments["02_planning"] / "dynaq_checks.py").write_text(
        FAKE_CHECKS)
    truncated = course / "submitted" / TRUNCATED[0] / assignments[TRUNCATED[1]]
    truncated.mkdir(parents=True)
    (truncated / f"{TRUNCATED[1]}.ipynb").write_text('{"cells": [  (a truncated upload)')
    autograded = nbgrader(course, "autograde", "*")  # every assignment in submitted/
    exported = nbgrader(course, "export", "--to", "grades.csv")
    assert exported.returncode == 0, exported.stderr
    with open(course / "grades.csv", newline="") as handle:
        csv_rows = list(csv.DictReader(handle))

    scores = {}  # (student, notebook, question) -> [score, max_score, needs_manual_grade]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for name in GRADED:
            for submission in gradebook.assignment_submissions(assignments[name]):
                for grade in submission.notebooks[0].grades:
                    key = (submission.student.id, name, nbgrader_course.question_of(grade.name))
                    entry = scores.setdefault(key, [0.0, 0.0, False])
                    entry[0] += grade.score
                    entry[1] += grade.max_score
                    entry[2] |= grade.needs_manual_grade
    return scores, autograded, csv_rows


def grade_with_otter(folder, out):
    """The same hand-ins made from the Otter student notebooks, graded by `make grade`."""
    for (student, name), functions in HAND_INS.items():
        write_submission(folder, student, name, {**reference_sources(), **functions})
    (folder / TRUNCATED[0]).mkdir()
    (folder / TRUNCATED[0] / f"{TRUNCATED[1]}.ipynb").write_text('{"cells": [  (a truncated upload)')
    return grade_batch(folder, out, isolation.bubblewrap(), jobs=1, progress=False)[1]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Both graders on the same hand-ins, side by side (one core each)."""
    course = tmp_path_factory.mktemp("course")
    assignments = nbgrader_course.write_course(course)
    with ThreadPoolExecutor(1) as pool:
        otter = pool.submit(grade_with_otter, tmp_path_factory.mktemp("otter_submissions"),
                            tmp_path_factory.mktemp("otter_out"))
        scores, autograded, csv_rows = grade_with_nbgrader(course, assignments)
        otter_rows = otter.result()
    return course, assignments, scores, autograded, csv_rows, otter_rows


def test_conversion_keeps_every_otter_question_and_its_points():
    for name in NOTEBOOKS:
        master = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
        _, notebook, hidden = nbgrader_course.convert(master)
        # the core checks, plus a bonus notebook's own module (which imports them)
        assert hidden[0] == "dynaq_checks.py" and len(hidden) == (2 if name in BONUS_NOTEBOOKS else 1)
        assert all((ROOT / "autograder" / "hidden" / file).is_file() for file in hidden)
        totals = {}
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                question = nbgrader_course.question_of(meta["grade_id"])
                totals[question] = totals.get(question, 0) + meta["points"]
                hidden_region = "### BEGIN HIDDEN TESTS" in cell.source
                assert hidden_region == ("-hidden" in meta["grade_id"]), meta["grade_id"]
        assert totals == {question: points for question, points, _ in questions(name)}


def test_solution_cells_become_regions_and_keep_the_otter_prompt():
    master = nbformat.read(ROOT / "solutions" / "01_model_update.ipynb", as_version=4)
    _, notebook, _ = nbgrader_course.convert(master)
    [answer] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "dyna_q_model_update-answer"]
    assert answer.metadata.nbgrader["solution"] and not answer.metadata.nbgrader["grade"]
    assert "    ### BEGIN SOLUTION\n    model[state, action] = reward, next_state\n" \
           "    ### END SOLUTION\n    return model" in answer.source
    assert "PROMPT" not in answer.source and "NotImplementedError" not in answer.source
    assert answer.metadata.student_prompt.startswith("####")
    assert 'raise NotImplementedError("Student exercise' in answer.metadata.student_prompt


def test_course_directory_holds_config_sources_and_the_hidden_checks_apart(tmp_path):
    nbgrader_course.main([str(tmp_path)])
    assert (tmp_path / "nbgrader_config.py").is_file()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "source").rglob("*")
                  if p.is_file()) == sorted(
        f"source/dynaq-{name.replace('_', '-')}/{name}.ipynb" for name in NOTEBOOKS)
    hidden = sorted((ROOT / "autograder" / "hidden").glob("*_checks.py"))
    assert sorted(p.name for p in (tmp_path / "autograder_files").iterdir()) == [p.name for p in hidden]
    for path in hidden:
        assert (tmp_path / "autograder_files" / path.name).read_bytes() == path.read_bytes()


def test_release_carries_the_same_scaffolds_as_the_otter_student_notebooks(graded):
    course, assignments, *_ = graded
    for name in NOTEBOOKS:
        release = nbformat.read(course / "release" / assignments[name] / f"{name}.ipynb", 4)
        otter = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", 4)
        answers = [(c.cell_type, c.source) for c in release.cells
                   if c.metadata.get("nbgrader", {}).get("solution")]
        otter_answers = [(c.cell_type, c.source) for c in otter.cells
                         if "otter_answer_cell" in c.metadata.get("tags", [])]
        assert answers == otter_answers
        assert all("student_prompt" not in c.metadata for c in release.cells)


def test_release_holds_no_solution_and_no_hidden_test(graded):
    course, assignments, *_ = graded
    for name in NOTEBOOKS:
        folder = course / "release" / assignments[name]
        assert [p.name for p in folder.iterdir()] == [f"{name}.ipynb"]
        text = (folder / f"{name}.ipynb").read_text()
        for secret in ("dynaq_checks", "autograder_files", "BEGIN SOLUTION", "HIDDEN TESTS",
                       "reward, next_state = model[state, action].tolist()",
                       "model[state, action] = reward, next_state"):
            assert secret not in text, secret
        assert "# Hidden test (" in text  # what students see of a hidden test


def test_gradebook_points_match_otter_per_question(graded):
    _, _, scores, *_ = graded
    for name in GRADED:
        for question, points, _ in questions(name):
            assert scores["correct", name, question][1] == points, question


def test_every_submission_scores_the_same_per_question_as_make_grade(graded):
    _, _, scores, _, _, otter_rows = graded
    otter = {(r.student, r.notebook, r.question): (float(r.score), float(r.max_score))
             for r in otter_rows}
    assert set(otter) == set(scores)
    for key, (score, max_score) in otter.items():
        assert tuple(scores[key][:2]) == (score, max_score), key
    # the batch really separates right from wrong: full marks, lost points, zero
    assert otter["correct", "02_planning", "dyna_q_planning"] == (8, 8)
    assert otter["noisy", "01_model_update", "dyna_q_model_update"] == (6, 6)
    assert 0 < otter["buggy", "02_planning", "dyna_q_planning"][0] < 8
    assert 0 < otter["buggy", "01_model_update", "dyna_q_model_update"][0] < 6
    assert otter["crashing", "02_planning", "dyna_q_planning"][0] == 0


def test_written_answers_left_blank_score_zero_without_hand_grading_in_nbgrader(graded):
    # By design: Otter leaves every written answer to hand grading (0 until graded), while
    # nbgrader gives an answer cell the student never changed 0 at once and asks for hand
    # grading only of changed answers. A blank answer scores 0 in both.
    _, _, scores, _, _, otter_rows = graded
    manual = [r for r in otter_rows if r.status == "manual: grade by hand"]
    assert manual
    for row in manual:
        score, max_score, needs_manual_grade = scores[row.student, row.notebook, row.question]
        assert score == 0 and max_score == row.max_score
        # an unreadable upload was never autograded: nbgrader leaves all of it to a person
        assert needs_manual_grade == ((row.student, row.notebook) == TRUNCATED)


def test_hidden_checks_run_from_the_course_not_from_a_students_copy(graded):
    course, assignments, scores, *_ = graded
    # the fake dynaq_checks.py handed in next to the notebook reached the grading folder...
    assert (course / "autograded" / "buggy" / assignments["02_planning"] / "dynaq_checks.py").exists()
    # ...yet ignoring gamma still fails one public and one hidden check (1 point each of
    # 8); the fake checks would have passed the hidden one
    assert scores["buggy", "02_planning", "dyna_q_planning"][0] == 6


def test_otter_ignore_experiments_are_skipped_at_autograde(graded):
    course, assignments, *_ = graded
    notebook = nbformat.read(course / "autograded" / "correct" / assignments["02_planning"]
                             / "02_planning.ipynb", 4)
    experiments = [c for c in notebook.cells if "learn_environment(" in c.source]
    assert experiments and all(c.execution_count is None and not c.outputs for c in experiments)


def test_an_unreadable_upload_is_reported_and_scores_zero_in_both(graded):
    # By design nbgrader logs the failing submission, grades the rest and exits with 1;
    # Otter says "invalid notebook" in the status column. Both give 0.
    _, _, scores, autograded, _, otter_rows = graded
    student, name = TRUNCATED
    assert autograded.returncode == 1 and "NotJSONError" in autograded.stderr
    failed = [line for line in autograded.stderr.splitlines() if "error processing" in line]
    assert failed and all(f"/{student}/" in line or f"'{student}'" in line for line in failed)
    assert all(r.status.startswith(("invalid notebook", "manual")) for r in otter_rows
               if r.student == student)
    assert all(score == 0 for (s, *_), (score, *_) in scores.items() if s == student)


def test_export_csv_totals_match_otter_and_list_missing_notebooks_as_zero(graded):
    _, assignments, _, _, csv_rows, otter_rows = graded
    notebook_of = {assignment: name for name, assignment in assignments.items()}
    exported = {(r["student_id"], notebook_of[r["assignment"]]): (float(r["score"]),
                                                                  float(r["max_score"]))
                for r in csv_rows if r["assignment"] in notebook_of}
    otter = {}
    for row in otter_rows:
        total = otter.setdefault((row.student, row.notebook), [0.0, 0.0])
        total[0] += float(row.score)
        total[1] += float(row.max_score)
    for key, total in otter.items():
        assert exported[key] == tuple(total), key
    # By design nbgrader's CSV has a row for every student and assignment: a notebook the
    # student never handed in scores 0 there, while Otter's gradebook has no row for it.
    for key in set(exported) - set(otter):
        assert exported[key][0] == 0
    assert ("noisy", "02_planning") in exported
