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

Canvas, Moodle and Gradescope folders may lie anywhere below SUBMISSIONS. A Canvas or
Moodle download is taken per assignment: a folder named after a notebook (`02_planning`,
`02`, or its LMS assignment's name) holds that notebook's assignment, as does every folder
when `NOTEBOOKS=` names a single notebook; another notebook found there was handed in to
the wrong assignment and is listed, not graded. Canvas's `_LATE` marks a file late.

File names may carry the usual damage: ` (1)`, `-1`, `_1`, `Copy of `, `Copy_of_`, a
different case; a `.ipynb` whose name says nothing is known by the assignment its Otter
metadata names. Every file that matches no notebook is kept with the reason, and so is
every copy beyond the newest of a student's notebook.
"""

import dataclasses
import functools
import json
import pathlib
import re

import yaml

from .course import NOTEBOOKS
from .deadlines import worksheet_times
from .masters import assignment_config

LAYOUTS = ("folders", "canvas", "moodle", "gradescope")
CANVAS_NAME = re.compile(r"^(?P<name>[^_/]+?)(?P<late>_LATE)?_(?P<id>\d+)_(?P<submission>\d+)_(?P<file>.+)$")
MOODLE_NAME = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_(?P<file>.*)$")
GRADESCOPE_METADATA = "submission_metadata.yml"
_BY_LOWER_CASE = {name.lower(): name for name in NOTEBOOKS}
_DAMAGE = (re.compile(r"^copy[ _]of[ _]", re.I), re.compile(r"(?: ?\(\d+\)|[-_]\d+| copy)$", re.I))


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
    late: bool = False  # the LMS says it was handed in late
    by_content: bool = False  # its notebook is known by its Otter metadata, not its name
    assignment: str = ""  # the notebook whose assignment it was handed in to, when known


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


def find(folder, layout=None, due=None, titles=None):
    """Every file below `folder` as a Found (graded ones and the rest), in `layout`
    (default: recognised). A Canvas or Moodle download is checked per assignment (see
    `folder_notebook`; `due`: the notebooks due, `titles`: notebook -> LMS assignment name)."""
    folder = pathlib.Path(folder)
    layout = layout or detect_layout(folder)
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    found = {"folders": _folders, "canvas": _canvas, "moodle": _moodle,
             "gradescope": _gradescope}[layout](folder)
    if layout in ("canvas", "moodle"):
        found = [_in_assignment(item, folder, due, titles) for item in found]
    return newest_only(found)


def folder_notebook(name, titles=None):
    """The notebook whose assignment a download folder called `name` holds: named after
    the notebook (despite damage), its number (`02`, `02 planning`) or its LMS assignment
    (`titles`: notebook -> name); None if none."""
    wanted = name.strip().lower()
    number = re.match(r"(\d\d)(?:$|[\W_])", wanted)
    for notebook in NOTEBOOKS:
        title = (titles or {}).get(notebook, "").strip().lower()
        if wanted == title or (title and wanted == re.sub(r"\s*\(\d+\)$", "", title)):
            return notebook
    return notebook_named(f"{name}.ipynb") or next(
        (n for n in NOTEBOOKS if number and n.startswith(number[1])), None)


def _in_assignment(item, folder, due, titles):
    """`item` with the assignment it was handed in to (its nearest folder named after a
    notebook, else the single notebook `due`); not graded when that is another notebook."""
    homes = [p for p in item.path.parents if p == folder or folder in p.parents]
    assignment = next(filter(None, (folder_notebook(p.name, titles) for p in homes)),
                      None) or (due[0] if due and len(due) == 1 else "")
    if not item.notebook or not assignment:
        return item
    if item.notebook == assignment:
        return dataclasses.replace(item, assignment=assignment)
    return dataclasses.replace(
        item, notebook=None, assignment=assignment,
        reason=f"handed in to the wrong assignment: {item.notebook} in the assignment of "
               f"{assignment}, not graded (move it to {item.notebook}'s download to grade it)")


@functools.lru_cache(maxsize=None)
def _by_assignment_name():
    return {assignment_config(notebook)["name"]: notebook for notebook in NOTEBOOKS}


def notebook_inside(path):
    """The course notebook whose assignment a .ipynb's Otter metadata names; None if none."""
    try:
        named = json.loads(pathlib.Path(path).read_bytes())["metadata"]["otter"]["assignment_name"]
        return _by_assignment_name().get(named)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _file(folder, student, path, name="", filename=None, late=False):
    """A student's file; `filename` is the name the student gave it (default: its own).
    A .ipynb whose name is no notebook's is known by its Otter metadata."""
    notebook = notebook_named(filename or path.name)
    inside = None if notebook or path.suffix.lower() != ".ipynb" else notebook_inside(path)
    notebook = notebook or inside
    reason = "" if notebook else (f"not a course notebook (expected one of {', '.join(NOTEBOOKS)}, "
                                  "as .ipynb)")
    return Found(student, notebook, path, str(path.relative_to(folder)), reason, name, late,
                 bool(inside))


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
        found.append(_file(folder, match["id"], path, match["name"], match["file"],
                           bool(match["late"])))
    return found


def _moodle(folder):
    found = []
    for path in _files(folder):
        # the innermost part named as Moodle names a submission (its folder, or the file)
        owner = next(filter(None, map(MOODLE_NAME.match, reversed(path.relative_to(folder).parts))),
                     None)
        if owner is None and worksheet_times(path) is not None:
            found.append(_stray(folder, path, "Moodle's grading worksheet: read for the times "
                                              "submissions were handed in"))
            continue
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


def newest_only(found):
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
