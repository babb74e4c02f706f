"""A batch of 50 submissions mixing correct, buggy, broken, tampering and hostile
notebooks, graded with `make grade`: every row of the gradebook is asserted, nothing a
submission does raises its own score or costs another student anything, and the hostile
ones (tests/hostile.py) change, read and reach nothing outside their sandbox."""

import csv
import dataclasses
import hashlib
import json
import os
import pathlib
import re
import secrets
import signal
import subprocess
import tempfile
import time
import zipfile

import nbformat
import pytest

from autograder import course, isolation
from autograder.course import CORE_NOTEBOOKS
from autograder.gradebook import MANUAL_STATUS
from autograder.masters import questions
from autograder.submissions import (EXAMPLE_BUGS, fill_notebook, reference_sources,
                                    write_correct_submissions, write_submission)
from conftest import ROOT
from hostile import ATTACKS, Listener, Targets, attack_cell, processes_naming, tree_state

TIMEOUT = 25  # seconds per notebook in this batch (a correct one needs about 3)
# Correct students; the last one is graded while the fork bomb runs (jobs go in name order).
HONEST = ("ana", "ben", "cleo", "fork_bomb_neighbour")

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


@dataclasses.dataclass
class GradedBatch:
    """The batch, its gradebook and what the test saw around `make grade`."""
    folder: pathlib.Path
    out: pathlib.Path
    rows: list
    elapsed: float
    stdout: str
    targets: Targets
    listener: Listener
    before: dict   # states of the project, the submissions and the secret
    after: dict
    gradebook_then: str  # digest of the gradebook when `make grade` returned
    gradebook_later: str  # ... and a while later
    daemons: list  # processes still carrying the daemon's marker


