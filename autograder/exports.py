"""Files for other tools: `OUT/grades_wide.csv`, one row per student (every student of the
roster; without a roster, everyone who handed something in; never a test student) with
a column per notebook total, the course total and the notebooks handed in late. For a
file an LMS imports as is, see `autograder.lms`.
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
    """The wide table as CSV text: the identity columns (name, id, SIS id, login or email
    and section of `students`, roster.Student by id), one column per course notebook (its
    total, empty when nothing was due), `Total`, `Late` (the notebooks handed in late)."""
    totals, late = defaultdict(dict), defaultdict(set)
    for row in rows:
        if row.late:
            late[row.student].add(row.notebook)
        if row.question:
            totals[row.student][row.notebook] = totals[row.student].get(row.notebook, 0.0) + row.score
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*IDENTITY, *NOTEBOOKS, "Total", "Late"])
    for student in sorted(students):
        scores, who = totals[student], students[student]
        writer.writerow([who.name or student, student, who.sis_id, who.login or who.email,
                         who.section,
                         *(number_text(scores[n]) if n in scores else "" for n in NOTEBOOKS),
                         number_text(sum(scores.values())), " ".join(sorted(late[student]))])
    return buffer.getvalue()


def write_wide_csv(path, rows, students):
    write_atomically(path, wide_csv(rows, students))
