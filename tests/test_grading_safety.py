"""A batch of 30+ submissions mixing correct, buggy, broken and malicious notebooks,
graded with `make grade`: every row of the gradebook is asserted, nothing a submission
does raises its own score or costs another student anything."""

import csv
import os
import signal
import subprocess
import time

import nbformat
import pytest

from autograder.course import CORE_NOTEBOOKS
from autograder.masters import questions
from autograder.submissions import (EXAMPLE_BUGS, fill_notebook, reference_sources,
                                    write_correct_submissions, write_submission)
from conftest import ROOT

TIMEOUT = 25  # seconds per notebook in this batch (a correct one needs about 3)

PLANNING = reference_sources()["dyna_q_planning"]
MODEL_UPDATE = reference_sources()["dyna_q_model_update"]
STUB = "def dyna_q_planning(model, value, params):\n    raise NotImplementedError\n"

# student -> (notebook, extra cell source placed before the graded function, function source)
# Each tamperer keeps a stub planner: tampering must not turn it into points.
TAMPERERS = {
    "patches_numpy": "import numpy as np\nnp.isclose = lambda *a, **k: True\n"
                     "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                     "np.asarray = lambda x, *a, **k: x\n",
    "patches_helpers": "import helpers, helpers.learning\n"
                       "helpers.q_learning = helpers.learning.q_learning = lambda *a: a[4]\n",
    "fakes_the_checks": "import sys, types\n"
                        "fake = types.SimpleNamespace(run_checks=lambda checks, f: "
                        "[(c.name, c.points, c.points, '') for c in checks])\n"
                        "sys.modules['dynaq_checks'] = fake\n",
    "patches_otter": "import otter.test_files.exception_test as et\n"
                     "et.ExceptionTestFile.run = lambda self, env: None\n"
                     "et.test_case.call_func = lambda self, env: None\n",
    "reads_hidden_tests": "import glob\nleaked = [open(p).read() for p in glob.glob('/tmp/**/dyna_q_planning.py', "
                          "recursive=True)]\nprint(len(leaked), 'files read')\n",
}
ALWAYS_EQUAL = '''
class Yes:
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False
    shape = (100, 4)

def dyna_q_planning(model, value, params):
    return Yes()
'''
BROKEN_CELLS = {  # student -> cell placed before the graded planning function
    "exits_with_sys_exit": "import sys\nsys.exit(3)\n",
    "raises_in_a_cell": "raise ValueError('oops')\n",
    "loops_in_a_cell": "while True:\n    pass\n",
    "floods_output": "for _ in range(200000):\n    print('spam ' * 20)\n",
    "deletes_its_folder": "import os, glob\nfor f in glob.glob('*') + glob.glob('.*'):\n"
                          "    try:\n        os.remove(f)\n    except OSError:\n        pass\n"
                          "open('02_planning.ipynb', 'w').write('{}')\n",
}
LOOPS_IN_FUNCTION = '''
def dyna_q_planning(model, value, params):
    while True:
        pass
'''
KILLS_PROCESS = "import os\nos._exit(1)\n"
UNSTOPPABLE = "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass\n"


def with_cell_before(notebook, marker, source):
    """Insert a code cell with `source` before the first cell containing `marker`."""
    index = next(i for i, cell in enumerate(notebook.cells) if marker in cell.source)
    notebook.cells.insert(index, nbformat.v4.new_code_cell(source))
    return notebook


