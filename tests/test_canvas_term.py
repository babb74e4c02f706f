"""A term on Canvas, end to end with `make grade`: a download per assignment, a roster that
is Canvas's own gradebook export (with its Points Possible row and its Test Student),
late work, a notebook renamed past recognition, a notebook handed in to the wrong
assignment, a submitter the roster does not know, a roster student who handed in
nothing, hand scores, and a resubmission whose written answer changed. Every file, roster
student, late flag, wrong-assignment upload, test student and changed written answer is
accounted for in the summary, and the Canvas import file is what Canvas's importer reads.
"""

import csv
import os
import re
import subprocess

import nbformat
import pytest

from autograder.submissions import fill_notebook, reference_sources
from conftest import ROOT

ROSTER = """\
Student,ID,SIS User ID,SIS Login ID,Section,Notebook 1 (111),Current Score
    Points Possible,,,,,8,(read only)
"Smith, John",12345,S001,js@example.edu,Section A,,
"Doe, Jane",23456,S002,jd@example.edu,Section A,,
"Lee, Kim",34567,S003,kl@example.edu,Section A,,
"Park, Samuel",55556,S004,sp@example.edu,Section A,,
"Student, Test",99999,,4f8a2c9e1d,Section A,,
"""
ASSIGNMENTS = "notebook,assignment\n01_model_update,Notebook 1 (111)\n02_planning,Notebook 2 (222)\n"
JANE_FIRST = "Replays carry the goal's value back along the path."
JANE_AGAIN = "I am not sure."


