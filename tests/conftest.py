"""Shared fixtures: the repository root, the original tutorial's reference figures
(tests/data/tutorial_reference.json), the reference Dyna-Q functions taken from the
instructor master notebooks, the student notebooks run with those answers pasted in, and
`gradescope_run` (an autograder zip run as Gradescope runs it) and `nbgrader` (its CLI run
in a course folder)."""

import functools
import json
import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]
TUTORIAL_REFERENCE = ROOT / "tests" / "data" / "tutorial_reference.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "autograder" / "hidden"))


@pytest.fixture(scope="session")
def seed_parity():
    return json.loads(TUTORIAL_REFERENCE.read_text())


@pytest.fixture(scope="session")
def reference():
    """The master notebooks' solutions for the two student functions."""
    from autograder.masters import load_reference_functions
    return load_reference_functions()


@pytest.fixture(scope="session")
def filled_notebook(tmp_path_factory):
    """`filled_notebook(name)`: student notebook `name` with the reference answers pasted
    in, run top to bottom once per session in a copy of notebooks/ (Otter's log goes
    there, never into the repository). Returns `(notebook with outputs, its variables)`."""
    from notebook_runs import run_filled_notebook

    folder = tmp_path_factory.mktemp("filled") / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    return functools.cache(lambda name: run_filled_notebook(name, folder))


def pytest_report_header():
    import ipywidgets
    return f"ipywidgets {ipywidgets.__version__}"


def gradescope_run(zip_path, submission, folder, path="/usr/bin:/bin"):
    """Unpack the zip as Gradescope does (/autograder/source, submission, results) and run
    its own entry point `run_otter.py` with this environment and `path` as PATH (setup.sh
    is skipped: it installs the image and needs the network); return results.json."""
    for sub in ("source", "submission", "results"):
        (folder / sub).mkdir(parents=True)
    zipfile.ZipFile(zip_path).extractall(folder / "source")
    (folder / "submission" / submission.name).write_bytes(submission.read_bytes())
    (folder / "submission_metadata.json").write_text("{}")
    subprocess.run([sys.executable, str(folder / "source" / "run_otter.py"), str(folder)],
                   check=True, capture_output=True, cwd=folder, env={"PATH": path})
    return json.loads((folder / "results" / "results.json").read_text())


def nbgrader(folder, *args):
    """Run nbgrader's CLI in the course folder; return the finished process."""
    env = dict(os.environ, PATH=f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=1800)
