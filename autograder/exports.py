"""Files for other tools: `OUT/grades_wide.csv`, one row per student (every student of the
roster, and everyone who handed something in) with a column per notebook total and the
course total, in the columns a Canvas gradebook import reads (Moodle's import maps any
column, see the README).
"""

import csv
import io
from collections import defaultdict

from helpers.answers import number_text

from .course import NOTEBOOKS
from .gradebook import write_atomically

# Canvas's import needs its identity columns first; it matches students on ID (the Canvas
# user id, as Canvas's submission files name them) or on SIS Login ID (the email here).
IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def wide_csv(rows, students):
    """The wide table as CSV text: the identity columns (name, id, email from `students`,
    intake.Student by id), one column per course notebook (its total, empty when nothing
    was due), `Total`."""
    totals = defaultdict(dict)
    for row in rows:
        totals[row.student][row.notebook] = totals[row.student].get(row.notebook, 0.0) + row.score
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*IDENTITY, *NOTEBOOKS, "Total"])
    for student in sorted(set(totals) | set(students)):
        scores, who = totals[student], students.get(student)
        writer.writerow([(who and who.name) or student, student, "", who.email if who else "", "",
                         *(number_text(scores[n]) if n in scores else "" for n in NOTEBOOKS),
                         number_text(sum(scores.values()))])
    return buffer.getvalue()


def write_wide_csv(path, rows, students):
    write_atomically(path, wide_csv(rows, students))
