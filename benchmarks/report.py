"""What every section of the benchmark prints: its header, one `Row` per measured item,
and the lines of the run (kept for `--write`)."""

import sys
from dataclasses import dataclass


def format_time(seconds, unit="s"):
    """`seconds` as the table shows it: microseconds with unit 'us', else ms or s."""
    if seconds is None:
        return "-"
    if unit == "us":
        return f"{seconds * 1e6:9.2f} us"
    if seconds < 1:
        return f"{seconds * 1e3:9.1f} ms"
    return f"{seconds:10.2f} s"


@dataclass(frozen=True)
class Row:
    """One measured item. `baseline`/`course` are median seconds (or None); `budget` is
    text such as '>= 6x'; `ok` is True/False, or None when the item has no budget."""
    section: str
    item: str
    baseline: float | None
    course: float | None
    ratio: float | None
    budget: str
    ok: bool | None
    unit: str = "s"

    @property
    def result(self):
        return "-" if self.ok is None else ("PASS" if self.ok else "FAIL")

    def cells(self):
        """The row's cells as text: item, baseline, course, ratio, budget, result."""
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}x"
        return (self.item, format_time(self.baseline, self.unit),
                format_time(self.course, self.unit), ratio, self.budget, self.result)

    def line(self):
        """The row as printed under its section's header."""
        item, baseline, course, ratio, budget, result = self.cells()
        return f"  {item:<54} {baseline:>13} {course:>13} {ratio:>8}  {budget:<12} {result}"


class Report:
    """Collects the printed lines (for --write) and the table of budgeted results."""

    def __init__(self):
        self.lines = []
        self.rows = []

    def say(self, text=""):
        if sys.stderr.isatty():
            print("\r\033[K", end="", file=sys.stderr, flush=True)
        print(text, flush=True)
        self.lines.append(text)

    def progress(self, text):
        if sys.stderr.isatty():
            print(f"\r\033[K  .. {text}", end="", file=sys.stderr, flush=True)

    def header(self, title, what):
        """A section's title, the lines saying what it measures, and the table's head."""
        self.say("")
        self.say(f"== {title}")
        for line in what:
            self.say(f"   {line}")
        self.say(f"  {'item':<54} {'baseline':>13} {'course':>13} {'ratio':>8}  "
                 f"{'budget':<12} result")

    def row(self, section, item, baseline, course, budget, ok, unit="s", ratio=None):
        """Record and print one `Row`; the ratio is baseline / course unless given."""
        if ratio is None and baseline and course:
            ratio = baseline / course
        entry = Row(section, item, baseline, course, ratio, budget, ok, unit)
        self.rows.append(entry)
        self.say(entry.line())
        return entry
