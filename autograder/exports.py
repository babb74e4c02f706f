"""Files for other tools: `OUT/grades_wide.csv`, one row per student with a column per
notebook total and the course total, ready to import into a learning management system.
"""

import csv
import io
from collections import defaultdict

from .course import NOTEBOOKS
from .gradebook import write_atomically


def _number(value):
    return f"{value:g}"


def wide_csv(rows):
    """The wide table as CSV text: `student`, one column per course notebook (its total, or
    empty when the student has no row for it), `total`."""
    totals = defaultdict(dict)
    for row in rows:
        if row.question and row.notebook in NOTEBOOKS:
            totals[row.student][row.notebook] = totals[row.student].get(row.notebook, 0.0) + row.score
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *NOTEBOOKS, "total"])
    for student in sorted(totals):
        scores = totals[student]
        writer.writerow([student, *(_number(scores[n]) if n in scores else "" for n in NOTEBOOKS),
                         _number(sum(scores.values()))])
    return buffer.getvalue()


def write_wide_csv(path, rows):
    write_atomically(path, wide_csv(rows))
