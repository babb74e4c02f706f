"""Submissions as instructors get them: damaged names, LMS downloads (Canvas, Moodle,
Gradescope), stray files, students who handed in nothing, and a roster. Every file and
every roster student is accounted for in the gradebook."""

import csv
import os
import re
import subprocess

import pytest

from autograder import exports, intake
from autograder.course import NOTEBOOKS
from autograder.submissions import fill_notebook, reference_sources
from conftest import ROOT

import nbformat


@pytest.mark.parametrize("filename, notebook", [
    ("01_model_update.ipynb", "01_model_update"),
    ("01_model_update (1).ipynb", "01_model_update"),
    ("Copy of 02_planning.ipynb", "02_planning"),
    ("Copy of 02_planning (2).ipynb", "02_planning"),
    ("01_Model_Update.IPYNB", "01_model_update"),
    ("01_model_update-1.ipynb", "01_model_update"),
    ("03_how_much_to_plan copy.ipynb", "03_how_much_to_plan"),
    ("01_model_update.py", None),
    ("notes.txt", None),
    ("01_model_update_v2.ipynb", None),
])
def test_damaged_names_still_name_their_notebook(filename, notebook):
    assert intake.notebook_named(filename) == notebook


def touch(folder, *names):
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("{}")


def by_file(found):
    return {item.shown: (item.student, item.notebook, item.reason) for item in found}


def test_student_folders_with_name_damage_keep_the_newest_copy_and_list_the_rest(tmp_path):
    touch(tmp_path, "ivan/01_model_update (1).ipynb", "ivan/Copy of 02_planning.ipynb",
          "ivan/notes.txt", "README.txt", "ivan/.ipynb_checkpoints/x.ipynb")
    touch(tmp_path, "ivan/01_model_update.ipynb")
    os.utime(tmp_path / "ivan/01_model_update.ipynb", (1, 1))  # the older download
    found = by_file(intake.find(tmp_path))
    assert found["ivan/01_model_update (1).ipynb"] == ("ivan", "01_model_update", "")
    assert found["ivan/Copy of 02_planning.ipynb"] == ("ivan", "02_planning", "")
    assert found["ivan/01_model_update.ipynb"][1:] == (
        None, "an older copy: ivan/01_model_update (1).ipynb was graded")
    assert found["ivan/notes.txt"][1] is None and "not a course notebook" in found["ivan/notes.txt"][2]
    assert "not in a student's folder" in found["README.txt"][2]
    assert "not in a student's folder" in found["ivan/.ipynb_checkpoints/x.ipynb"][2]
    assert len(found) == 6


def found_in_layout(folder, layout, *names):
    """(student, notebook, name) of every file found among `names`, written into `folder`,
    once the folder is recognised as an LMS download in `layout`."""
    touch(folder, *names)
    assert intake.detect_layout(folder) == layout
    return {(f.student, f.notebook, f.name) for f in intake.find(folder)}


def test_canvas_flat_files_name_the_student_by_canvas_user_id(tmp_path):
    assert found_in_layout(
        tmp_path, "canvas", "01/smithjohn_12345_678_01_model_update.ipynb",  # one download per notebook
        "02/smithjohn_LATE_12345_990_Copy of 02_planning (1).ipynb", "01/doejane_23456_681_notes.txt") == {
        ("12345", "01_model_update", "smithjohn"), ("12345", "02_planning", "smithjohn"),
        ("23456", None, "doejane")}


def test_moodle_downloads_in_folders_or_flat(tmp_path):
    assert found_in_layout(
        tmp_path, "moodle", "John Smith_1234567_assignsubmission_file_/01_model_update.ipynb",
        "Jane Doe_7654321_assignsubmission_file_01_model_update (1).ipynb",
        "Jane Doe_7654321_assignsubmission_onlinetext_onlinetext.html") == {
        ("1234567", "01_model_update", "John Smith"), ("7654321", "01_model_update", "Jane Doe"),
        ("7654321", None, "Jane Doe")}


def test_gradescope_export_reads_its_metadata(tmp_path):
    export = tmp_path / "assignment_99_export"
    touch(export, "submission_111/01_model_update.ipynb", "submission_222/Copy of 01_model_update.ipynb",
          "submission_333/01_model_update.ipynb")
    (export / "submission_metadata.yml").write_text("""\
submission_111:
  :submitters:
  - :name: Ann Lee
    :sid: '1001'
    :email: ann@example.edu
submission_222:
  :submitters:
  - :name: Bo Chen
    :email: bo@example.edu
""")
    assert intake.detect_layout(tmp_path) == "gradescope"
    found = by_file(intake.find(tmp_path))
    assert found["assignment_99_export/submission_111/01_model_update.ipynb"] == ("1001", "01_model_update", "")
    assert found["assignment_99_export/submission_222/Copy of 01_model_update.ipynb"][:2] == (
        "bo@example.edu", "01_model_update")
    assert "not a submission listed" in found["assignment_99_export/submission_333/01_model_update.ipynb"][2]


