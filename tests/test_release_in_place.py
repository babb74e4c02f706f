"""`make release` writes in place: into a clone of the student repository it keeps `.git/`
and every file it did not write, and removes only files an earlier release wrote
(`.release-manifest`); `NOTEBOOKS=` releases some notebooks, adding to those released
before."""

import subprocess

import pytest

from autograder.course import NOTEBOOKS
from autograder.release import MANIFEST, notebook_names, write_release
from conftest import ROOT

FIRST_WEEK = ["01_model_update", "02_planning"]
FIRST_WEEK_TESTS = ["dyna_q_model_update.py", "dyna_q_planning.py", "pasted_model_update.py"]


def make_release(out, *options):
    return subprocess.run(["make", "-s", "release", f"OUT={out}", *options], cwd=ROOT,
                          capture_output=True, text=True)


def git(repository, *args):
    return subprocess.run(["git", "-C", str(repository), *args], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture
def clone(tmp_path):
    """A student repository as the instructor has it: one commit of their own files."""
    repository = tmp_path / "student-repo"
    repository.mkdir()
    git(repository, "init", "-q", "-b", "main")
    (repository / "NOTES.md").write_text("the instructor's own notes\n")
    git(repository, "add", "NOTES.md")
    git(repository, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "notes")
    (repository / "schedule.txt").write_text("week 1: notebooks 01 and 02\n")  # not committed
    return repository


def released_notebooks(out):
    return sorted(path.stem for path in (out / "notebooks").glob("*.ipynb"))


def test_a_release_into_a_git_clone_keeps_git_and_every_file_it_did_not_write(clone):
    assert make_release(clone).returncode == 0
    assert git(clone, "log", "--format=%s") == "notes\n"
    assert (clone / "NOTES.md").read_text() == "the instructor's own notes\n"
    assert (clone / "schedule.txt").read_text() == "week 1: notebooks 01 and 02\n"
    status = git(clone, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert "?? notebooks/01_model_update.ipynb" in status and "?? schedule.txt" in status
    assert released_notebooks(clone) == list(NOTEBOOKS)


def test_a_second_release_updates_in_place_and_removes_only_what_a_release_wrote(clone):
    assert make_release(clone).returncode == 0
    git(clone, "add", "-A")
    git(clone, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "release")
    # what an earlier release wrote and this one no longer does, beside the instructor's own
    (clone / "helpers" / "retired.py").write_text("# written by an earlier release\n")
    (clone / "helpers" / "mine.py").write_text("# the instructor's\n")
    (clone / "notebooks" / "01_model_update.ipynb").write_text("edited by hand")
    with open(clone / MANIFEST, "a") as manifest:
        manifest.write("helpers/retired.py\n../outside.txt\n.git/config\n")
    (clone.parent / "outside.txt").write_text("not the release's\n")
    assert make_release(clone).returncode == 0
    assert not (clone / "helpers" / "retired.py").exists()
    assert (clone / "helpers" / "mine.py").exists() and (clone.parent / "outside.txt").exists()
    assert git(clone, "status", "--porcelain").splitlines() == ["?? helpers/mine.py"]
    assert git(clone, "log", "--format=%s").splitlines() == ["release", "notes"]


def test_a_staged_release_holds_only_the_notebooks_named_and_their_public_tests(tmp_path):
    out = write_release(tmp_path / "release", notebooks=FIRST_WEEK)
    assert released_notebooks(out) == FIRST_WEEK
    for tests in (out / "notebooks" / "tests", out / "helpers" / "public_tests"):
        assert sorted(path.name for path in tests.iterdir()) == FIRST_WEEK_TESTS
    readme = (out / "README.md").read_text()
    assert all((f"`{name}.ipynb`" in readme) == (name in FIRST_WEEK) for name in NOTEBOOKS)
    assert "More notebooks follow" in readme
    # the course README's local set-up: JupyterLab and a kernel come with it
    assert "`pip install . otter-grader==7.0.0 jupyterlab`" in readme


def test_a_later_staged_release_adds_to_the_notebooks_released_before(tmp_path):
    out = write_release(tmp_path / "release", notebooks=FIRST_WEEK, solutions=["01_model_update"])
    write_release(out, notebooks=["03_how_much_to_plan"])
    assert released_notebooks(out) == [*FIRST_WEEK, "03_how_much_to_plan"]
    assert (out / "solutions" / "01_model_update.ipynb").is_file()
    assert "first_settled_episode.py" in {p.name for p in (out / "helpers" / "public_tests").iterdir()}
    readme = (out / "README.md").read_text()
    assert "`03_how_much_to_plan.ipynb`" in readme and "`01_model_update.ipynb`" in readme
    assert "solutions/01_model_update.ipynb" in readme


def test_an_unknown_notebook_name_is_refused_with_the_valid_names(tmp_path):
    result = make_release(tmp_path / "out", "NOTEBOOKS=01_model_update,01_model")
    assert result.returncode != 0
    assert f"unknown notebook(s) 01_model; the notebooks are {', '.join(NOTEBOOKS)}" in result.stderr
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match="unknown notebook"):
        notebook_names("02_planing")