def write(folder, student, name, notebook):
    path = folder / student / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    sources = reference_sources()
    for student in ("ana", "ben", "cleo"):
        # the grader's defences do not depend on the notebook: the core four suffice
        write_correct_submissions(folder, student, names=CORE_NOTEBOOKS)          # 12
    for function, bug in EXAMPLE_BUGS.items():                                     # 2
        home = "01_model_update" if function == "dyna_q_model_update" else "02_planning"
        write_submission(folder, f"bug_{function}", home, {**sources, function: bug})
    for student, cell in TAMPERERS.items():                                        # 5
        notebook = fill_notebook("02_planning", {**sources, "dyna_q_planning": STUB})
        write(folder, student, "02_planning", with_cell_before(notebook, "def dyna_q_planning(", cell))
    for student, cell in BROKEN_CELLS.items():                                     # 5
        notebook = fill_notebook("02_planning", sources)
        write(folder, student, "02_planning", with_cell_before(notebook, "def dyna_q_planning(", cell))
    write_submission(folder, "always_equal", "02_planning", {**sources, "dyna_q_planning": ALWAYS_EQUAL})
    write_submission(folder, "loops_in_function", "02_planning",
                     {**sources, "dyna_q_planning": LOOPS_IN_FUNCTION})
    missing = fill_notebook("02_planning", sources)
    missing.cells = [c for c in missing.cells if "def dyna_q_planning(" not in c.source]
    write(folder, "missing_function", "02_planning", missing)
    write(folder, "kills_its_process", "02_planning",
          with_cell_before(fill_notebook("02_planning", sources), "def dyna_q_planning(", KILLS_PROCESS))
    write(folder, "never_stops", "01_model_update",
          with_cell_before(fill_notebook("01_model_update", sources), "def dyna_q_model_update(",
                           UNSTOPPABLE))
    (folder / "bad_json").mkdir()
    (folder / "bad_json" / "03_how_much_to_plan.ipynb").write_text("{ not json")
    write(folder, "wrong_notebook", "03_how_much_to_plan",
          fill_notebook("04_shortcut", sources))                                   # 31 in all
    out = tmp_path_factory.mktemp("out")
    started = time.monotonic()
    done = subprocess.run(["make", "-s", "grade", f"SUBMISSIONS={folder}", f"OUT={out}", "JOBS=2",
                           f"TIMEOUT={TIMEOUT}"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    with open(out / "gradebook.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return folder, out, rows, elapsed, done.stdout


def graded(rows, student, question):
    [row] = [r for r in rows if r["student"] == student and r["question"] == question]
    return float(row["score"]), float(row["max_score"]), row["status"]


def test_the_batch_holds_at_least_30_submissions_and_finishes_in_its_budget(batch):
    folder, _, rows, elapsed, _ = batch
    assert len(list(folder.glob("*/*.ipynb"))) >= 30
    # 31 notebooks on 2 workers: the slowest cases are bounded by TIMEOUT, not by their loops
    assert elapsed < 31 * TIMEOUT / 2


def test_every_correct_notebook_gets_full_marks_next_to_the_broken_ones(batch):
    _, _, rows, *_ = batch
    for student in ("ana", "ben", "cleo"):
        for notebook in CORE_NOTEBOOKS:
            for question, points, manual in questions(notebook):
                if not manual:
                    [row] = [r for r in rows if r["student"] == student
                             and r["notebook"] == notebook and r["question"] == question]
                    assert float(row["score"]) == points and row["status"] == "graded", row


@pytest.mark.parametrize("student", sorted(TAMPERERS))
def test_tampering_earns_nothing_beyond_the_real_behaviour(batch, student):
    _, _, rows, *_ = batch
    score, _, status = graded(rows, student, "dyna_q_planning")
    assert score == 0, f"{student} kept a stub planner but scored {score}"
    assert status.startswith("graded")
    assert graded(rows, student, "pasted_model_update")[2].startswith("graded")


def test_an_object_equal_to_everything_scores_nothing(batch):
    _, out, rows, *_ = batch
    assert graded(rows, "always_equal", "dyna_q_planning")[0] == 0
    feedback = (out / "feedback" / "always_equal" / "02_planning.md").read_text()
    assert "Yes" in feedback


def test_broken_cells_cost_only_what_depends_on_them(batch):
    _, _, rows, *_ = batch
    for student in ("exits_with_sys_exit", "raises_in_a_cell", "floods_output", "deletes_its_folder"):
        score, points, status = graded(rows, student, "dyna_q_planning")
        assert (score, points) == (8, 8), (student, status)
    assert "SystemExit" in graded(rows, "exits_with_sys_exit", "dyna_q_planning")[2]
    assert "ValueError" in graded(rows, "raises_in_a_cell", "dyna_q_planning")[2]


def test_an_endless_cell_is_stopped_and_the_rest_is_graded(batch):
    _, _, rows, *_ = batch
    score, points, status = graded(rows, "loops_in_a_cell", "dyna_q_planning")
    assert (score, points) == (8, 8)
    assert "ran longer than" in status


def test_an_endless_function_fails_its_checks_with_a_time_limit_message(batch):
    _, out, rows, *_ = batch
    score, _, status = graded(rows, "loops_in_function", "dyna_q_planning")
    assert score == 0 and status.startswith("graded")
    assert "time limit" in (out / "feedback" / "loops_in_function" / "02_planning.md").read_text()


def test_a_notebook_that_cannot_be_stopped_times_out_with_zero(batch):
    _, _, rows, *_ = batch
    score, _, status = graded(rows, "never_stops", "dyna_q_model_update")
    assert score == 0 and f"within {TIMEOUT} s" in status


def test_the_summary_counts_the_notebook_that_ran_out_of_time_as_timed_out(batch):
    *_, stdout = batch
    # never_stops timed out; kills_its_process, bad_json and wrong_notebook failed
    assert "submissions: 31  graded: 27  timed out: 1  failed: 3" in stdout


def test_a_notebook_that_kills_its_process_scores_zero_with_the_reason(batch):
    _, _, rows, *_ = batch
    score, _, status = graded(rows, "kills_its_process", "dyna_q_planning")
    assert score == 0 and "process ended" in status


def test_a_missing_function_is_named_in_the_feedback(batch):
    _, out, rows, *_ = batch
    assert graded(rows, "missing_function", "dyna_q_planning")[0] == 0
    feedback = (out / "feedback" / "missing_function" / "02_planning.md").read_text()
    assert "dyna_q_planning is not defined in your notebook" in feedback


def test_unreadable_and_wrong_notebooks_score_zero_with_a_reason(batch):
    _, _, rows, *_ = batch
    assert graded(rows, "bad_json", "planning_updates")[2].startswith("invalid notebook")
    assert graded(rows, "wrong_notebook", "planning_updates")[2].startswith("wrong assignment")


def test_buggy_submissions_lose_points_only_on_their_function(batch):
    _, _, rows, *_ = batch
    score, points, _ = graded(rows, "bug_dyna_q_planning", "dyna_q_planning")
    assert 0 < score < points
    score, points, _ = graded(rows, "bug_dyna_q_model_update", "dyna_q_model_update")
    assert 0 < score < points


def test_regrading_gives_the_same_gradebook(batch):
    folder, out, *_ = batch
    before = (out / "gradebook.csv").read_text()
    subset = out.parent / "regrade"
    for student in ("ana", "bug_dyna_q_planning", "patches_numpy"):
        (subset / student).mkdir(parents=True)
        for path in (folder / student).glob("*.ipynb"):
            (subset / student / path.name).write_bytes(path.read_bytes())
    regraded = out.parent / "regraded"
    subprocess.run(["make", "-s", "grade", f"SUBMISSIONS={subset}", f"OUT={regraded}"], cwd=ROOT,
                   check=True, capture_output=True)
    again = {tuple(r.values()) for r in csv.DictReader((regraded / "gradebook.csv").open())}
    first = {tuple(r.values()) for r in csv.DictReader(before.splitlines())}
    assert again <= first


def test_an_interrupted_run_keeps_the_previous_gradebook_and_resumes(batch, tmp_path):
    folder, out, *_ = batch
    subset = tmp_path / "subs"
    for student in ("ana", "ben"):
        (subset / student).mkdir(parents=True)
        for path in (folder / student).glob("*.ipynb"):
            (subset / student / path.name).write_bytes(path.read_bytes())
    target = tmp_path / "out"
    target.mkdir()
    (target / "gradebook.csv").write_text("previous gradebook\n")
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "autograder.grade", str(subset),
               str(target), "--jobs", "1"]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list((target / "results").rglob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.5)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert (target / "gradebook.csv").read_text() == "previous gradebook\n"
    finished = {p: p.stat().st_mtime_ns for p in (target / "results").rglob("*.json")}
    assert 1 <= len(finished) < 8
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    assert all(p.stat().st_mtime_ns == t for p, t in finished.items()), "finished ones not regraded"
    assert len(list(csv.DictReader((target / "gradebook.csv").open()))) == 2 * sum(
        len(questions(n)) for n in CORE_NOTEBOOKS)


def test_every_row_of_the_gradebook_has_a_score_in_range_and_an_expected_status(batch):
    _, _, rows, *_ = batch
    unusable = {"bad_json": "invalid notebook", "wrong_notebook": "wrong assignment",
                "never_stops": "the notebook", "kills_its_process": "the notebook's Python process ended"}
    submissions = {(r["student"], r["notebook"]) for r in rows}
    assert len(submissions) == 31
    assert len(rows) == sum(len(questions(notebook)) for _, notebook in submissions)
    for row in rows:
        score, max_score, status = float(row["score"]), float(row["max_score"]), row["status"]
        assert 0 <= score <= max_score, row
        if status == "manual: grade by hand":
            assert score == 0
        elif row["student"] in unusable:
            assert score == 0 and status.startswith(unusable[row["student"]]), row
        else:
            assert status.startswith("graded"), row
