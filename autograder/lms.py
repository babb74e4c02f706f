"""Files to hand back to the LMS: `make grade ... LMS=canvas|moodle` writes
`OUT/grades_canvas.csv` or `OUT/grades_moodle.csv`, ready to import as is, and every run
writes a feedback index per student.

Canvas's Gradebook import (its importer, `lib/gradebook_importer.rb` of canvas-lms,
reads): the header `Student,ID,SIS User ID,SIS Login ID,Section`, then one column per
assignment named `Assignment name (assignment id)` (a name Canvas does not know creates a
new assignment); a second row whose first cell is "Points Possible"; then one row per
student, matched by ID (the Canvas user id), else SIS User ID or SIS Login ID, else name.
An empty cell changes nothing. Moodle's CSV import (`grade/import/csv`) maps one column to
the user (email address, ID number, ...) and each other column to a grade item; every row
must name a user, so it has no points row; an empty cell is no grade.

Both have one column per notebook due, named as `ASSIGNMENTS=` says (a CSV
`notebook,assignment`: `02_planning,Notebook 2: Planning (4567)`), else by the notebook;
no total (the LMS computes its own). A notebook whose written answers wait for a hand score
(pending, or needing regrading) leaves its cell empty, not 0; one not handed in is 0.
Test students and submitters not on the roster are left out unless asked for.
"""

import csv
import io
import re
from collections import defaultdict

from helpers.answers import number_text

from .course import NOTEBOOKS
from .gradebook import write_atomically

LMS_NAMES = ("canvas", "moodle")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_IDENTITY = ("Full name", "Email address", "ID number")
POINTS_POSSIBLE = "Points Possible"


def read_assignments(path):
    """{notebook: LMS assignment name} from the CSV at `path` (`notebook,assignment`).
    Raises ValueError naming the line of an unknown notebook or an empty name."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        lines = [cells for cells in csv.reader(handle) if any(c.strip() for c in cells)]
    if not lines or [c.strip().lower() for c in lines[0]][:2] != ["notebook", "assignment"]:
        raise ValueError(f"{path}: the assignments file needs the columns notebook,assignment")
    titles = {}
    for number, cells in enumerate(lines[1:], start=2):
        notebook, title = (list(cells) + ["", ""])[:2]
        if notebook.strip() not in NOTEBOOKS:
            raise ValueError(f"{path}, line {number}: no course notebook {notebook.strip()!r}")
        if not title.strip():
            raise ValueError(f"{path}, line {number}: no assignment name for {notebook.strip()}")
        titles[notebook.strip()] = title.strip()
    return titles


def notebook_cells(rows):
    """{student: {notebook: (total, possible, pending)}} of the gradebook's question rows."""
    cells = defaultdict(dict)
    for row in rows:
        if row.question and row.notebook in NOTEBOOKS:
            total, possible, pending = cells[row.student].get(row.notebook, (0.0, 0.0, False))
            cells[row.student][row.notebook] = (total + row.score, possible + row.max_score,
                                                pending or row.kind.pending)
    return cells


def export_csv(lms, rows, students, due, titles=None):
    """The import file for `lms` as CSV text, and how many cells it leaves empty because
    hand grading is pending. `students`: roster.Student by id, those to list; `due`: the
    notebooks due, in order; `titles`: notebook -> LMS assignment name."""
    cells = notebook_cells(rows)
    possible = {n: next((c[n][1] for c in cells.values() if n in c), 0.0) for n in due}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = [(titles or {}).get(n, n) for n in due]
    if lms == "canvas":
        writer.writerow([*CANVAS_IDENTITY, *names])
        writer.writerow([POINTS_POSSIBLE, "", "", "", "", *(number_text(possible[n]) for n in due)])
    else:
        writer.writerow([*MOODLE_IDENTITY, *names])
    pending = 0
    for student in sorted(students.values(), key=lambda s: (s.name.lower(), s.id)):
        scores = []
        for notebook in due:
            total, _, waiting = cells[student.id].get(notebook, (0.0, 0.0, False))
            pending += waiting
            scores.append("" if waiting else number_text(total))
        if lms == "canvas":
            writer.writerow([student.name or student.id, student.canvas_id, student.sis_id,
                             student.login or student.email, student.section, *scores])
        else:
            writer.writerow([student.name or student.id, student.email, student.sis_id, *scores])
    return buffer.getvalue(), pending


def write_export(out_dir, lms, rows, students, due, titles=None):
    """Write OUT/grades_<lms>.csv (see `export_csv`); return (its path, cells pending)."""
    text, pending = export_csv(lms, rows, students, due, titles)
    path = out_dir / f"grades_{lms}.csv"
    write_atomically(path, text)
    return path, pending


def _file_name(student):
    """A student's index file name, as on the roster: `Name (id).md`, safe on any system."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", student.shown).strip(". ") + ".md"


def write_feedback_index(out_dir, students, rows):
    """Write OUT/feedback/students/<Name (id)>.md for every student with feedback (the
    score of each notebook, then its feedback file's text) and OUT/feedback/index.csv
    (name, id, email, SIS ids, that file, the notebook feedback files)."""
    feedback = out_dir / "feedback"
    cells = notebook_cells(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "id", "email", "sis_user_id", "sis_login_id", "file", "notebooks"])
    for student in sorted(students.values(), key=lambda s: (s.name.lower(), s.id)):
        files = sorted((feedback / student.id).glob("*.md")) if (feedback / student.id).is_dir() else []
        if not files:
            continue
        parts = [f"# Feedback for {student.shown}", ""]
        for path in files:
            total, possible, waiting = cells[student.id].get(path.stem, (0.0, 0.0, False))
            parts += [f"- {path.stem}: {number_text(total)} / {number_text(possible)}"
                      + (" (written answers not yet graded)" if waiting else "")]
        parts += ["", *(path.read_text() + "\n" for path in files)]
        name = _file_name(student)
        write_atomically(feedback / "students" / name, "\n".join(parts))
        writer.writerow([student.name, student.id, student.email, student.sis_id, student.login,
                         f"students/{name}", " ".join(f"{student.id}/{p.name}" for p in files)])
    write_atomically(feedback / "index.csv", buffer.getvalue())
