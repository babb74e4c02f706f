"""`make release` writes in place: into a clone of the student repository it keeps `.git/`
and every file it did not write, and removes only files an earlier release wrote
(`.release-manifest`) and never overwrites a file it did not create (the repository's
README stays; the student README is COURSE.md); `NOTEBOOKS=` releases some notebooks,
adding to those released before."""

import subprocess

import pytest

from autograder.build import course_settings
from autograder.course import NOTEBOOKS
from autograder.release import MANIFEST, STUDENT_README, notebook_names, write_release
from conftest import ROOT

FIRST_WEEK = ["01_model_update", "02_planning"]
FIRST_WEEK_TESTS = ["dyna_q_model_update.py", "dyna_q_planning.py", "pasted_model_update.py"]


REPOSITORY_README = "# Dyna-Q course\n\nOur own README: office hours, the syllabus.\n"


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
    git(repository, "init", "-q", "-b", course_settings()["branch"])
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
    readme = (out / STUDENT_README).read_text()
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
    readme = (out / STUDENT_README).read_text()
    assert "`03_how_much_to_plan.ipynb`" in readme and "`01_model_update.ipynb`" in readme
    assert "solutions/01_model_update.ipynb" in readme


def test_an_unknown_notebook_name_is_refused_with_the_valid_names(tmp_path):
    result = make_release(tmp_path / "out", "NOTEBOOKS=01_model_update,01_model")
    assert result.returncode != 0
    assert f"unknown notebook(s) 01_model; the notebooks are {', '.join(NOTEBOOKS)}" in result.stderr
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match="unknown notebook"):
        notebook_names("02_planing")


def test_the_repository_readme_survives_three_releases_and_the_student_readme_is_course_md(clone):
    (clone / "README.md").write_text(REPOSITORY_README)
    (clone / "LICENSE").write_text("the instructor's license\n")
    for notebooks in ("01_model_update", "02_planning", "03_how_much_to_plan"):
        warnings = []
        write_release(clone, notebooks=[notebooks], warn=warnings.append)
        assert (clone / "README.md").read_text() == REPOSITORY_README
        assert (clone / "LICENSE").read_text() == "the instructor's license\n"
    assert "`03_how_much_to_plan.ipynb`" in (clone / STUDENT_README).read_text()
    listed = (clone / MANIFEST).read_text().splitlines()
    assert STUDENT_README in listed and "README.md" not in listed and "LICENSE" not in listed
    assert len(warnings) == 2  # the LICENSE kept, and the README not linking to COURSE.md
    assert any("kept LICENSE" in line for line in warnings)
    assert any(f"[{STUDENT_README}]({STUDENT_README})" in line for line in warnings)


def test_a_repository_without_readme_gets_one_linking_to_the_student_readme(tmp_path):
    out = write_release(tmp_path / "release", notebooks=FIRST_WEEK, warn=pytest.fail)
    assert f"]({STUDENT_README})" in (out / "README.md").read_text()
    write_release(out, notebooks=FIRST_WEEK, warn=pytest.fail)  # it is the release's own now


def test_the_student_readme_goes_to_readme_md_when_asked_and_only_over_the_releases_own(
        clone, tmp_path):
    assert make_release(clone, "STUDENT_README=README.md").returncode == 0
    write_release(clone, student_readme_name="README.md", warn=pytest.fail)  # its own README
    assert "`01_model_update.ipynb`" in (clone / "README.md").read_text()
    assert not (clone / STUDENT_README).exists()
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "README.md").write_text(REPOSITORY_README)
    warnings = []
    write_release(theirs, notebooks=FIRST_WEEK, student_readme_name="README.md",
                  warn=warnings.append)
    assert [w for w in warnings if "kept README.md" in w] and len(warnings) == 1
    assert (theirs / "README.md").read_text() == REPOSITORY_README


def test_a_release_into_a_clone_on_another_branch_warns_before_writing(clone):
    git(clone, "checkout", "-q", "-b", "master")
    warnings = []
    write_release(clone, notebooks=FIRST_WEEK,
                  warn=lambda text: warnings.append((text, (clone / "notebooks").exists())))
    [(warning, written_before)] = warnings
    assert "'master'" in warning and repr(course_settings()["branch"]) in warning
    assert not written_before and (clone / "notebooks" / "01_model_update.ipynb").is_file()
