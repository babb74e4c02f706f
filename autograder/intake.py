"""Find the submissions in a folder as instructors get them, and the students who owe one.

Layouts (`LAYOUTS`; `make grade LAYOUT=<name>`, by default recognised from the files):

- `folders`: `<student>/<notebook>.ipynb`, the student being the folder's name;
- `canvas`: Canvas's "Download Submissions", flat files named
  `<name>_<user id>_<submission id>_<file>` (`<name>_LATE_<user id>_...` when late);
  the student is the Canvas user id;
- `moodle`: Moodle's "Download all submissions", `<Full Name>_<participant id>_assignsubmission_file_`
  then `/<file>` (in folders) or `<file>` (flat); the student is the participant id;
- `gradescope`: Gradescope's "Export Submissions", `submission_<id>/` folders described by
  `submission_metadata.yml`; the student is each submitter's SID (else email, else name).

Canvas, Moodle and Gradescope folders may lie anywhere below SUBMISSIONS (one download
per notebook, say). File names may carry the usual damage: ` (1)`, `-1`, `Copy of `, a
different case. Every file that matches no notebook is kept with the reason, and so is
every copy beyond the newest of a student's notebook.
"""

import csv
import dataclasses
import pathlib
import re

import yaml

from .course import NOTEBOOKS

LAYOUTS = ("folders", "canvas", "moodle", "gradescope")
CANVAS_NAME = re.compile(r"^(?P<name>[^_/]+?)(?:_LATE)?_(?P<id>\d+)_(?P<submission>\d+)_(?P<file>.+)$")
MOODLE_NAME = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_(?P<file>.*)$")
GRADESCOPE_METADATA = "submission_metadata.yml"
_BY_LOWER_CASE = {name.lower(): name for name in NOTEBOOKS}
_DAMAGE = (re.compile(r"^copy of ", re.I), re.compile(r"(?: ?\(\d+\)|-\d+| copy)$", re.I))


@dataclasses.dataclass(frozen=True)
class Found:
    """A file below SUBMISSIONS: whose it is, which notebook it is (None: none), and why
    it is not graded when it is not (`reason`). `shown` is how the summary names it."""
    student: str
    notebook: str
    path: pathlib.Path
    shown: str
    reason: str = ""
    name: str = ""  # the student's name, when the layout tells it


def notebook_named(filename):
    """The course notebook a file name means, despite the usual damage; None if none."""
    path = pathlib.PurePath(filename)
    if path.suffix.lower() != ".ipynb":
        return None
    stem = path.name[:-len(path.suffix)].strip()
    for pattern in _DAMAGE * 2:  # "Copy of x (1)", in either order
        stem = pattern.sub("", stem).strip()
    return _BY_LOWER_CASE.get(stem.lower())


def detect_layout(folder):
    """The layout of `folder`, recognised from its files."""
    files = [p for p in pathlib.Path(folder).rglob("*") if p.is_file()]
    if any(p.name == GRADESCOPE_METADATA for p in files):
        return "gradescope"
    if any("_assignsubmission_" in part for p in files for part in p.parts):
        return "moodle"
    named = [p for p in files if not p.name.startswith(".")]
    if named and all(CANVAS_NAME.match(p.name) for p in named):
        return "canvas"
    return "folders"


def find(folder, layout=None):
    """Every file below `folder` as a Found (graded ones and the rest), in `layout`
    (default: recognised)."""
    folder = pathlib.Path(folder)
    layout = layout or detect_layout(folder)
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    found = {"folders": _folders, "canvas": _canvas, "moodle": _moodle,
             "gradescope": _gradescope}[layout](folder)
    return _newest_only(found)


def _file(folder, student, path, name="", filename=None):
    """A student's file; `filename` is the name the student gave it (default: its own)."""
    notebook = notebook_named(filename or path.name)
    reason = "" if notebook else (f"not a course notebook (expected one of {', '.join(NOTEBOOKS)}, "
                                  "as .ipynb)")
    return Found(student, notebook, path, str(path.relative_to(folder)), reason, name)


