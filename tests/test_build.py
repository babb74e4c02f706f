"""The build: otter assign passes on every master, generated files match the masters,
and the student notebooks hold no solution and no hidden test."""

import filecmp
import importlib
import re

import nbformat
import pytest

from autograder import build, masters
from conftest import ROOT


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    out = tmp_path_factory.mktemp("rebuilt")
    build.build(out)  # raises if otter assign's own run of the tests is not 100%
    return out


@pytest.mark.parametrize("folder", ["notebooks", "notebooks/tests", "autograder/zips",
                                    "examples/submissions/alice", "examples/submissions/bob",
                                    "examples/submissions/carol"])
def test_generated_files_are_exactly_what_the_masters_build(rebuilt, folder):
    comparison = filecmp.dircmp(ROOT / folder, rebuilt / folder)
    assert not comparison.left_only and not comparison.right_only, "files added or missing"
    _, mismatch, errors = filecmp.cmpfiles(ROOT / folder, rebuilt / folder,
                                           comparison.common_files, shallow=False)
    assert not mismatch and not errors, f"run `make course`: {mismatch} drifted from the masters"


def solution_lines(name):
    """Lines of code that only the solutions contain: inside SOLUTION blocks, and not
    also in a PROMPT block (the scaffold students are given)."""
    solution, prompt = [], set()
    for cell in nbformat.read(masters.master_path(name), as_version=4).cells:
        block = None
        for line in cell.source.splitlines():
            if "# BEGIN SOLUTION" in line or "# BEGIN PROMPT" in line:
                block = solution if "SOLUTION" in line else prompt
            elif "# END SOLUTION" in line or "# END PROMPT" in line:
                block = None
            elif block is solution and line.strip() and not line.strip().startswith("#"):
                solution.append(line.strip())
            elif block is prompt:
                prompt.add(line.strip())
    return [line for line in solution if line not in prompt]


@pytest.mark.parametrize("name", masters.NOTEBOOKS)
def test_student_notebook_holds_no_solution_code(name):
    student = (ROOT / "notebooks" / f"{name}.ipynb").read_text()
    code = "\n".join(c.source for c in nbformat.reads(student, as_version=4).cells
                     if c.cell_type == "code")
    leaked = [line for line in solution_lines(name) if len(line) > 12 and line in code]
    assert not leaked
    assert "BEGIN SOLUTION" not in student and "# SOLUTION" not in student


@pytest.mark.parametrize("name", masters.NOTEBOOKS)
def test_every_student_exercise_starts_as_a_not_implemented_stub(name):
    notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    answers = [c.source for c in notebook.cells if "def " in c.source
               and "otter_answer_cell" in c.metadata.get("tags", [])]
    assert answers, "the notebook has exercises"
    assert all("raise NotImplementedError" in source for source in answers)


def test_public_tests_hold_no_hidden_test_or_hidden_checks():
    for path in (ROOT / "notebooks").rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "hidden=True" not in text, f"{path} holds a hidden test"
            assert not any(module.stem in text for module in masters.HIDDEN.glob("*_checks.py")), \
                f"{path} mentions the hidden checks"
    assert not list((ROOT / "notebooks").rglob("*.zip"))


def hidden_check_groups():
    """`(master, checks of one graded function)` for every hidden check module: the core
    functions' lists in dynaq_checks, and each bonus module's `CHECKS`."""
    import dynaq_checks
    groups = [("01_model_update", dynaq_checks.MODEL_UPDATE_CHECKS),
              ("02_planning", dynaq_checks.PLANNING_CHECKS)]
    for name in masters.NOTEBOOKS:
        for path in masters.hidden_modules(masters.assignment_config(name)):
            if path.stem != "dynaq_checks":
                module = importlib.import_module(path.stem)
                groups += [(name, checks) for checks in module.CHECKS.values()]
    return groups


def test_every_hidden_check_is_a_hidden_test_with_its_points():
    for name, group in hidden_check_groups():
        source = "\n".join(c.source for c in nbformat.read(masters.master_path(name), 4).cells)
        for check in group:
            cell = re.search(rf'points: ([\d.]+)\n""" # END TEST CONFIG\ndef test_{check.name}\(',
                             source)
            assert cell, f"{check.name} has no hidden test in {name}"
            assert float(cell.group(1)) == check.points


def pasted_questions(name):
    """`{question: its cells}` for the `pasted_*` questions of master `name`."""
    found, current = {}, None
    for cell in nbformat.read(masters.master_path(name), as_version=4).cells:
        if cell.source.startswith("# BEGIN QUESTION\nname: pasted_"):
            current = found.setdefault(masters.markup_config(cell.source)["name"], [])
        if current is not None:
            current.append((cell.cell_type, cell.source))
            if cell.source == "# END QUESTION":
                current = None
    return found


@pytest.mark.parametrize("name", masters.NOTEBOOKS[2:])
def test_pasted_questions_are_the_same_in_every_notebook(name):
    """Students paste the same functions everywhere, checked by the same public tests."""
    reference = pasted_questions("04_shortcut")
    assert set(reference) == {"pasted_model_update", "pasted_planning"}
    pasted = pasted_questions(name)
    assert pasted, f"{name} builds on the student's earlier functions"
    for question, cells in pasted.items():
        assert cells == reference[question], f"{question} in {name} differs from 04_shortcut"


def test_questions_have_the_contract_names_and_points():
    names = {name: [q for q, _, _ in masters.questions(name)] for name in masters.NOTEBOOKS}
    assert "dyna_q_model_update" in names["01_model_update"]
    assert "dyna_q_planning" in names["02_planning"]
    for name in masters.NOTEBOOKS[2:]:
        graded = [q for q, points, manual in masters.questions(name) if points and not manual]
        manual = [q for q, points, is_manual in masters.questions(name) if is_manual]
        assert graded and manual, f"{name} has graded work and a written question of its own"


@pytest.mark.parametrize("name", masters.NOTEBOOKS)
def test_masters_hold_no_control_characters(name):
    """A LaTeX command such as \\approx written in a plain Python string loses its
    backslash (\\a is a bell character) and shows up broken in the notebook."""
    for cell in nbformat.read(masters.master_path(name), as_version=4).cells:
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell.source), cell.source[:80]
