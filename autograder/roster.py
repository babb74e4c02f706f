"""The class list (`make grade ROSTER=<csv>`): who owes notebooks, whose a submission is,
and who is left over on either side.

A roster is any of these CSV files, recognised by their header:

- the course's own `id,name,email` (`student` may stand for `id`);
- Canvas's gradebook export (`Student,ID,SIS User ID,SIS Login ID,Section,...`): its
  "Points Possible" row and its muted/posting rows are skipped;
- Moodle's grade export or participant list (`First name,Last name,ID number,...,Email
  address`, or `Username`).

Each student is filed under the first id column present (`id`, `ID`, `student`, `SIS User
ID`, `ID number`, `SIS Login ID`, `Username`, `email`); a submission is theirs when it
names any of their ids, their email, or their name (also as Canvas writes names in file
names, `smithjohn`) when no one else on the roster has that name. Submitters the roster
does not know are reported with the closest roster entry as a guess, and so are roster
students who handed in nothing; an LMS's test student is marked as one. Neither strangers
nor test students go into the exports for an LMS unless asked for.
"""

import csv
import dataclasses
import difflib
import re
from typing import NamedTuple

ID_COLUMNS = ("id", "student", "sis user id", "id number", "sis login id", "username",
              "email", "email address")
TEST_STUDENT_NAMES = {"teststudent", "studenttest"}  # Canvas's "Test Student" ("Student, Test")
CLOSE_ENOUGH = 0.75  # difflib ratio above which a roster entry is offered as a guess


@dataclasses.dataclass(frozen=True)
class Student:
    """A student: the id their submissions are filed under, a name and an email, and the
    other ids an LMS knows them by. `on_roster`: read from the roster (not only named by a
    submission)."""
    id: str
    name: str = ""
    email: str = ""
    sis_id: str = ""
    login: str = ""
    section: str = ""
    on_roster: bool = False
    canvas_id: str = ""  # the Canvas user id, when a Canvas export or download gave it

    @property
    def test(self):
        """Whether this is an LMS's test student (Canvas's "Test Student")."""
        return compact(self.name) in TEST_STUDENT_NAMES or compact(self.id) in TEST_STUDENT_NAMES

    @property
    def ids(self):
        """Every identifier that names this student, in lower case."""
        return {value.strip().lower() for value in (self.id, self.email, self.sis_id, self.login,
                                                    self.canvas_id) if value.strip()}

    @property
    def shown(self):
        """How a person names this student: `Name (id)`, or the id alone."""
        return f"{self.name} ({self.id})" if self.name and self.name != self.id else self.id


def compact(name):
    """A name as letters only, in lower case: "Smith, John" -> smithjohn."""
    return re.sub(r"[\W_\d]+", "", name or "").lower()


def name_forms(name):
    """The compact forms of a name with its family name first or last: "Mary Ann Lee" ->
    maryannlee, leemaryann (as Canvas's file names write it), annmarylee."""
    words = [w for w in re.split(r"[\s,]+", name or "") if w]
    orders = (words, words[::-1], words[-1:] + words[:-1], words[1:] + words[:1])
    return {compact("".join(order)) for order in orders} - {""}


def _skipped(cells):
    """Canvas's "Points Possible" row and its rows of muted or posting notes."""
    first = (cells[0] if cells else "").strip()
    return "Points Possible" in first or all(
        re.fullmatch(r"\s*(muted|manual posting.*|\(read only\))?\s*", c, re.I) for c in cells)