def write_notebook(path, name, answer=None):
    notebook = fill_notebook(name, reference_sources())
    if answer is not None:
        [cell] = [c for c in notebook.cells if c.cell_type == "markdown"
                  and "otter_answer_cell" in c.metadata.get("tags", [])]
        cell.source = answer
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def make_grade(download, out, roster):
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "grade", f"SUBMISSIONS={download}", f"OUT={out}",
         "LAYOUT=canvas", f"ROSTER={roster}", "JOBS=2", "LMS=canvas",
         f"ASSIGNMENTS={roster.parent / 'assignments.csv'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def read(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """The term graded twice: once as downloaded; then again after TAs scored written
    answers (with the fingerprints the review pages save) and Jane resubmitted 02 with a
    new answer. Returns the two summaries, the files handed in and OUT."""
    folder = tmp_path_factory.mktemp("term")
    download, out = folder / "download", folder / "out"
    one, two = download / "01_model_update", download / "02_planning"
    write_notebook(one / "smithjohn_12345_678_01_model_update.ipynb", "01_model_update")
    write_notebook(one / "doejane_23456_681_01_Model_Update-1.ipynb", "01_model_update")
    (one / "doejane_23456_682_notes.txt").write_text("my notes")
    (one / "parksam_55555_683_01_model_update.ipynb").write_text('{"cells": [')  # truncated
    (one / "studenttest_99999_684_01_model_update.ipynb").write_text('{"cells": [')
    write_notebook(two / "smithjohn_LATE_12345_990_Copy_of_02_planning.ipynb", "02_planning")
    write_notebook(two / "doejane_23456_991_homework.ipynb", "02_planning", JANE_FIRST)
    write_notebook(two / "doejane_23456_992_01_model_update.ipynb", "01_model_update")
    os.utime(one / "doejane_23456_681_01_Model_Update-1.ipynb", (1, 1))  # older than the stray 01
    (download / "desktop.ini").write_text("[.ShellClassInfo]")
    roster = folder / "roster.csv"
    roster.write_text(ROSTER)
    (folder / "assignments.csv").write_text(ASSIGNMENTS)
    first = make_grade(download, out, roster)
    answers = {(r[0], r[1], r[2]): r[3] for r in read(out / "manual" / "answers.csv")[1:]}
    scored = [("12345", "01_model_update", "model_limits", 2), ("12345", "02_planning",
              "planning_arrows", 1.5), ("23456", "02_planning", "planning_arrows", 2)]
    (out / "manual_scores.csv").write_text("student,notebook,question,score,comment,answer_fingerprint\n"
                                           + "".join(f"{s},{n},{q},{p},Good.,{answers[s, n, q]}\n"
                                                     for s, n, q, p in scored))
    write_notebook(two / "doejane_23456_991_homework.ipynb", "02_planning", JANE_AGAIN)
    second = make_grade(download, out, roster)
    files = sorted(str(p.relative_to(download)) for p in download.rglob("*") if p.is_file())
    return first, second, files, out


def test_every_file_is_graded_or_listed_with_its_reason(term):
    first, _, files, out = term
    rows = {(r[0], r[1]): r[5] for r in read(out / "gradebook.csv")[1:]}
    graded = {(r[0], r[1]) for r in read(out / "gradebook.csv")[1:] if r[5] == "graded"}
    assert graded == {
        ("12345", "01_model_update"), ("12345", "02_planning"), ("23456", "01_model_update"),
        ("23456", "02_planning")}
    listed = [f for f in files if f in first]
    assert set(files) - set(listed) == {  # the graded ones, found by student and notebook
        "01_model_update/smithjohn_12345_678_01_model_update.ipynb",
        "01_model_update/doejane_23456_681_01_Model_Update-1.ipynb",
        "01_model_update/parksam_55555_683_01_model_update.ipynb",
        "01_model_update/studenttest_99999_684_01_model_update.ipynb",
        "02_planning/smithjohn_LATE_12345_990_Copy_of_02_planning.ipynb"}
    assert "submissions: 6  graded: 4" in first and "other files: 3" in first
    assert "02_planning/doejane_23456_991_homework.ipynb graded as 02_planning" in first
    assert re.search(r"invalid notebook", rows["55555", "01_model_update"])


def test_a_notebook_in_the_wrong_assignment_is_listed_not_swapped_in(term):
    first, _, _, out = term
    assert "WRONG ASSIGNMENT: 1 upload(s)" in first
    assert "\n  02_planning/doejane_23456_992_01_model_update.ipynb\n" in first
    assert re.search(r"02_planning/doejane_23456_992_01_model_update\.ipynb: handed in to the "
                     r"wrong assignment: 01_model_update in the assignment of 02_planning", first)
    jane = [r for r in read(out / "gradebook.csv")[1:] if r[:2] == ["23456", "01_model_update"]]
    assert [r[5] for r in jane] == ["graded", "manual: grade by hand"]  # the copy handed in on time


def test_the_roster_is_accounted_for_strangers_guessed_and_the_test_student_marked(term):
    first, *_ = term
    assert "NOT ON THE ROSTER: 1 submitter(s)" in first
    assert "  parksam (55555): perhaps Park, Samuel (55556) of the roster?" in first
    assert re.search(r"ROSTER STUDENTS WITH NO SUBMISSION: 2 \(all missing\):\n"
                     r"  Lee, Kim \(34567\)\n  Park, Samuel \(55556\)", first)
    assert "test students (left out of the LMS exports): Student, Test (99999)" in first


def test_late_work_is_flagged_in_the_summary_gradebook_and_wide_export(term):
    first, _, _, out = term
    assert "late: 1 submission(s): Smith, John (12345) 02_planning" in first
    header, *rows = read(out / "gradebook.csv")
    late = {(r[0], r[1]) for r in rows if r[header.index("late")] == "yes"}
    assert late == {("12345", "02_planning")}
    wide = {r[1]: r[-1] for r in read(out / "grades_wide.csv")[1:]}
    assert wide == {"12345": "02_planning", "23456": "", "34567": "", "55556": ""}
    john = next(r for r in read(out / "grades_wide.csv")[1:] if r[1] == "12345")
    assert john[:5] == ["Smith, John", "12345", "S001", "js@example.edu", "Section A"]


def test_a_changed_written_answer_needs_regrading_and_does_not_count(term):
    _, second, _, out = term
    assert "NEEDS REGRADING BY HAND: 1 written answer(s)" in second
    assert "  23456 02_planning planning_arrows: was 2 (Good.)" in second
    assert re.search(r"23456 02_planning planning_arrows: 2 -> 0 \(.*needs regrading by hand\)",
                     second)
    rows = {(r[0], r[1], r[2]): (r[3], r[5]) for r in read(out / "gradebook.csv")[1:]}
    assert rows["23456", "02_planning", "planning_arrows"] == ("0", "needs regrading by hand")
    assert rows["12345", "02_planning", "planning_arrows"] == ("1.5", "graded by hand")
    states = {(r[0], r[1], r[2]): (r[4], r[5]) for r in read(out / "manual" / "answers.csv")[1:]}
    assert states["23456", "02_planning", "planning_arrows"] == ("needs regrading by hand", "2")
    assert states["23456", "01_model_update", "model_limits"] == ("pending", "")
    assert "planning_arrows: 1 graded by hand, 0 pending, 1 needing regrading" in second


# What Canvas's importer (canvas-lms lib/gradebook_importer.rb) reads: the header's first
# cells name the student columns, other columns are assignments "name (id)" unless they
# are its read-only columns; a row starting "Points Possible" gives the points.
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_READ_ONLY = re.compile("Current Score|Current Points|Current Grade|Final Score|"
                              "Final Points|Final Grade|Override Score|Override Grade")


def test_the_canvas_file_has_the_documented_import_columns(term):
    _, second, _, out = term
    header, points, *students = read(out / "grades_canvas.csv")
    assert header[:5] == CANVAS_STUDENT_COLUMNS
    assignments = header[5:]
    assert assignments == ["Notebook 1 (111)", "Notebook 2 (222)"]
    assert not any(CANVAS_READ_ONLY.search(a) or a == "Total" for a in assignments)
    assert points[0] == "Points Possible" and points[5:] == ["8", "10"]
    by_id = {row[1]: row for row in students}
    assert set(by_id) == {"12345", "23456", "34567", "55556"}  # no test student, no stranger
    assert by_id["12345"] == ["Smith, John", "12345", "S001", "js@example.edu", "Section A", "8", "9.5"]
    assert by_id["23456"][5:] == ["", ""]  # 01 pending, 02 needs regrading: left empty
    assert by_id["34567"][5:] == ["0", "0"]
    assert "canvas import file" in second and "2 cell(s) left empty while hand grading is pending" in second


def test_each_student_has_a_feedback_file_named_as_on_the_roster(term):
    _, _, _, out = term
    index = {r[1]: r[5] for r in read(out / "feedback" / "index.csv")[1:]}
    assert index["23456"] == "students/Doe, Jane (23456).md"
    text = (out / "feedback" / index["12345"]).read_text()
    assert "- 02_planning: 9.5 / 10" in text and "# Feedback on 01_model_update" in text
