"""Gradescope entry point shipped inside each autograder zip (as `run_otter.py`): grade
the submission with the same sandboxed grader as `make grade` and write Gradescope's
`results/results.json`. Public checks are visible at once, hidden ones after the
instructor publishes grades.

Usage: `python run_otter.py [AUTOGRADER_DIR]` (default `/autograder`).
"""

import json
import pathlib
import sys

from .grade_one import grade_unpacked

TIMEOUT = 600


def results(outcome):
    """Gradescope's results dict for one grading outcome."""
    tests = []
    for question, result in outcome.get("questions", {}).items():
        for hidden, visibility, label in ((False, "visible", "public checks"),
                                          (True, "after_published", "hidden checks")):
            cases = [case for case in result["cases"] if case["hidden"] == hidden]
            if not cases:
                continue
            points = [float(case["points"] or 0) for case in cases]
            tests.append({
                "name": f"{question} ({label})",
                "score": sum(p for p, case in zip(points, cases) if case["passed"]),
                "max_score": sum(points),
                "visibility": visibility,
                "output": "\n".join(f"failed: {case['message']}" for case in cases
                                    if not case["passed"]) or "All checks passed.",
            })
    return {"tests": tests, "output": f"Status: {outcome['status']}",
            **({} if tests else {"score": 0})}


def main(autograder_dir="/autograder"):
    folder = pathlib.Path(autograder_dir)
    notebooks = sorted((folder / "submission").glob("*.ipynb"))
    if len(notebooks) != 1:
        outcome = {"status": f"expected one .ipynb file in the submission, found {len(notebooks)}"}
    else:
        outcome = grade_unpacked(folder / "source", str(notebooks[0]), TIMEOUT)
    (folder / "results").mkdir(exist_ok=True)
    (folder / "results" / "results.json").write_text(json.dumps(results(outcome), indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:])