def digest(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def outside_state(targets):
    """What no submission may change: the project (contents outside .venv, whose files
    are compared by size and times), the submissions folder and the secret file."""
    return {"project": tree_state(targets.root, hash_contents_except=(".venv",)),
            "submissions": tree_state(targets.submissions),
            "secret": digest(targets.secret)}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    # outside the pytest folders, somewhere else on the machine
    with tempfile.TemporaryDirectory(dir="/var/tmp") as elsewhere:
        secret = pathlib.Path(elsewhere) / "secret.txt"
        secret.write_text(f"the instructor's secret {secrets.token_hex(16)}\n")
        yield grade_the_batch(tmp_path_factory, secret)


def grade_the_batch(tmp_path_factory, secret):
    folder = tmp_path_factory.mktemp("batch")
    out = tmp_path_factory.mktemp("out")
    listener = Listener()
    token = secrets.token_hex(8)
    targets = Targets(str(ROOT), str(out), str(folder), str(secret),
                      os.path.join(tempfile.gettempdir(), f"dynaq-attack-{token}"), listener.port,
                      f"dynaq-daemon-{token}")
    sources = reference_sources()
    for student in HONEST:
        # the grader's defences do not depend on the notebook: the core four suffice
        write_correct_submissions(folder, student, names=CORE_NOTEBOOKS)          # 16
    ana = nbformat.read(folder / "ana" / "02_planning.ipynb", as_version=4)
    ana.cells.insert(1, nbformat.v4.new_code_cell(f"# ana's own work {secrets.token_hex(16)}"))
    write(folder, "ana", "02_planning", ana)
    for function, bug in EXAMPLE_BUGS.items():                                     # 2
        write_submission(folder, f"bug_{function}", course.function(function).notebook,
                         {**sources, function: bug})
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
          fill_notebook("04_shortcut", sources))                                   # 35
    for student in ATTACKS:                                                        # 15
        notebook = fill_notebook("02_planning", sources)
        write(folder, student, "02_planning", with_cell_before(
            notebook, "def dyna_q_planning(", attack_cell(student, targets)))
    before = outside_state(targets)
    started = time.monotonic()
    # no bytecode written: the project must stay exactly as it was
    done = subprocess.run(["make", "-s", "grade", f"SUBMISSIONS={folder}", f"OUT={out}", "JOBS=2",
                           f"TIMEOUT={TIMEOUT}"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    gradebook_then = digest(out / "gradebook.csv")
    time.sleep(2)  # the daemon writes every half second
    daemons = processes_naming(targets.daemon)
    after = outside_state(targets)
    listener.close()
    with open(out / "gradebook.csv", newline="") as handle:
        # each student handed in some notebooks: the rows of the others say `missing`
        rows = [r for r in csv.DictReader(handle) if not r["status"].startswith("missing")]
    return GradedBatch(folder, out, rows, elapsed, done.stdout, targets, listener, before, after,
                       gradebook_then, digest(out / "gradebook.csv"), daemons)


def graded(rows, student, question):
    [row] = [r for r in rows if r["student"] == student and r["question"] == question]
    return float(row["score"]), float(row["max_score"]), row["status"]


def test_the_batch_holds_at_least_45_submissions_and_finishes_in_its_budget(batch):
    submissions = len(list(batch.folder.glob("*/*.ipynb")))
    assert submissions >= 45
    # on 2 workers: the slowest cases are bounded by TIMEOUT, not by their loops
    assert batch.elapsed < submissions * TIMEOUT / 2


def test_every_correct_notebook_gets_full_marks_next_to_the_broken_ones(batch):
    rows = batch.rows
    for student in HONEST:
        for notebook in CORE_NOTEBOOKS:
            for question, points, manual in questions(notebook):
                if not manual:
                    [row] = [r for r in rows if r["student"] == student
                             and r["notebook"] == notebook and r["question"] == question]
                    assert float(row["score"]) == points and row["status"] == "graded", row


@pytest.mark.parametrize("student", sorted(TAMPERERS))
def test_tampering_earns_nothing_beyond_the_real_behaviour(batch, student):
    rows = batch.rows
    score, _, status = graded(rows, student, "dyna_q_planning")
    assert score == 0, f"{student} kept a stub planner but scored {score}"
    assert status.startswith("graded")
    assert graded(rows, student, "pasted_model_update")[2].startswith("graded")


def test_an_object_equal_to_everything_scores_nothing(batch):
    out, rows = batch.out, batch.rows
    assert graded(rows, "always_equal", "dyna_q_planning")[0] == 0
    feedback = (out / "feedback" / "always_equal" / "02_planning.md").read_text()
    assert "Yes" in feedback


def test_broken_cells_cost_only_what_depends_on_them(batch):
    rows = batch.rows
    for student in ("exits_with_sys_exit", "raises_in_a_cell", "floods_output", "deletes_its_folder"):
        score, points, status = graded(rows, student, "dyna_q_planning")
        assert (score, points) == (8, 8), (student, status)
    assert "SystemExit" in graded(rows, "exits_with_sys_exit", "dyna_q_planning")[2]
    assert "ValueError" in graded(rows, "raises_in_a_cell", "dyna_q_planning")[2]


def test_an_endless_cell_is_stopped_and_the_rest_is_graded(batch):
    rows = batch.rows
    score, points, status = graded(rows, "loops_in_a_cell", "dyna_q_planning")
    assert (score, points) == (8, 8)
    assert "ran longer than" in status


def test_an_endless_function_fails_its_checks_with_a_time_limit_message(batch):
    out, rows = batch.out, batch.rows
    score, _, status = graded(rows, "loops_in_function", "dyna_q_planning")
    assert score == 0 and status.startswith("graded")
    assert "time limit" in (out / "feedback" / "loops_in_function" / "02_planning.md").read_text()


def test_a_notebook_that_cannot_be_stopped_times_out_with_zero(batch):
    rows = batch.rows
    score, _, status = graded(rows, "never_stops", "dyna_q_model_update")
    assert score == 0 and f"within {TIMEOUT} s" in status


def test_the_summary_counts_the_notebook_that_ran_out_of_time_as_timed_out(batch):
    # never_stops and fork_bomb timed out; kills_its_process, bad_json and wrong_notebook failed
    assert "submissions: 50  graded: 45  timed out: 2  failed: 3" in batch.stdout


def test_a_notebook_that_kills_its_process_scores_zero_with_the_reason(batch):
    rows = batch.rows
    score, _, status = graded(rows, "kills_its_process", "dyna_q_planning")
    assert score == 0 and "process ended" in status


def test_a_missing_function_is_named_in_the_feedback(batch):
    out, rows = batch.out, batch.rows
    assert graded(rows, "missing_function", "dyna_q_planning")[0] == 0
    feedback = (out / "feedback" / "missing_function" / "02_planning.md").read_text()
    assert feedback.count("`dyna_q_planning` is not defined in your notebook") == 1
    assert "- ✗ failed (`dyna_q_planning` is not defined), 0 of 1 point (public check)" in feedback


def test_unreadable_and_wrong_notebooks_score_zero_with_a_reason(batch):
    rows = batch.rows
    assert graded(rows, "bad_json", "planning_updates")[2].startswith("invalid notebook")
    assert graded(rows, "wrong_notebook", "planning_updates")[2].startswith("wrong assignment")


def test_buggy_submissions_lose_points_only_on_their_function(batch):
    rows = batch.rows
    score, points, _ = graded(rows, "bug_dyna_q_planning", "dyna_q_planning")
    assert 0 < score < points
    score, points, _ = graded(rows, "bug_dyna_q_model_update", "dyna_q_model_update")
    assert 0 < score < points


def test_regrading_gives_the_same_gradebook(batch):
    folder, out = batch.folder, batch.out
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
    folder = batch.folder
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
    rows = batch.rows
    unusable = {"bad_json": "invalid notebook", "wrong_notebook": "wrong assignment",
                "never_stops": "the notebook", "fork_bomb": "the notebook",
                "kills_its_process": "the notebook's Python process ended"}
    submissions = {(r["student"], r["notebook"]) for r in rows}
    assert len(submissions) == 50
    assert len(rows) == sum(len(questions(notebook)) for _, notebook in submissions)
    for row in rows:
        score, max_score, status = float(row["score"]), float(row["max_score"]), row["status"]
        assert 0 <= score <= max_score, row
        if status == MANUAL_STATUS:
            assert score == 0
        elif row["student"] in unusable:
            assert score == 0 and status.startswith(unusable[row["student"]]), row
        else:
            assert status.startswith("graded"), row


# ------------------------------------------------------------------ hostile submissions

def attempts(batch, student):
    """The ATTEMPT lines a hostile notebook printed, as the gradebook folder keeps them."""
    result = json.loads((batch.out / "results" / student / "02_planning.json").read_text())
    return [line for line in result["output"].splitlines() if line.startswith("ATTEMPT")]


def test_the_grader_prints_its_isolation_once_and_records_it(batch):
    [line] = [line for line in batch.stdout.splitlines() if line.startswith("isolation:")]
    assert line.startswith("isolation: bubblewrap") and "no network, private PIDs" in line
    if os.geteuid() == 0:  # root's processes ignore the process limit: student code is not root
        assert f"student code as {isolation.ACCOUNT}" in line
    assert (batch.out / "isolation.txt").read_text() == line + "\n"


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_every_attack_ran_and_has_its_rows_with_a_plain_status(batch, student):
    assert attempts(batch, student), f"{student} printed nothing: did its cell run?"
    rows = [r for r in batch.rows if r["student"] == student]
    assert [r["question"] for r in rows] == [q for q, _, _ in questions("02_planning")]
    for row in rows:
        assert row["status"] == MANUAL_STATUS or row["status"].startswith(
            ("graded", "the notebook did not finish")), row


@pytest.mark.parametrize("student", sorted(set(ATTACKS) - {"fork_bomb"}))
def test_an_attack_stopped_by_its_sandbox_costs_its_notebook_nothing(batch, student):
    # the grader and the notebook's own process survived whatever the cell tried
    score, points, status = graded(batch.rows, student, "dyna_q_planning")
    assert (score, points) == (8, 8) and status.startswith("graded"), status


def test_nothing_outside_the_sandboxes_changed(batch):
    for what in ("project", "submissions"):
        before, after = batch.before[what], batch.after[what]
        changed = sorted(path for path in before.keys() | after.keys()
                         if before.get(path) != after.get(path))
        assert changed == [], f"{what}: {changed[:10]}"
    assert batch.after["secret"] == batch.before["secret"]
    assert not os.path.exists(batch.targets.tmp_marker)  # written in its own /tmp only


def test_nothing_outside_the_sandboxes_could_be_read(batch):
    folder, out = batch.folder, batch.out
    with zipfile.ZipFile(ROOT / "autograder" / "zips" / "02_planning.zip") as archive:
        unpacked = {name: hashlib.sha256(archive.read(name)).hexdigest()
                    for name in ("tests/dyna_q_planning.py", "files/dynaq_checks.py")}
    ana = (folder / "ana" / "02_planning.ipynb").read_text()
    secrets_of = {
        "the secret": pathlib.Path(batch.targets.secret).read_text().split()[-1],
        "ana's notebook": digest(folder / "ana" / "02_planning.ipynb"),
        "ana's own words": re.search(r"ana's own work (\w+)", ana).group(1),
        "the master": digest(ROOT / "solutions" / "02_planning.ipynb"),
        "the hidden checks": digest(ROOT / "autograder" / "hidden" / "dynaq_checks.py"),
        **{f"the unpacked {name}": value for name, value in unpacked.items()},
    }
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert not [what for what, secret in secrets_of.items() if secret in text], path
    for student in ("reads_the_masters", "reads_the_hidden_checks", "reads_other_submissions",
                    "reads_a_secret"):
        lines = attempts(batch, student)
        # what each got is printed, and that printing reaches the gradebook folder
        assert lines and all("stopped by" in line or "got []" in line for line in lines), lines


def test_the_loopback_listener_received_nothing(batch):
    assert batch.listener.connections == 0
    [line] = attempts(batch, "connects_to_a_listener")
    assert "stopped by" in line, line


def test_a_fork_bomb_stops_at_the_process_limit_and_costs_only_its_notebook(batch):
    # as root too; the student graded meanwhile gets full marks (test above)
    results = batch.out / "results"
    bomb_ended = (results / "fork_bomb" / "02_planning.json").stat().st_mtime
    assert any(path.stat().st_mtime < bomb_ended
               for path in (results / "fork_bomb_neighbour").glob("*.json"))
    [line] = attempts(batch, "fork_bomb")
    forks = int(re.search(r"stopped after (\d+) processes by BlockingIOError", line).group(1))
    assert 0 < forks < isolation.PROCESSES
    score, _, status = graded(batch.rows, "fork_bomb", "dyna_q_planning")
    assert score == 0 and status.startswith("the notebook did not finish"), status


def test_memory_and_disk_stop_at_their_limits(batch):
    [line] = attempts(batch, "exhausts_memory")
    reached = int(re.search(r"stopped at (\d+) MiB by MemoryError", line).group(1))
    assert reached < isolation.MEMORY_BYTES >> 20
    [line] = attempts(batch, "fills_the_disk")
    written, files = map(int, re.search(r"stopped after (\d+) MiB in (\d+) files by ENOSPC",
                                        line).groups())
    assert written <= isolation.SCRATCH_BYTES >> 20
    assert files > (isolation.SCRATCH_BYTES - 1) // isolation.FILE_BYTES  # each file is capped


def test_a_daemon_does_not_outlive_the_grading_of_its_notebook(batch):
    [line] = attempts(batch, "starts_a_daemon")
    assert re.search(r"start a daemon: got \d+", line), line  # it did start
    assert batch.daemons == []
    assert batch.gradebook_later == batch.gradebook_then