def read_roster(path):
    """The roster CSV at `path` as {id: Student}. Raises ValueError naming the file's
    missing id column, or the line of a student without an id or with another's."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    header = [cell.strip().lower() for cell in (lines[0] if lines else [])]
    column = {name: at for at, name in reversed(list(enumerate(header)))}
    id_column = next((name for name in ID_COLUMNS if name in column), None)
    canvas = {"student", "id", "section"} <= set(column)  # Canvas's gradebook export
    if id_column is None:
        raise ValueError(f"{path}: the roster needs an id column (`id`, or an LMS export's "
                         "`ID`, `SIS User ID`, `SIS Login ID`, `ID number` or email), then "
                         "`name`, `email`")

    def cell(cells, *names):
        return next((cells[column[n]].strip() for n in names
                     if n in column and column[n] < len(cells) and cells[column[n]].strip()), "")

    roster = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells) or _skipped(cells):
            continue
        student = cell(cells, id_column)
        if not student:
            raise ValueError(f"{path}, line {number}: no student id")
        if student in roster:
            raise ValueError(f"{path}, line {number}: the id {student!r} is there twice")
        name = cell(cells, "name", "full name") or " ".join(filter(None, (
            cell(cells, "first name"), cell(cells, "last name", "surname"))))
        if not name and id_column != "student":
            name = cell(cells, "student")
        login = cell(cells, "sis login id", "username")
        roster[student] = Student(
            student, name, cell(cells, "email", "email address") or (login if "@" in login else ""),
            cell(cells, "sis user id", "id number"), login, cell(cells, "section"), True,
            cell(cells, "id") if canvas else "")
    return roster


def match(submitter, name, roster):
    """The roster id of a submission filed under `submitter` (an id, email or name) by a
    student called `name`, or None: by any of a roster entry's ids, else by a name that
    only one roster entry has."""
    wanted = submitter.strip().lower()
    for entry in roster.values():
        if wanted in entry.ids:
            return entry.id
    forms = name_forms(submitter) | name_forms(name)
    named = [entry.id for entry in roster.values() if forms & name_forms(entry.name)]
    return named[0] if len(named) == 1 else None


def guess(student, roster):
    """The roster entry closest to `student` (a Student not on the roster) by id, email or
    name, or None when none is close."""
    def closeness(entry):
        pairs = [(a, b) for a in student.ids for b in entry.ids]
        pairs += [(a, b) for a in name_forms(student.name) | name_forms(student.id)
                  for b in name_forms(entry.name)]
        return max((difflib.SequenceMatcher(None, a, b).ratio() for a, b in pairs), default=0)
    scored = sorted(((closeness(e), e.id) for e in roster.values() if not e.test), reverse=True)
    return roster[scored[0][1]] if scored and scored[0][0] >= CLOSE_ENOUGH else None


class Identity(NamedTuple):
    """Who is left over: submitters not on the roster with a guess each ((Student, Student
    or None)), roster students matched to nothing, and test students."""
    strangers: list
    unmatched: list
    tests: list


def identity(students, roster, handed_in):
    """The Identity of a batch: `students` (Student by id, the roster's and the
    submitters'), `roster` ({} when none was given) and the ids that handed something in."""
    strangers = [(s, guess(s, roster)) for s in students.values()
                 if roster and not s.on_roster and not s.test]
    unmatched = [s for s in roster.values() if s.id not in handed_in and not s.test]
    return Identity(strangers, unmatched, [s for s in students.values() if s.test])


def identity_text(found):
    """The Identity as the summary lists it (no lines when nothing is left over)."""
    lines = []
    if found.strangers:
        lines += [f"NOT ON THE ROSTER: {len(found.strangers)} submitter(s), graded but left "
                  "out of the LMS exports:"]
        lines += [f"  {s.shown}" + (f": perhaps {g.shown} of the roster?" if g else
                                    ": no roster entry is close") for s, g in found.strangers]
    if found.unmatched:
        lines += [f"ROSTER STUDENTS WITH NO SUBMISSION: {len(found.unmatched)} (all missing):"]
        lines += [f"  {s.shown}" for s in found.unmatched]
    if found.tests:
        lines += [f"test students (left out of the LMS exports): "
                  f"{', '.join(s.shown for s in found.tests)}"]
    return lines


def exported(students, include_all=False):
    """The students an LMS export lists: the roster's (everyone when there is no roster)
    without test students; every student when `include_all`."""
    has_roster = any(s.on_roster for s in students.values())
    return {i: s for i, s in students.items()
            if include_all or (not s.test and (s.on_roster or not has_roster))}