def test_a_roster_needs_ids_and_says_which_line_lacks_one(tmp_path):
    (tmp_path / "roster.csv").write_text("ID,Name,Email\n12345,John Smith,js@example.edu\n,Nobody,\n")
    with pytest.raises(ValueError, match="line 3: no student id"):
        intake.read_roster(tmp_path / "roster.csv")
    (tmp_path / "roster.csv").write_text("name,email\nJohn,js@example.edu\n")
    with pytest.raises(ValueError, match="needs an `id` column"):
        intake.read_roster(tmp_path / "roster.csv")


def write_notebook(path, name):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(fill_notebook(name, reference_sources()), path)


@pytest.fixture(scope="module")
def canvas_term(tmp_path_factory):
    """A Canvas download of 01 and 02 for a roster of three, graded with make grade."""
    folder = tmp_path_factory.mktemp("canvas")
    download = folder / "download"
    write_notebook(download / "smithjohn_12345_678_01_model_update.ipynb", "01_model_update")
    write_notebook(download / "smithjohn_LATE_12345_990_Copy of 02_planning (1).ipynb", "02_planning")
    write_notebook(download / "doejane_23456_681_01_Model_Update-1.ipynb", "01_model_update")
    (download / "doejane_23456_682_notes.txt").write_text("my notes")
    (download / "desktop.ini").write_text("[.ShellClassInfo]")
    (folder / "roster.csv").write_text("id,name,email\n12345,John Smith,js@example.edu\n"
                                       "23456,Jane Doe,jd@example.edu\n34567,Kim Lee,kl@example.edu\n")
    out = folder / "out"
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "grade", f"SUBMISSIONS={download}", f"OUT={out}",
         "LAYOUT=canvas", f"ROSTER={folder / 'roster.csv'}", "JOBS=2"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(out / "gradebook.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(out / "grades_wide.csv", newline="") as handle:
        wide = list(csv.DictReader(handle))
    return done.stdout, rows, wide, (out / "report.html").read_text()


def test_every_file_of_an_lms_download_is_graded_or_listed_with_its_reason(canvas_term):
    summary, rows, *_ = canvas_term
    graded = {(r["student"], r["notebook"]) for r in rows if r["status"] == "graded"}
    assert graded == {("12345", "01_model_update"), ("12345", "02_planning"),
                      ("23456", "01_model_update")}
    assert {r["notebook"] for r in rows} <= set(NOTEBOOKS)  # the other files are apart
    assert "other files: 2" in summary and "files not graded:" in summary
    assert "  doejane_23456_682_notes.txt: not a course notebook" in summary
    assert "  desktop.ini: not named as Canvas" in summary


def test_every_roster_student_owes_every_notebook_due(canvas_term):
    summary, rows, _, report = canvas_term
    missing = {(r["student"], r["notebook"]) for r in rows if r["status"].startswith("missing")}
    assert missing == {("23456", "02_planning"), ("34567", "01_model_update"),
                       ("34567", "02_planning")}
    assert all(float(r["score"]) == 0 for r in rows if r["status"].startswith("missing"))
    assert "submissions: 3  graded: 3" in summary and "missing: 3" in summary
    # means and score charts are over what was handed in: a missing notebook is no 0 there
    assert re.search(r"^01_model_update +dyna_q_model_update +6\.00 +6$", summary, re.M)
    assert "3 students, 3 submissions: 3 graded; notebooks not handed in: 3; other files: 2." in report


def test_the_wide_csv_carries_the_roster_for_an_lms_import(canvas_term):
    _, rows, wide, _ = canvas_term
    assert list(wide[0])[:len(exports.IDENTITY)] == list(exports.IDENTITY)
    people = {r["ID"]: (r["Student"], r["SIS Login ID"], r["01_model_update"], r["02_planning"])
              for r in wide}
    assert people == {"12345": ("John Smith", "js@example.edu", "6", "8"),
                      "23456": ("Jane Doe", "jd@example.edu", "6", "0"),
                      "34567": ("Kim Lee", "kl@example.edu", "0", "0")}
    assert all(r["03_how_much_to_plan"] == "" for r in wide)  # not due in this batch
