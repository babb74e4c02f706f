"""Grade one submission with Otter's grading API and write the outcome as JSON.

Meant to run in its own process (see `autograder.grade`), in a temporary working
directory holding only the submission, so that whatever the notebook does stays there.
Usage: `python -m autograder.grade_one ZIP SUBMISSION RESULT_JSON [--cell-timeout S]`.
"""

import argparse
import json
import os
import sys
import zipfile

import nbformat


def expected_assignment(zip_path):
    """The assignment name the autograder zip was built for."""
    with zipfile.ZipFile(zip_path) as archive:
        return json.loads(archive.read("otter_config.json"))["assignment_name"]


def read_submission(path, assignment):
    """Return the submission as a notebook, or raise ValueError saying why it can't be graded.

    A notebook that lost its Otter metadata (cells copied into a new notebook) is still
    graded; one that names another assignment is not.
    """
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several types for unreadable files
        raise ValueError(f"invalid notebook: the file is not a readable .ipynb ({type(error).__name__})")
    otter_meta = notebook.metadata.setdefault("otter", {})
    named = otter_meta.get("assignment_name")
    if named is None:
        otter_meta["assignment_name"] = assignment
    elif named != assignment:
        raise ValueError(f"wrong assignment: this notebook belongs to {named!r}, not {assignment!r}")
    return notebook


def summarise(results):
    """Per-question scores and messages from Otter's GradingResults."""
    questions = {}
    for name, test_file in results.results.items():
        questions[name] = {
            "score": float(test_file.score),
            "possible": float(test_file.possible),
            "cases": [
                {"passed": bool(case.passed), "hidden": bool(case.test_case.hidden),
                 "points": case.test_case.points, "message": _last_line(case.message)}
                for case in test_file.test_case_results
            ],
        }
    return questions


def _last_line(message):
    """The exception line of an Otter failure message, without the test's source line."""
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    if not lines or lines[0].startswith("✅"):
        return ""
    return lines[-1]


def cell_errors(notebook):
    """Names of the errors raised by the submission's cells while grading."""
    return [output.get("ename", "error") for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) if output.get("output_type") == "error"]


def grade(zip_path, submission, cell_timeout):
    """Grade `submission` against `zip_path`; return a JSON-ready dict."""
    try:
        notebook = read_submission(submission, expected_assignment(zip_path))
    except ValueError as reason:
        return {"status": str(reason), "questions": {}}
    # keep the file name: the notebook's init cell opens itself by name
    cleaned = os.path.join(os.path.dirname(os.path.abspath(submission)), "checked",
                           os.path.basename(submission))
    os.makedirs(os.path.dirname(cleaned))
    nbformat.write(notebook, cleaned)

    from nbclient import NotebookClient
    NotebookClient.timeout.default_value = cell_timeout
    NotebookClient.interrupt_on_timeout.default_value = True
    from otter.api import grade_submission

    results = grade_submission(cleaned, zip_path, quiet=True)
    errors = cell_errors(results.notebook) if results.notebook is not None else []
    status = "graded"
    if results.catastrophic_error is not None:
        status = f"grading error: {results.catastrophic_error}"
    elif "KeyboardInterrupt" in errors:
        status = f"graded, but a cell ran longer than {cell_timeout} s and was stopped"
    return {"status": status, "questions": summarise(results), "cell_errors": errors}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip")
    parser.add_argument("submission")
    parser.add_argument("result")
    parser.add_argument("--cell-timeout", type=int, default=120)
    args = parser.parse_args(argv)
    outcome = grade(os.path.abspath(args.zip), args.submission, args.cell_timeout)
    with open(args.result, "w") as handle:
        json.dump(outcome, handle)


if __name__ == "__main__":
    sys.exit(main())
