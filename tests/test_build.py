"""The build: otter assign passes on every master, generated files match the masters,
and the student notebooks hold no solution and no hidden test."""

import ast
import filecmp
import importlib
import math
import re

import nbformat
import numpy as np
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


def scaffolds(name):
    """`{function: source}` of the student notebook's answer cells that have blanks."""
    notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    found = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and "otter_answer_cell" in cell.metadata.get("tags", []):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef) and "..." in ast.get_source_segment(cell.source, node):
                    found[node.name] = cell.source
    return found


@pytest.mark.parametrize("name", masters.NOTEBOOKS)
def test_no_blank_of_a_scaffold_is_a_statement_of_its_own(name):
    """A line left as `...` (or `return ...`) runs without complaint once the `raise` is
    deleted; a blank must sit where leaving it raises: an argument, an operand, a value
    to unpack."""
    for function, source in scaffolds(name).items():
        silent = [node.lineno for node in ast.walk(ast.parse(source))
                  if isinstance(node, (ast.Expr, ast.Return))
                  and isinstance(node.value, ast.Constant) and node.value.value is Ellipsis]
        assert silent == [], f"{function}: a bare `...` on lines {silent}"


def _examples():
    """One valid call of each scaffolded function, on a 3-state, 2-action world."""
    params = {"epsilon": 0.05, "alpha": 0.5, "gamma": 0.8, "k": 2, "kappa": 0.1}
    model = np.full((3, 2, 2), np.nan)
    model[0, 1] = (0.0, 2.0)
    counts = np.zeros((3, 2, 4, 2))
    counts[0, 1, 2] = (1.0, 0.0)
    value = np.ones((3, 2))
    return {
        "dyna_q_model_update": lambda f: f(np.full((3, 2, 2), np.nan), 0, 1, -1.0, 2),
        "dyna_q_planning": lambda f: f(model, value, params),
        "sample_model_update": lambda f: f(np.zeros((3, 2, 4, 2)), 0, 1, -1.0, 2),
        "sample_model_planning": lambda f: f(counts, value, params),
        "dyna_q_plus_planning": lambda f: f(model, value, np.zeros((3, 2)), params),
        "priority": lambda f: f(model, value, 0, 1, params),
        "predecessors": lambda f: f(model, 2),
        "rollout_return": lambda f: f(model, 0, [1, 0], 0.8, np.zeros(3)),
    }


@pytest.mark.parametrize("name", masters.NOTEBOOKS)
def test_a_scaffold_left_blank_raises_once_its_raise_line_is_deleted(name):
    from helpers import q_learning

    examples = _examples()
    for function, source in scaffolds(name).items():
        namespace = {"np": np, "math": math, "q_learning": q_learning}
        exec("\n".join(line for line in source.splitlines()
                       if "raise NotImplementedError" not in line), namespace)
        with pytest.raises(Exception):
            examples[function](namespace[function])


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
