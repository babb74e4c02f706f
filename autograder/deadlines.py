"""Deadlines (`make grade DEADLINES=<csv>`) and which submissions were handed in late.

The file has the columns `notebook,due`: a course notebook and its due date and time
(`2026-10-01 23:59`, `2026-10-01T23:59:00+02:00`, or a date alone, meaning its end), in
the machine's time zone unless the time says another. A submission is late when the LMS
says so (Canvas's `_LATE` in the file name), else, for a notebook with a deadline, when its
file was last modified after it: Moodle's and Gradescope's downloads and a folder of
copied files keep the time each file was handed in (keep it when unpacking; `unzip` does).
Canvas's download files carry the time of the download, so they are judged by `_LATE` only.
"""

import csv
import datetime

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


def is_late(item, layout, deadlines):
    """Whether the intake.Found `item` of a download in `layout` was handed in late."""
    if item.late or layout == "canvas" or item.notebook not in (deadlines or {}):
        return item.late
    handed_in = datetime.datetime.fromtimestamp(item.path.stat().st_mtime).astimezone()
    return handed_in > deadlines[item.notebook]
