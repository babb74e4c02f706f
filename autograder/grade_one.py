"""Grade one submission.

The autograder zip's own Otter test files (public and hidden) run here, in the grader,
loaded before any student code starts; the submission runs in a sandboxed process
(`autograder.sandbox`, isolated as `autograder.isolation` says) and its functions are
called through proxies. Scores come from Otter's `ExceptionTestFile`, exactly as Otter
would compute them, and come back as an `autograder.results.Outcome`. Safe to call from
several threads at once. As a command it writes the outcome as JSON:
`python -m autograder.grade_one ZIP SUBMISSION RESULT_JSON [--timeout S] [--unsafe]`
(it refuses to run without isolation unless given `--unsafe`).
"""

import argparse
import functools
import importlib
import json
import os
import pathlib
import sys
import tempfile
import threading
import zipfile

import nbformat

from . import isolation as isolation_module
from . import tiers
from . import wire
from .results import CheckResult, Outcome, QuestionResult, Status, not_graded, readable
from .sandbox import StudentNamespace, StudentProcess, StudentProcessError

CELL_SECONDS = 60  # at most, and a third of the notebook's time so the rest can still run
CALL_SECONDS = 10
SUBMISSION_SECONDS = 300  # a whole notebook's time, unless the grader is told otherwise
_CHECKS_LOCK = threading.Lock()
WRONG_RELEASE_DETAIL = (
    "wrong release: this notebook is from the nbgrader (JupyterHub) release; this course "
    "grades the Colab/Otter release here: copy the answers into the same notebook of the "
    "Colab/Otter student release and submit that one")


def submission_problem(path, assignment):
    """The outcome of a submission that can't be graded, or None if it can.

    A notebook that lost its Otter metadata (cells copied into a new notebook) is still
    graded; one that names another assignment is not, nor one of the nbgrader release
    (its cells carry nbgrader metadata), whose scaffold the Otter tests do not grade.
    """
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several types for unreadable files
        return not_graded(Status.INVALID, "invalid notebook: the file is not a readable .ipynb "
                                          f"({type(error).__name__})")
    if any("nbgrader" in cell.metadata for cell in notebook.cells):
        return not_graded(Status.WRONG_RELEASE, WRONG_RELEASE_DETAIL)
    named = notebook.metadata.get("otter", {}).get("assignment_name")
    if named is not None and named != assignment:
        return not_graded(Status.WRONG_ASSIGNMENT, f"wrong assignment: this notebook belongs to "
                                                   f"{named!r}, not {assignment!r}")
    return None


def undefined_name(error):
    """The name a NameError in `error`'s chain (what it was raised from or during) says is
    not defined, else "": the grader's MissingName and the student's own code both raise
    a NameError that carries the name."""
    while error is not None:
        if isinstance(error, NameError) and error.name:
            return error.name
        error = error.__cause__ or error.__context__
    return ""


@functools.cache
def _test_file_class():
    """Otter's ExceptionTestFile, keeping the undefined name of each failed case (in
    order) from the exception itself, next to the message Otter writes of it."""
    from otter.test_files import ExceptionTestFile

    class NamingTestFile(ExceptionTestFile):
        def run(self, global_environment):
            self.undefined = []
            super().run(global_environment)

        def _generate_error_message(self, excp, context=0):
            self.undefined.append(undefined_name(excp))
            return super()._generate_error_message(excp, context)

    return NamingTestFile


def load_autograder(folder):
    """The assignment name and the loaded Otter test files of an unpacked autograder zip."""
    folder = pathlib.Path(folder)
    config = json.loads((folder / "otter_config.json").read_text())
    _load_hidden_checks(folder / "files")
    tests = [_test_file_class().from_file(str(path))
             for path in sorted((folder / "tests").glob("*.py"))]
    return config["assignment_name"], tests


