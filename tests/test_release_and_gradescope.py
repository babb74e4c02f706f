"""The student release holds only what students get; the autograder zips ship the course's
grader and helpers and, where Gradescope's container has no bubblewrap, grade as a
sandbox account (root) or rely on the container (not root) and say so (tests/test_grading_parity.py runs their entry point on every
notebook)."""

import os
import subprocess
import sys
import zipfile

import pytest

from autograder import gradescope, tiers
from autograder.course import NOTEBOOKS
from autograder.masters import HIDDEN, master_path
from autograder.results import Status, not_graded
from conftest import ROOT, gradescope_run

HIDDEN_MODULES = [path.stem for path in HIDDEN.glob("*.py")]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "course"
    subprocess.run(["make", "-s", "release", f"OUT={out}"], cwd=ROOT, check=True,
                   capture_output=True)
    return out


def test_release_holds_notebooks_public_tests_and_helpers_only(release):
    top = sorted(p.name for p in release.iterdir())
    assert top == [".release-manifest", "COURSE.md", "LICENSE", "README.md", "helpers",
                   "notebooks", "pyproject.toml"]
    assert sorted(p.name for p in (release / "notebooks").glob("*.ipynb")) == [
        f"{name}.ipynb" for name in NOTEBOOKS]
    assert list((release / "notebooks" / "tests").glob("*.py"))


def test_release_holds_no_solution_hidden_test_or_zip(release):
    solutions = [master_path(name).read_text() for name in NOTEBOOKS]
    assert not list(release.rglob("*.zip"))
    for path in release.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            for marker in ("BEGIN SOLUTION", "hidden=True", "hidden: true", *HIDDEN_MODULES):
                assert marker not in text, f"{path} holds {marker!r}"
    code_lines = {line.strip() for master in solutions for line in master.split("\\n")
                  if "np.random.randint(len(candidates), size" in line}
    assert code_lines and not any(line in p.read_text() for p in release.rglob("*.ipynb")
                                  for line in code_lines)


def test_release_builds_an_installable_helpers_wheel(release, tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(release)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "helpers/styles/course.mplstyle" in names
    assert not [n for n in names if n.startswith(("autograder", "tests", "benchmarks"))]


def test_gradescope_without_bubblewrap_grades_as_a_sandbox_account_and_says_so(tmp_path):
    # root, as on Gradescope (tests/test_gradescope_container.py makes bubblewrap fail there
    # as Docker does; here it is missing)
    upload = tmp_path / "upload" / "01_model_update.ipynb"
    upload.parent.mkdir()
    upload.write_bytes((ROOT / "examples" / "submissions" / "alice" / upload.name).read_bytes())
    results = gradescope_run(ROOT / "autograder" / "zips" / "01_model_update.zip", upload,
                             tmp_path / "autograder", path=str(tmp_path / "no-programs-here"))
    said = results["output"].splitlines()[-1]
    assert said.startswith("isolation: sandbox account (bubblewrap cannot run: bubblewrap "
                                "(bwrap) is not installed); student code as an unprivileged account")
    assert sum(t["score"] for t in results["tests"]) == sum(t["max_score"] for t in results["tests"])
    assert (tmp_path / "autograder").stat().st_mode & 0o777 == 0o700  # root's alone


def test_gradescope_neither_root_nor_with_bubblewrap_says_so_plainly(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    chosen = tiers.choose(fallback=gradescope.CONTAINER_ONLY)
    output = gradescope.results(not_graded(Status.INVALID, "no notebook"), chosen)["output"]
    assert output.endswith("isolation: none (bubblewrap (bwrap) is not installed; the grader is "
                           "not root, so student code cannot run as an account of its own either: "
                           "it runs with the grader's rights; Gradescope's container isolates "
                           "this run)")


def test_zip_installs_the_helpers_and_runs_the_course_grader():
    archive = zipfile.ZipFile(ROOT / "autograder" / "zips" / "02_planning.zip")
    environment = archive.read("environment.yml").decode()
    assert "/autograder/source/files/helpers_package" in environment
    assert "numpy==" in environment
    assert "autograder.gradescope" in archive.read("run_otter.py").decode()
    assert "apt-get install -y bubblewrap" in archive.read("setup.sh").decode()
