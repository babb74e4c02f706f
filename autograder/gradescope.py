"""Gradescope entry point shipped inside each autograder zip (as `run_otter.py`): grade
the submission with the same sandboxed grader as `make grade` and write Gradescope's
`results/results.json`. Public checks are visible at once, hidden ones after the
instructor publishes grades. The submission is isolated with bubblewrap as in
`make grade` where the container allows it (setup.sh installs bubblewrap; the container
must allow user namespaces). Where it does not (Docker's default seccomp profile), the
grader, root there, runs it as an unprivileged sandbox account
(`autograder.sandbox_account`) and keeps /autograder unreadable to it; a grader that is
neither gets only the container's isolation. The output says which. The results file is
written once, atomically, after every process of the submission has been killed.

Usage: `python run_otter.py [AUTOGRADER_DIR]` (default `/autograder`).
"""

import json
import os
import pathlib
import sys
import tempfile

from . import tiers
from .grade_one import grade_unpacked
from .results import Status, not_graded
from .sandbox_account import AccountIsolation

TIMEOUT = 600
CONTAINER_ONLY = "Gradescope's container isolates this run"


def results(outcome, isolation):
    """Gradescope's results dict for one grading Outcome, graded in `isolation`."""
    tests = []
    for question, result in outcome.questions.items():
        for hidden, visibility, label in ((False, "visible", "public checks"),
                                          (True, "after_published", "hidden checks")):
            checks = [check for check in result.checks if check.hidden == hidden]
            if not checks:
                continue
            tests.append({
                "name": f"{question} ({label})",
                "score": sum(check.points for check in checks if check.passed),
                "max_score": sum(check.points for check in checks),
                "visibility": visibility,
                "output": "\n".join(f"failed: {check.message}" for check in checks
                                    if not check.passed) or "All checks passed.",
            })
    return {"tests": tests, "output": f"Status: {outcome.status_text()}\n{isolation.summary}",
            **({} if tests else {"score": 0})}


def write_once(path, text):
    """Write `path` atomically: a reader sees no file or the whole of it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".results-")
    with os.fdopen(handle, "w") as stream:
        stream.write(text)
    os.replace(temporary, path)


def main(autograder_dir="/autograder"):
    folder = pathlib.Path(autograder_dir)
    isolation = tiers.choose(fallback=CONTAINER_ONLY)
    if isinstance(isolation, AccountIsolation):  # the source, submission and results: root's
        os.chmod(folder, 0o700)
    notebooks = sorted((folder / "submission").glob("*.ipynb"))
    if len(notebooks) != 1:
        outcome = not_graded(Status.INVALID, "expected one .ipynb file in the submission, "
                                             f"found {len(notebooks)}")
    else:
        outcome = grade_unpacked(folder / "source", str(notebooks[0]), TIMEOUT, isolation)
    (folder / "results").mkdir(exist_ok=True)
    write_once(folder / "results" / "results.json", json.dumps(results(outcome, isolation), indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:])