def _load_hidden_checks(folder):
    """Import the zip's hidden check modules (its top-level `*.py` files) for its tests,
    once per grader process: every zip of a build ships the same files. The folder is
    on the path only while they import, so they find each other."""
    with _CHECKS_LOCK:
        sys.path.insert(0, str(folder))
        try:
            for path in sorted(pathlib.Path(folder).glob("*.py")):
                if path.stem not in sys.modules:
                    importlib.import_module(path.stem)
        finally:
            sys.path.remove(str(folder))


def failure_text(message):
    """The plain failure message of an Otter test case result: no test source line, and no
    "AssertionError: " before a check's own words."""
    lines = str(message).splitlines()
    if not lines or not lines[0].startswith("❌"):
        return ""
    body = lines[3:] if len(lines) > 3 and lines[1].startswith("Error at line") else lines[1:]
    return "\n".join(line.strip() for line in body).strip().removeprefix("AssertionError: ")


def plain_description(test):
    """What a test checks, in plain words: its docstring, else its name in words."""
    doc = " ".join((test.__doc__ or "").split())
    return doc or readable(test.__name__)


def summarise(test_files):
    """Per-question results of Otter test files (as load_autograder gives them) that have run."""
    return {test_file.name: QuestionResult(float(test_file.score), float(test_file.possible),
                                           _checks(test_file))
            for test_file in test_files}


def _checks(test_file):
    """The CheckResults of a test file that has run, each failed one with the name it
    found undefined."""
    undefined = iter(test_file.undefined)
    return [CheckResult(test.__name__, bool(case.passed), bool(case.test_case.hidden),
                        float(case.test_case.points or 0), failure_text(case.message),
                        plain_description(test), "" if case.passed else next(undefined))
            for case in test_file.test_case_results
            for test in [case.test_case.body.test_func]]


def grade(zip_path, submission, timeout, isolation):
    """Grade `submission` against the autograder zip at `zip_path` within `timeout`
    seconds, its process contained by `isolation`; return its Outcome."""
    with tempfile.TemporaryDirectory(prefix="autograder-") as grader_dir:
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(grader_dir)
        return grade_unpacked(grader_dir, submission, timeout, isolation)


def grade_unpacked(autograder_dir, submission, timeout, isolation):
    """Grade `submission` against an unpacked autograder zip (as on Gradescope)."""
    with tempfile.TemporaryDirectory(prefix="student-") as student_dir:
        assignment, test_files = load_autograder(autograder_dir)
        problem = submission_problem(submission, assignment)
        if problem is not None:
            return problem
        cell_seconds = min(CELL_SECONDS, max(1, timeout // 3))
        with StudentProcess(submission, student_dir, timeout, cell_seconds,
                            CALL_SECONDS, isolation) as student:
            try:
                errors = student.wait_ready()
            except StudentProcessError as reason:
                outcome = Outcome(reason.status, str(reason))
            else:
                namespace = StudentNamespace(student)
                for test_file in test_files:
                    test_file.run(namespace)
                detail = student.dead or ""
                if wire.TIME_LIMIT in errors:
                    detail = f"a cell ran longer than {cell_seconds} s and was stopped"
                outcome = Outcome(Status.GRADED, detail, summarise(test_files), errors)
        outcome.output = student.output.decode(errors="replace")  # all of it: the process is gone
        return outcome


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip")
    parser.add_argument("submission")
    parser.add_argument("result")
    parser.add_argument("--timeout", type=int, default=SUBMISSION_SECONDS)
    parser.add_argument("--unsafe", action="store_true",
                        help="grade without isolation: student code runs with your rights")
    args = parser.parse_args(argv)
    try:
        isolation = tiers.choose("--unsafe asked for none" if args.unsafe else None)
    except isolation_module.IsolationUnavailable as why:
        sys.exit(tiers.refusal(why, "add --unsafe"))
    outcome = grade(os.path.abspath(args.zip), args.submission, args.timeout, isolation)
    with open(args.result, "w") as handle:
        json.dump(outcome.to_json(), handle)


if __name__ == "__main__":
    sys.exit(main())
