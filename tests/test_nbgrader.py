"""`make nbgrader`: the Otter masters become an nbgrader course with every question, its
points and its scaffolds; the hidden checks stay outside source/; autograde names a
notebook of the other release; its scores come from the course's sandboxed grader, so no
tampering in the student's kernel raises a wrong answer's score; that kernel runs
contained (nothing it starts writes into the course or outlives autograde); a hidden test
cell handed in as released raises no checksum warning. The whole nbgrader cycle
(generate_assignment, autograde, export) runs in tests/test_grading_parity.py.
"""

import contextlib
import os
import pathlib
import shutil
import signal

import nbformat
import pytest

from autograder import build, masters, nbgrader_course
from autograder.nbgrader_grading import question_of
from autograder.course import NOTEBOOKS
from autograder.masters import hidden_modules, questions
from autograder.submissions import fill_notebook
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
                question = question_of(meta["grade_id"])
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
    # the course's grader, which scores autograde's test cells, found without the repository
    grader = tmp_path / "grader" / "autograder"
    for module in (*build.GRADER_MODULES, "nbgrader_grading.py"):
        assert (grader / module).read_bytes() == (ROOT / "autograder" / module).read_bytes()
    assert sorted(p.name for p in (grader / "zips").iterdir()) == [f"{n}.zip" for n in NOTEBOOKS]
    assert str(ROOT) not in (tmp_path / "nbgrader_config.py").read_text()


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


# --- scores the student's kernel cannot change ----------------------------------------

WRONG = "def dyna_q_model_update(model, state, action, reward, next_state):\n    return model\n"
FAKE_KIT = "def assert_passes(*args, **kwargs):\n    pass\n"
# What a hostile student adds to a wrong answer, in its answer cell (before the tests run)
# or, for the exits, in a cell of its own at the end.
TAMPERING = {
    "import_hook": '''
import importlib.abc, importlib.util, sys
class _FakeKit(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        return importlib.util.spec_from_loader(name, self) if name == "check_kit" else None
    def create_module(self, spec):
        return None
    def exec_module(self, module):
        module.assert_passes = lambda *args, **kwargs: None
sys.meta_path.insert(0, _FakeKit())
''',
    "replaced_import": '''
import builtins, types
_real_import = builtins.__import__
def _import(name, *args, **kwargs):
    if name == "check_kit":
        return types.SimpleNamespace(assert_passes=lambda *a, **k: None)
    return _real_import(name, *args, **kwargs)
builtins.__import__ = _import
''',
    "exception_handler": '''
get_ipython().set_custom_exc((BaseException,), lambda shell, *error, **options: None)
''',
    "numpy_comparisons": '''
import numpy as np
np.isnan = lambda x, *a, **k: np.zeros(np.shape(x), dtype=bool)
np.allclose = np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = np.testing.assert_array_equal = lambda *a, **k: None
''',
    "patched_answers": '''
import numpy as np
import helpers.answers
def _fabricated(table, shape, name):
    model = np.full(shape, np.nan)
    model[2, 1] = (-1.0, 3.0)
    return model
helpers.answers.returned_table = _fabricated
''',
    "planted_modules": '''
import sys, types
sys.modules["check_kit"] = types.SimpleNamespace(assert_passes=lambda *a, **k: None)
sys.modules["dynaq_checks"] = types.SimpleNamespace(CHECKS={})
''',
}
LATE_CELLS = {"sys_exit": "import sys\nsys.exit(0)", "os_exit": "import os\nos._exit(0)"}
# A late cell that tries to write into the course directory and to raise every score in
# its gradebook, at once and from a detached process that keeps trying for two minutes.
ESCAPE = '''
import subprocess, sys
TAMPER = """
def tamper(course, rounds, name):
    import os, sqlite3, time
    for _ in range(rounds):
        try:
            open(os.path.join(course, "escaped-" + name), "w").write("tampered")
        except OSError:
            pass
        try:
            with sqlite3.connect(os.path.join(course, "gradebook.db"), timeout=1) as db:
                db.execute("UPDATE grade SET extra_credit = 6")
        except sqlite3.Error:
            pass
        time.sleep(0.2)
"""
exec(TAMPER)
subprocess.Popen([sys.executable, "-c", TAMPER + "import sys; tamper(sys.argv[1], 600, 'late')",
                  COURSE, "dynaq-escape"], start_new_session=True, stdin=subprocess.DEVNULL,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
tamper(COURSE, 1, "directly")
'''
TAMPERED = [*TAMPERING, "fake_kit_file", *LATE_CELLS, "escapes", "edits_a_test"]
EDITED_TEST = "dyna_q_model_update-test_model_update_stores_reward_and_next_state"


