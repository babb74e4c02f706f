"""Regrades that are cheap and visible: remembered results depend only on what decides a
score (not on documentation), one student or notebook can be regraded, every rerun lists
the scores that changed and why, and Ctrl-C stops a batch within seconds, keeping the
previous gradebook and the finished results."""

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from autograder import tiers
from autograder.grade import grade_batch, what_changed
from autograder.results import CacheKey
from autograder.submissions import EXAMPLE_BUGS, fill_notebook, reference_sources, write_submission
from conftest import ROOT


def grade(folder, out, **options):
    return grade_batch(folder, out, tiers.choose(), jobs=2, progress=False, **options)


@pytest.fixture
def two_students(tmp_path):
    folder = tmp_path / "submissions"
    for student in ("ann", "ben"):
        write_submission(folder, student, "01_model_update", reference_sources())
    return folder, tmp_path / "out"


def test_a_rerun_lists_each_changed_score_with_why(two_students):
    folder, out = two_students
    first = grade(folder, out)
    assert first.changes is None  # nothing to compare with
    write_submission(folder, "ben", "01_model_update", {**reference_sources(), **EXAMPLE_BUGS})
    second = grade(folder, out)
    assert [(c.student, c.notebook, c.question, c.old, c.why) for c in second.changes] == [
        ("ben", "01_model_update", "dyna_q_model_update", 6, "the submission changed")]
    assert second.changes[0].new < 6
    assert grade(folder, out).changes == []  # nothing regraded, nothing changed


def test_why_a_submission_is_graded_again_names_each_part_of_its_key_that_changed():
    key = CacheKey(submission="s", autograder="a", isolation="i")
    assert what_changed(None, key) == "graded for the first time"
    assert what_changed(key, key) == "regraded on request"
    assert what_changed(key, CacheKey("s2", "a2", "i")) == "the submission changed and the tests changed"
    assert what_changed(key, CacheKey("s", "a", "i2")) == "the isolation changed"


def test_students_and_notebooks_regrade_only_those(two_students):
    folder, out = two_students
    grade(folder, out)
    cache = {s: out / "results" / s / "01_model_update.json" for s in ("ann", "ben")}
    before = {s: json.loads(path.read_text()) for s, path in cache.items()}
    for path in cache.values():  # a stale result: what a changed test would leave
        data = json.loads(path.read_text())
        path.write_text(json.dumps({**data, "key": {**data["key"], "autograder": "0"}}))
    grade(folder, out, students=["ben"])
    assert json.loads(cache["ben"].read_text())["key"] == before["ben"]["key"]   # regraded
    assert json.loads(cache["ann"].read_text())["key"] != before["ann"]["key"]   # left alone
    grade(folder, out, notebooks=["01_model_update"])
    assert json.loads(cache["ann"].read_text())["key"] == before["ann"]["key"]
    with pytest.raises(ValueError, match="no student 'zoe'"):
        grade(folder, out, students=["zoe"])
    with pytest.raises(ValueError, match="no course notebook '09_x'"):
        grade(folder, out, notebooks=["09_x"])


def test_a_docs_only_change_leaves_the_zips_and_so_every_remembered_result(tmp_path):
    """Build notebook 01 in a copy of the project whose README and pyproject's
    description differ: its zip is byte-identical to the repository's."""
    project = tmp_path / "project"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, project / name)
    with open(project / "README.md", "a") as readme:
        readme.write("\nA typo fixed, a paragraph added.\n")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('description = "', 'description = "Now: '))
    out = tmp_path / "built"
    for folder in ("notebooks", "autograder/zips"):
        (out / folder).mkdir(parents=True)
    subprocess.run([sys.executable, "-c", "import pathlib, sys; from autograder.build import "
                    "build_notebook; build_notebook('01_model_update', pathlib.Path(sys.argv[1]), "
                    "pathlib.Path(sys.argv[2]))", str(out), str(tmp_path / "tests")],
                   cwd=project, check=True, capture_output=True, timeout=300)
    built = (out / "autograder/zips/01_model_update.zip").read_bytes()
    assert built == (ROOT / "autograder/zips/01_model_update.zip").read_bytes()


def sleeping_notebook(path, seconds):
    """A correct notebook 01 whose last cell sleeps."""
    notebook = fill_notebook("01_model_update", reference_sources())
    cell = nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})")
    del cell["id"]  # the course notebooks are nbformat 4.4, without cell ids
    notebook.cells.append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def sandboxes_of(staging_root):
    """The sandboxes running on this machine whose staging folder lies in `staging_root`
    (each sandbox's PID namespace, and so everything in it, ends with these)."""
    found = []
    for proc in pathlib.Path("/proc").iterdir():
        try:
            if str(staging_root).encode() in (proc / "cmdline").read_bytes():
                found.append(proc.name)
        except OSError:
            pass
    return found


def test_ctrl_c_stops_within_seconds_keeping_the_gradebook_and_finished_results(tmp_path):
    folder, out = tmp_path / "submissions", tmp_path / "out"
    write_submission(folder, "a_quick", "01_model_update", reference_sources())
    for student in ("b_slow", "c_slow", "d_slow", "e_slow"):
        sleeping_notebook(folder / student / "01_model_update.ipynb", 120)
    out.mkdir()
    (out / "gradebook.csv").write_text("the previous gradebook\n")
    staging = tmp_path / "staging"  # where the grader stages each submission
    staging.mkdir()
    run = subprocess.Popen([sys.executable, "-m", "autograder.grade", str(folder), str(out),
                            "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(staging)})
    quick = out / "results" / "a_quick" / "01_model_update.json"
    deadline = time.monotonic() + 120
    while not quick.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # the slow ones are sleeping in their sandboxes now
    assert len(sandboxes_of(staging)) >= 2
    asked = time.monotonic()
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    assert time.monotonic() - asked < 5
    assert run.returncode != 0 and "Traceback" not in stderr
    assert "interrupted: the gradebook was left as it was; finished results kept for the next run: 1" in stderr
    assert (out / "gradebook.csv").read_text() == "the previous gradebook\n"
    assert json.loads(quick.read_text())["status"] == "graded"
    assert sorted(p.parent.name for p in (out / "results").glob("*/*.json")) == ["a_quick"]
    time.sleep(0.5)
    assert sandboxes_of(staging) == []
