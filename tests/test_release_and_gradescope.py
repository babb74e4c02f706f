"""The student release holds only what students get; the autograder zips run as
Gradescope runs them, isolate the submission as `make grade` does where they can (and
say which isolation they had), and agree with `make grade`."""

import json
import subprocess
import sys
import zipfile

import pytest

from autograder.masters import NOTEBOOKS, master_path
from conftest import ROOT


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "course"
    subprocess.run(["make", "-s", "release", f"OUT={out}"], cwd=ROOT, check=True,
                   capture_output=True)
    return out


def test_release_holds_notebooks_public_tests_and_helpers_only(release):
    top = sorted(p.name for p in release.iterdir())
    assert top == ["README.md", "helpers", "notebooks", "pyproject.toml"]
    assert sorted(p.name for p in (release / "notebooks").glob("*.ipynb")) == [
        f"{name}.ipynb" for name in NOTEBOOKS]
    assert list((release / "notebooks" / "tests").glob("*.py"))


def test_release_holds_no_solution_hidden_test_or_zip(release):
    solutions = [master_path(name).read_text() for name in NOTEBOOKS]
    assert not list(release.rglob("*.zip"))
    for path in release.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            for marker in ("BEGIN SOLUTION", "hidden=True", "dynaq_checks", "hidden: true"):
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


def gradescope_run(zip_path, submission, folder, path="/usr/bin:/bin"):
    """Unpack the zip as Gradescope does (/autograder/source, submission, results) and run
    its own entry point `run_otter.py` with this environment and `path` as PATH (setup.sh
    is skipped: it installs the image and needs the network)."""
    for sub in ("source", "submission", "results"):
        (folder / sub).mkdir(parents=True)
    zipfile.ZipFile(zip_path).extractall(folder / "source")
    (folder / "submission" / submission.name).write_bytes(submission.read_bytes())
    (folder / "submission_metadata.json").write_text("{}")
    subprocess.run([sys.executable, str(folder / "source" / "run_otter.py"), str(folder)],
                   check=True, capture_output=True, cwd=folder, env={"PATH": path})
    return json.loads((folder / "results" / "results.json").read_text())


@pytest.mark.parametrize("student, name", [("alice", "02_planning"), ("bob", "02_planning"),
                                           ("bob", "01_model_update")])
def test_gradescope_results_agree_with_make_grade(tmp_path, student, name):
    submission = ROOT / "examples" / "submissions" / student / f"{name}.ipynb"
    results = gradescope_run(ROOT / "autograder" / "zips" / f"{name}.zip", submission,
                             tmp_path / "autograder")
    assert "\nisolation: bubblewrap" in results["output"]
    batch = tmp_path / "batch" / student / submission.name
    batch.parent.mkdir(parents=True)
    batch.write_bytes(submission.read_bytes())
    subprocess.run([sys.executable, "-m", "autograder.grade", str(tmp_path / "batch"),
                    str(tmp_path / "out")], cwd=ROOT, check=True, capture_output=True)
    ours = json.loads((tmp_path / "out" / "results" / student / f"{name}.json").read_text())
    gradescope = {}
    for test in results["tests"]:
        question = test["name"].rsplit(" (", 1)[0]
        gradescope[question] = gradescope.get(question, 0) + test["score"]
        assert test["visibility"] == ("visible" if "public" in test["name"] else "after_published")
    assert gradescope == {q: r["score"] for q, r in ours["questions"].items()}
    assert sum(t["max_score"] for t in results["tests"]) == sum(
        r["possible"] for r in ours["questions"].values())


def test_gradescope_shows_a_plain_reason_for_an_unreadable_upload(tmp_path):
    upload = tmp_path / "upload" / "02_planning.ipynb"
    upload.parent.mkdir()
    upload.write_text("{ not json")
    results = gradescope_run(ROOT / "autograder" / "zips" / "02_planning.zip", upload,
                             tmp_path / "autograder")
    assert results["score"] == 0 and "invalid notebook" in results["output"]


def test_gradescope_without_bubblewrap_relies_on_its_container_and_says_so(tmp_path):
    upload = tmp_path / "upload" / "01_model_update.ipynb"
    upload.parent.mkdir()
    upload.write_bytes((ROOT / "examples" / "submissions" / "alice" / upload.name).read_bytes())
    results = gradescope_run(ROOT / "autograder" / "zips" / "01_model_update.zip", upload,
                             tmp_path / "autograder", path=str(tmp_path / "no-programs-here"))
    assert results["output"].endswith("isolation: none (bubblewrap (bwrap) is not installed; "
                                      "Gradescope's container isolates this run)")
    assert sum(t["score"] for t in results["tests"]) == sum(t["max_score"] for t in results["tests"])


def test_zip_installs_the_helpers_and_runs_the_course_grader():
    archive = zipfile.ZipFile(ROOT / "autograder" / "zips" / "02_planning.zip")
    environment = archive.read("environment.yml").decode()
    assert "/autograder/source/files/helpers_package" in environment
    assert "numpy==" in environment
    assert "autograder.gradescope" in archive.read("run_otter.py").decode()
    assert "apt-get install -y bubblewrap" in archive.read("setup.sh").decode()
