"""Grade many corpus answers with one student process per notebook, in the isolation this
machine gives: run in the simulated Gradescope container (tests/gradescope_container.py),
that is the sandbox-account tier, the fourth path of tests/test_grading_parity.py.

`python packed_grading.py PLAN_JSON SCORES_JSON`: PLAN maps each notebook to its
submissions, `[[student, {function: corpus answer's path}], ...]`. Each notebook is
filled with the masters' solutions, and a cell per submission defines its answers under
their own names (`<function>__<i>`, each answer run in a copy of the notebook's globals).
The zip's own test files then grade submission i with those names standing for the
functions, its process's generators seeded as a fresh process's are. SCORES gets
`{"isolation": summary, "scores": [[student, notebook, function, score], ...]}`.
"""

import json
import pathlib
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "autograder"))  # the worker's SEED, as the worker imports it

from autograder import tiers  # noqa: E402
from autograder.grade_one import CALL_SECONDS, load_autograder  # noqa: E402
from autograder.masters import reference_sources  # noqa: E402
from autograder.sandbox import MissingName, StudentNamespace, StudentProcess  # noqa: E402
from autograder.submissions import fill_notebook  # noqa: E402
from sandbox_worker import SEED  # noqa: E402

TIMEOUT = 600


class Aliased(StudentNamespace):
    """The student's names, with `aliases` standing for some of them."""

    def __init__(self, process, aliases):
        super().__init__(process)
        self._aliases = aliases

    def get(self, name, default=None):
        if name not in self:
            found = self._process.lookup(self._aliases.get(name, name))
            self[name] = MissingName(name) if found is None else found
        return self[name]


def packed_notebook(notebook, submissions):
    """Notebook `notebook` with every submission's answers defined under its own names."""
    filled = fill_notebook(notebook, reference_sources())
    for i, (_, answers) in enumerate(submissions):
        lines = []
        for function, path in answers.items():
            lines += [f"_answer = dict(globals())",
                      f"exec({pathlib.Path(path).read_text()!r}, _answer)",
                      f"{function}__{i} = _answer[{function!r}]"]
        filled.cells.append(nbformat.v4.new_code_cell("\n".join(lines)))
    return filled


def grade_notebook(notebook, packed, submissions, isolation):
    """[[student, notebook, function, score], ...] of `submissions` of `notebook`, whose
    answers the notebook `packed` holds."""
    scores = []
    with tempfile.TemporaryDirectory(prefix="packed-") as folder, \
            tempfile.TemporaryDirectory(prefix="student-") as student_dir:
        folder = pathlib.Path(folder)
        zipfile.ZipFile(ROOT / "autograder" / "zips" / f"{notebook}.zip").extractall(folder / "zip")
        _, test_files = load_autograder(folder / "zip")
        path = folder / f"{notebook}.ipynb"
        nbformat.write(packed, path)
        with StudentProcess(path, student_dir, TIMEOUT, 60, CALL_SECONDS, isolation) as student:
            student.wait_ready()
            for i, (name, answers) in enumerate(submissions):
                for test_file in test_files:
                    if test_file.name in answers:
                        student.seed(SEED)
                        test_file.run(Aliased(student, {f: f"{f}__{i}" for f in answers}))
                        scores.append([name, notebook, test_file.name, float(test_file.score)])
    return scores


def main(plan_path, scores_path):
    plan = json.loads(pathlib.Path(plan_path).read_text())
    isolation = tiers.choose()
    # all built before the zips' check modules are imported (by their plain names)
    packed = {notebook: packed_notebook(notebook, plan[notebook]) for notebook in plan}
    with ThreadPoolExecutor(2) as pool:
        graded = pool.map(lambda notebook: grade_notebook(notebook, packed[notebook],
                                                          plan[notebook], isolation), plan)
        scores = [row for rows in graded for row in rows]
    pathlib.Path(scores_path).write_text(json.dumps({"isolation": isolation.summary,
                                                     "scores": scores}))


if __name__ == "__main__":
    main(*sys.argv[1:])
