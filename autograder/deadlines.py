"""Deadlines (`make grade DEADLINES=<csv>`) and which submissions were handed in late.

The file has the columns `notebook,due`: a course notebook and its due date and time
(`2026-10-01 23:59`, `2026-10-01T23:59:00+02:00`, or a date alone, meaning its end), in
the machine's time zone unless the time says another. A submission is late when the LMS
says so (Canvas's `_LATE` in the file name), else, for a notebook with a deadline, when its
time it was handed in was after it. For a Moodle download that time is the "Last
modified (submission)" of Moodle's grading worksheet (Download grading worksheet, saved in
the assignment's download folder), else, as for other layouts, the file's modification
time: a folder of copied files keeps the time each file was handed in (`unzip` and `cp -p`
keep it; check that your LMS's download does). Canvas's files carry the time of the
download, so Canvas submissions are judged by `_LATE` only.
"""

import csv
import datetime
import pathlib

from .course import NOTEBOOKS


def _parse(text):
    """A due time: aware, in the machine's zone when the text names none; a date alone
    is due at its last second."""
    text = text.strip()
    try:
        when = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time such as 2026-10-01 23:59") from None
    if len(text) <= 10:  # a date alone
        when = when.replace(hour=23, minute=59, second=59)
    return when if when.tzinfo else when.astimezone()


def read_deadlines(path):
    """{notebook: due time} from the CSV at `path`. Raises ValueError naming the line of an
    unknown notebook or an unreadable time."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if [f.strip().lower() for f in reader.fieldnames or ()][:2] != ["notebook", "due"]:
            raise ValueError(f"{path}: the deadlines file needs the columns notebook,due")
        due = {}
        for number, row in enumerate(reader, start=2):
            notebook = (row.get(reader.fieldnames[0]) or "").strip()
            if notebook not in NOTEBOOKS:
                raise ValueError(f"{path}, line {number}: no course notebook {notebook!r}")
            try:
                due[notebook] = _parse(row.get(reader.fieldnames[1]) or "")
            except ValueError as error:
                raise ValueError(f"{path}, line {number}: {error}") from None
    return due


WORKSHEET_ID, WORKSHEET_TIME = "Identifier", "Last modified (submission)"
MOODLE_TIME = "%A, %d %B %Y, %I:%M %p"  # Moodle's default (English) date and time


def worksheet_times(path):
    """{participant id: time handed in} from Moodle's grading worksheet at `path`
    (`Identifier` is "Participant <id>"); None when the file is no worksheet."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not {WORKSHEET_ID, WORKSHEET_TIME} <= set(reader.fieldnames or ()):
                return None
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    times = {}
    for row in rows:
        try:
            when = datetime.datetime.strptime((row[WORKSHEET_TIME] or "").strip(), MOODLE_TIME)
        except ValueError:  # "-": nothing handed in
            continue
        times[(row[WORKSHEET_ID] or "").split()[-1]] = when.astimezone()
    return times


def moodle_times(folder):
    """{(folder of a grading worksheet, participant id): time handed in} below `folder`."""
    found = {}
    for path in sorted(pathlib.Path(folder).rglob("*.csv")):
        for participant, when in (worksheet_times(path) or {}).items():
            found[path.parent, participant] = when
    return found


def is_late(item, layout, deadlines, times=None):
    """Whether the intake.Found `item` of a download in `layout` was handed in late;
    `times`: Moodle's submission times (see `moodle_times`)."""
    if item.late or layout == "canvas" or item.notebook not in (deadlines or {}):
        return item.late
    handed_in = next((when for (home, participant), when in (times or {}).items()
                      if participant == item.student and home in item.path.parents), None)
    handed_in = handed_in or datetime.datetime.fromtimestamp(item.path.stat().st_mtime).astimezone()
    return handed_in > deadlines[item.notebook]