@pytest.fixture(scope="module")
def tampered(tmp_path_factory):
    """One batch autograde of notebook 01 on the hub: a correct answer, a wrong one
    (`honest`) and the wrong one with each kind of tampering. Returns the per-student
    scores of the graded question, the autograde process and the folder."""
    from nbgrader.api import Gradebook

    folder = tmp_path_factory.mktemp("tampered")
    [assignment] = nbgrader_course.write_course(folder, ["01_model_update"]).values()
    assert nbgrader(folder, "generate_assignment", assignment).returncode == 0
    release = folder / "release" / assignment
    answers = {"correct": masters.reference_sources()["dyna_q_model_update"], "honest": WRONG,
               **{kind: WRONG + code for kind, code in TAMPERING.items()}}
    answers.update(dict.fromkeys(["fake_kit_file", *LATE_CELLS, "escapes", "edits_a_test"], WRONG))
    late_cells = {**LATE_CELLS, "escapes": f"COURSE = {str(folder)!r}\n{ESCAPE}"}
    for student, answer in answers.items():
        notebook = fill_notebook("01_model_update", {"dyna_q_model_update": answer}, release)
        if student in late_cells:
            notebook.cells.append(nbformat.v4.new_code_cell(late_cells[student]))
        if student == "edits_a_test":  # a locked test cell changed: nbgrader restores it
            [test] = [c for c in notebook.cells
                      if c.metadata.get("nbgrader", {}).get("grade_id") == EDITED_TEST]
            test.source = "pass"
        folder_of = folder / "submitted" / student / assignment
        folder_of.mkdir(parents=True)
        nbformat.write(notebook, folder_of / "01_model_update.ipynb")
        if student == "fake_kit_file":
            (folder_of / "check_kit.py").write_text(FAKE_KIT)
    autograded = nbgrader(folder, "autograde", assignment)
    survivors = escaped_processes()
    for pid in survivors:  # so that a failing test leaves none behind
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert autograded.returncode == 0, autograded.stderr[-3000:]
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        scores = {submission.student.id: sum(g.score for g in submission.notebooks[0].grades
                                             if g.name.startswith("dyna_q_model_update-"))
                  for submission in gradebook.assignment_submissions(assignment)}
    return dict(scores=scores, autograded=autograded, folder=folder / "autograded",
                assignment=assignment, course=folder, survivors=survivors)


def escaped_processes():
    """PIDs of the processes the `escapes` submission started (its marker in their argv)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:  # ended meanwhile
            continue
        if b"dynaq-escape" in argv:
            found.append(int(pid))
    return found


def test_the_feedback_kernel_reaches_neither_the_course_nor_outlives_autograde(tampered):
    """The notebook's own code (after its scores are settled) runs contained: a process
    it detached is gone when autograde ends, and neither it nor the kernel wrote into the
    course directory or raised a score in its gradebook."""
    assert tampered["survivors"] == []
    assert sorted(p.name for p in tampered["course"].rglob("escaped-*")) == []
    assert tampered["scores"]["escapes"] == tampered["scores"]["honest"] == 1


def test_no_tampering_in_the_students_kernel_raises_a_wrong_answers_score(tampered):
    scores = tampered["scores"]
    assert scores["correct"] == 6 and scores["honest"] == 1
    assert {kind: scores[kind] for kind in TAMPERED if kind != "os_exit"} == dict.fromkeys(
        [kind for kind in TAMPERED if kind != "os_exit"], 1)
    # a notebook whose process ends while it runs is graded 0 with the reason, as by
    # `make grade`
    assert scores["os_exit"] == 0
    notebook = nbformat.read(tampered["folder"] / "os_exit" / tampered["assignment"]
                             / "01_model_update.ipynb", 4)
    [output] = next(c for c in notebook.cells if "-hidden1" in c.metadata.get(
        "nbgrader", {}).get("grade_id", "")).outputs
    assert output.ename == "NotGraded" and "os._exit" in output.evalue


def test_test_cells_show_the_course_graders_verdict_and_the_other_cells_their_outputs(tampered):
    notebook = nbformat.read(tampered["folder"] / "honest" / tampered["assignment"]
                             / "01_model_update.ipynb", 4)
    tests = {c.metadata.nbgrader["grade_id"]: c.outputs for c in notebook.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    assert [o.output_type for o in tests[EDITED_TEST]] == ["error"]
    assert "should be (-1, 3) but it is (nan, nan)" in tests[EDITED_TEST][0].evalue
    [passed] = tests["dyna_q_model_update-test_model_update_leaves_other_pairs_unknown"]
    assert passed.text.startswith("passed: No other pair of the model changes")
    ran = [c for c in notebook.cells if c.cell_type == "code" and "nbgrader" not in c.metadata
           and "otter_ignore" not in c.metadata.get("tags", [])]
    assert ran and all(c.execution_count for c in ran)


def test_autograde_warns_of_a_changed_test_cell_only(tampered):
    """No checksum warning for a hidden test cell handed in as released (nbgrader
    stores its checksum before stripping the hidden tests); a locked cell the student
    changed is still reported, and restored."""
    warnings = [line for line in tampered["autograded"].stderr.splitlines()
                if "Attribute 'checksum'" in line]
    assert len(warnings) == 1 and EDITED_TEST in warnings[0]
    assert tampered["scores"]["edits_a_test"] == tampered["scores"]["honest"]