def _stray(folder, path, reason):
    return Found("", None, path, str(path.relative_to(folder)), reason)


def _files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _folders(folder):
    found = []
    for path in _files(folder):
        parts = path.relative_to(folder).parts
        if len(parts) == 2:
            found.append(_file(folder, parts[0], path))
        else:
            found.append(_stray(folder, path, "not in a student's folder: expected "
                                              "<student>/<notebook>.ipynb"))
    return found


def _canvas(folder):
    found = []
    for path in _files(folder):
        match = CANVAS_NAME.match(path.name)
        if match is None:
            found.append(_stray(folder, path, "not named as Canvas names submissions "
                                              "(<name>_<user id>_<submission id>_<file>)"))
            continue
        found.append(_file(folder, match["id"], path, match["name"], match["file"]))
    return found


def _moodle(folder):
    found = []
    for path in _files(folder):
        # the innermost part named as Moodle names a submission (its folder, or the file)
        owner = next(filter(None, map(MOODLE_NAME.match, reversed(path.relative_to(folder).parts))),
                     None)
        if owner is None:
            found.append(_stray(folder, path, "not named as Moodle names submissions "
                                              "(<Full Name>_<id>_assignsubmission_file_...)"))
            continue
        found.append(_file(folder, owner["id"], path, owner["name"], owner["file"] or path.name))
    return found


def _gradescope(folder):
    found, described = [], set()
    for metadata in sorted(folder.rglob(GRADESCOPE_METADATA)):
        for submission, about in (yaml.safe_load(metadata.read_text()) or {}).items():
            submitters = (about or {}).get(":submitters") or []
            home = metadata.parent / submission
            for path in _files(home) if home.is_dir() else ():
                described.add(path)
                for who in submitters:
                    student = str(who.get(":sid") or who.get(":email") or who.get(":name"))
                    found.append(_file(folder, student, path, str(who.get(":name") or "")))
    return found + [_stray(folder, path, f"not a submission listed in {GRADESCOPE_METADATA}")
                    for path in _files(folder)
                    if path not in described and path.name != GRADESCOPE_METADATA]


def _newest_only(found):
    """Keep one file per (student, notebook): the newest (then the one whose name sorts
    last, as `x (2)` after `x (1)`); the others become strays saying which was graded."""
    chosen = {}
    for item in found:
        if item.notebook is None:
            continue
        key = item.student, item.notebook
        if key not in chosen or _age(item) > _age(chosen[key]):
            chosen[key] = item
    kept = []
    for item in found:
        graded = chosen.get((item.student, item.notebook))
        if graded is not None and graded is not item:
            item = dataclasses.replace(item, notebook=None,
                                       reason=f"an older copy: {graded.shown} was graded")
        kept.append(item)
    return kept


def _age(item):
    return item.path.stat().st_mtime, item.path.name


@dataclasses.dataclass(frozen=True)
class Student:
    """A roster line: the id submissions are filed under, a name and an email."""
    id: str
    name: str = ""
    email: str = ""


def read_roster(path):
    """The roster CSV (`id,name,email`; `student` may stand for `id`), by id. Raises
    ValueError naming the line of a row without an id."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = {(f or "").strip().lower(): f for f in reader.fieldnames or ()}
        id_field = fields.get("id") or fields.get("student")
        if id_field is None:
            raise ValueError(f"{path}: the roster needs an `id` column (then `name`, `email`)")
        roster = {}
        for line, row in enumerate(reader, start=2):
            student = (row.get(id_field) or "").strip()
            if not student:
                raise ValueError(f"{path}, line {line}: no student id")
            roster[student] = Student(student, (row.get(fields.get("name")) or "").strip(),
                                      (row.get(fields.get("email")) or "").strip())
    return roster


def roster_id(student, roster):
    """The roster id of a submission's `student` (matched by id, email or name, in any
    case); `student` itself when the roster does not know it."""
    if student in roster:
        return student
    wanted = student.strip().lower()
    return next((entry.id for entry in roster.values()
                 if wanted in (entry.email.lower(), entry.name.lower())), student)
