"""Submissions as instructors get them: damaged names, notebooks known by their Otter
metadata, LMS downloads (Canvas, Moodle, Gradescope) taken per assignment, stray files,
lateness, and rosters as Canvas and Moodle export them. The whole Canvas term, graded, is
tests/test_canvas_term.py."""

import datetime
import json
import os

import pytest

from autograder import deadlines, intake, lms, roster
from autograder.gradebook import Kind, Row
from autograder.submissions import STUDENT_NOTEBOOKS

@pytest.mark.parametrize("filename, notebook", [
    ("01_model_update.ipynb", "01_model_update"),
    ("01_model_update (1).ipynb", "01_model_update"),
    ("Copy of 02_planning.ipynb", "02_planning"),
    ("Copy of 02_planning (2).ipynb", "02_planning"),
    ("01_Model_Update.IPYNB", "01_model_update"),
    ("01_model_update-1.ipynb", "01_model_update"),
    ("03_how_much_to_plan copy.ipynb", "03_how_much_to_plan"),
    ("Copy_of_02_planning.ipynb", "02_planning"),
    ("02_planning_1.ipynb", "02_planning"),
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
        roster.read_roster(tmp_path / "roster.csv")
    (tmp_path / "roster.csv").write_text("id,name\n1,John Smith\n1,Jane Doe\n")
    with pytest.raises(ValueError, match="line 3: the id '1' is there twice"):
        roster.read_roster(tmp_path / "roster.csv")
    (tmp_path / "roster.csv").write_text("name,section\nJohn,A\n")
    with pytest.raises(ValueError, match="needs an id column"):
        roster.read_roster(tmp_path / "roster.csv")


def test_a_notebook_renamed_past_recognition_is_known_by_its_otter_metadata(tmp_path):
    notebook = json.loads((STUDENT_NOTEBOOKS / "02_planning.ipynb").read_text())
    (tmp_path / "ivan").mkdir()
    (tmp_path / "ivan" / "homework.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "ivan" / "other.ipynb").write_text(json.dumps({**notebook, "metadata": {}}))
    found = {f.shown: (f.notebook, f.by_content) for f in intake.find(tmp_path)}
    assert found == {"ivan/homework.ipynb": ("02_planning", True), "ivan/other.ipynb": (None, False)}


@pytest.mark.parametrize("folder, due, assignment", [
    ("02_planning", None, "02_planning"), ("02", None, "02_planning"),
    ("Notebook 2", None, "02_planning"), ("download", ("02_planning",), "02_planning"),
    ("download", None, None), ("download", ("01_model_update", "02_planning"), None),
])
def test_a_download_folder_is_the_assignment_of_the_notebook_it_is_named_after(
        tmp_path, folder, due, assignment):
    touch(tmp_path, f"{folder}/smithjohn_12345_678_02_planning.ipynb",
          f"{folder}/doejane_23456_679_01_model_update.ipynb")
    found = {f.student: f for f in intake.find(tmp_path, "canvas", due,
                                               {"02_planning": "Notebook 2 (222)"})}
    assert found["12345"].notebook == "02_planning"
    assert found["23456"].notebook == (None if assignment else "01_model_update")
    assert (found["23456"].assignment or None) == assignment


def test_lateness_comes_from_canvas_or_from_deadlines_and_file_times(tmp_path):
    touch(tmp_path / "in", "ivan/01_model_update.ipynb", "ivan/02_planning.ipynb")
    (tmp_path / "due.csv").write_text("notebook,due\n01_model_update,2026-10-01\n"
                                      "02_planning,2026-10-08T12:00:00+00:00\n")
    due = deadlines.read_deadlines(tmp_path / "due.csv")
    on_time = datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.timezone.utc).timestamp()
    os.utime(tmp_path / "in/ivan/01_model_update.ipynb", (on_time, on_time))
    late = {f.notebook: deadlines.is_late(f, "folders", due) for f in intake.find(tmp_path / "in")}
    assert late == {"01_model_update": False, "02_planning": True}
    planning = next(f for f in intake.find(tmp_path / "in") if f.notebook == "02_planning")
    assert not deadlines.is_late(planning, "canvas", due)  # Canvas's files carry the download time
    (tmp_path / "due.csv").write_text("notebook,due\n02_planing,2026-10-01\n")
    with pytest.raises(ValueError, match="line 2: no course notebook '02_planing'"):
        deadlines.read_deadlines(tmp_path / "due.csv")


def test_a_canvas_gradebook_export_is_a_roster_without_its_points_row(tmp_path):
    (tmp_path / "export.csv").write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Notebook 1 (111)\n"
        "    Points Possible,,,,,8\n"
        '"Smith, John",12345,S001,jsmith,Section A,6\n"Student, Test",99999,,abc,Section A,\n')
    students = roster.read_roster(tmp_path / "export.csv")
    assert list(students) == ["12345", "99999"]
    john = students["12345"]
    assert (john.name, john.sis_id, john.login, john.section, john.canvas_id) == (
        "Smith, John", "S001", "jsmith", "Section A", "12345")
    assert students["99999"].test and not john.test


def test_a_roster_keyed_by_sis_id_or_email_still_finds_canvas_and_moodle_submitters(tmp_path):
    (tmp_path / "sis.csv").write_text("SIS User ID,Name,Email\nS001,John Smith,js@example.edu\n"
                                      "S002,Jane Doe,jd@example.edu\n")
    by_sis = roster.read_roster(tmp_path / "sis.csv")
    assert roster.match("12345", "smithjohn", by_sis) == "S001"  # Canvas's file name form
    assert roster.match("7654321", "Jane Doe", by_sis) == "S002"  # Moodle's full name
    assert roster.match("JD@example.edu", "", by_sis) == "S002"
    assert roster.match("55555", "parksam", by_sis) is None
    (tmp_path / "middle.csv").write_text("id,name\nS003,Mary Ann Lee\n")
    assert roster.match("34567", "leemaryann", roster.read_roster(tmp_path / "middle.csv")) == "S003"
    (tmp_path / "moodle.csv").write_text("First name,Last name,ID number,Email address\n"
                                         "John,Smith,S001,js@example.edu\n")
    by_moodle = roster.read_roster(tmp_path / "moodle.csv")
    assert by_moodle["S001"].name == "John Smith" and by_moodle["S001"].email == "js@example.edu"


def test_two_roster_students_of_one_name_are_not_guessed_apart_by_name(tmp_path):
    (tmp_path / "r.csv").write_text("id,name\n1,John Smith\n2,John Smith\n")
    assert roster.match("smithjohn", "smithjohn", roster.read_roster(tmp_path / "r.csv")) is None


# What Moodle's CSV import (grade/import/csv/classes/load_data.php) reads: every row names
# a user in the column mapped to them (else the whole import stops); a grade is a number,
# or empty or "-" for no grade.
def test_the_moodle_file_has_a_user_on_every_row_and_empty_cells_for_pending_work():
    rows = [Row("s1", "01_model_update", "dyna_q_model_update", 6, 6, "graded", Kind.AUTOGRADED),
            Row("s1", "01_model_update", "model_limits", 0, 2, "manual: grade by hand", Kind.AWAITING_HAND),
            Row("s2", "01_model_update", "dyna_q_model_update", 3, 6, "graded", Kind.AUTOGRADED),
            Row("s2", "01_model_update", "model_limits", 1, 2, "graded by hand", Kind.GRADED_BY_HAND),
            Row("s3", "01_model_update", "dyna_q_model_update", 0, 6, "missing: nothing handed in", Kind.NOT_GRADED),
            Row("s3", "01_model_update", "model_limits", 0, 2, "missing: nothing handed in", Kind.NOT_GRADED)]
    students = {s: roster.Student(s, f"Name {s}", f"{s}@example.edu", on_roster=True)
                for s in ("s1", "s2", "s3")}
    text, pending = lms.export_csv("moodle", rows, students, ("01_model_update",),
                                   {"01_model_update": "Notebook 1"})
    header, *lines = [line.split(",") for line in text.splitlines()]
    assert header == ["Full name", "Email address", "ID number", "Notebook 1"]
    assert all(line[1].endswith("@example.edu") for line in lines)
    assert [line[3] for line in lines] == ["", "4", "0"] and pending == 1


def test_moodle_lateness_comes_from_its_grading_worksheet(tmp_path):
    download = tmp_path / "in" / "02_planning"
    touch(download, "John Smith_1234567_assignsubmission_file_/02_planning.ipynb",
          "Jane Doe_7654321_assignsubmission_file_/02_planning.ipynb")
    (download / "Grades-Course-Notebook 2.csv").write_text(
        "Identifier,Full name,Email address,Status,Last modified (submission)\n"
        'Participant 1234567,John Smith,js@example.edu,Submitted,"Thursday, 8 October 2026, 11:30 PM"\n'
        'Participant 7654321,Jane Doe,jd@example.edu,Submitted,"Friday, 9 October 2026, 9:05 AM"\n')
    (tmp_path / "due.csv").write_text("notebook,due\n02_planning,2026-10-08 23:59\n")
    due, times = deadlines.read_deadlines(tmp_path / "due.csv"), deadlines.moodle_times(tmp_path / "in")
    found = intake.find(tmp_path / "in", "moodle")
    late = {f.student: deadlines.is_late(f, "moodle", due, times) for f in found if f.notebook}
    assert late == {"1234567": False, "7654321": True}
    [sheet] = [f for f in found if not f.notebook]
    assert "Moodle's grading worksheet" in sheet.reason
