"""`make nbgrader`: the Otter masters become an nbgrader course with every question, its
points and its scaffolds; the hidden checks stay outside source/; autograde names a
notebook of the other release. The whole nbgrader cycle (generate_assignment, autograde,
export) runs in tests/test_grading_parity.py.
"""

import shutil

import nbformat

from autograder import build, masters, nbgrader_course
from autograder.course import NOTEBOOKS
from autograder.masters import hidden_modules, questions
from conftest import ROOT, nbgrader


def test_conversion_keeps_every_otter_question_and_its_points():
    for name in NOTEBOOKS:
        _, notebook, hidden = nbgrader_course.convert(name)
        # the check kit and the modules of the functions the notebook grades
        assert "check_kit.py" in hidden and hidden == [p.name for p in hidden_modules(name)]
        totals = {}
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                question = nbgrader_course.question_of(meta["grade_id"])
                totals[question] = totals.get(question, 0) + meta["points"]
                hidden_region = "### BEGIN HIDDEN TESTS" in cell.source
                assert hidden_region == ("-hidden" in meta["grade_id"]), meta["grade_id"]
        assert totals == {question: points for question, points, _ in questions(name)}


def test_solution_cells_become_regions_and_keep_the_otter_prompt():
    _, notebook, _ = nbgrader_course.convert("01_model_update")
    [answer] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "dyna_q_model_update-answer"]
    assert answer.metadata.nbgrader["solution"] and not answer.metadata.nbgrader["grade"]
    assert "    ### BEGIN SOLUTION\n    model[state, action] = reward, next_state\n" \
           "    ### END SOLUTION\n    return model" in answer.source
    assert "PROMPT" not in answer.source and "NotImplementedError" not in answer.source
    assert answer.metadata.student_prompt.startswith("####")
    assert 'raise NotImplementedError("Student exercise' in answer.metadata.student_prompt


def test_course_directory_holds_config_sources_and_the_hidden_checks_apart(tmp_path):
    nbgrader_course.main([str(tmp_path)])
    assert (tmp_path / "nbgrader_config.py").is_file()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "source").rglob("*")
                  if p.is_file()) == sorted(
        f"source/dynaq-{name.replace('_', '-')}/{name}.ipynb" for name in NOTEBOOKS)
    hidden = sorted((ROOT / "autograder" / "hidden").glob("*.py"))
    assert sorted(p.name for p in (tmp_path / "autograder_files").iterdir()) == [p.name for p in hidden]
    for path in hidden:
        assert (tmp_path / "autograder_files" / path.name).read_bytes() == path.read_bytes()


def test_course_notebooks_get_the_release_repository_like_the_otter_notebooks(tmp_path):
    nbgrader_course.write_course(tmp_path)
    repository = build.course_settings()["repository"]
    for path in (tmp_path / "source").rglob("*.ipynb"):
        text = path.read_text()
        assert "{{" not in text, path.name
        setup = next(c.source for c in nbformat.reads(text, 4).cells if "archive/refs/heads" in c.source)
        assert f"https://github.com/{repository}/archive/" in setup, path.name


def test_written_answers_are_manually_graded_cells_with_their_points_for_formgrader():
    """nbgrader's formgrader lists a cell for hand grading when it is a solution and a
    grade cell (not autograded tests) with points; the question text stays read-only."""
    for name in NOTEBOOKS:
        _, notebook, _ = nbgrader_course.convert(name)
        for question in masters.written_questions(name):
            answers = [c for c in notebook.cells
                       if c.metadata.get("nbgrader", {}).get("grade_id") == f"{question.name}-answer"]
            assert len(answers) == 1 and answers[0].cell_type == "markdown"
            meta = answers[0].metadata.nbgrader
            assert (meta["grade"], meta["solution"], meta["locked"], meta["points"]) == (
                True, True, False, question.points)
            prompts = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get(
                "grade_id", "").startswith(f"{question.name}-prompt")]
            assert prompts and all(c.metadata.nbgrader["locked"] for c in prompts)
            assert question.rubric.splitlines()[0][20:60] not in nbformat.writes(notebook)


def test_autograde_names_a_notebook_of_the_colab_otter_release_instead_of_scoring_it_0(tmp_path):
    """A notebook of the Colab/Otter release handed in on the hub: nbgrader logs why it
    cannot grade it (and exits with 1) and still grades a notebook of its own release."""
    [assignment] = nbgrader_course.write_course(tmp_path, ["01_model_update"]).values()
    assert nbgrader(tmp_path, "generate_assignment", assignment).returncode == 0
    handed_in = {"colab": ROOT / "notebooks" / "01_model_update.ipynb",
                 "hub": tmp_path / "release" / assignment / "01_model_update.ipynb"}
    for student, notebook in handed_in.items():
        folder = tmp_path / "submitted" / student / assignment
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder)
    autograded = nbgrader(tmp_path, "autograde", assignment)
    assert autograded.returncode == 1
    assert (f"WrongRelease: 01_model_update.ipynb of student colab ({assignment}) has no "
            "nbgrader cells: it is not from the nbgrader (JupyterHub) release") in autograded.stderr
    failed = [line for line in autograded.stderr.splitlines() if "error processing" in line]
    assert failed and all("'colab'" in line or "/colab/" in line for line in failed)
    assert (tmp_path / "autograded" / "hub" / assignment / "01_model_update.ipynb").is_file()
