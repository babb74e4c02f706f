"""The build: otter assign passes on every master, generated files match the masters,
and the student notebooks hold no solution and no hidden test."""

import ast
import filecmp
import math
import re

import nbformat
import numpy as np
import pytest

from autograder import build, course, masters
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
    for cell in masters.expanded(name).cells:
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


@pytest.mark.parametrize("name", course.NOTEBOOKS)
def test_student_notebook_holds_no_solution_code(name):
    student = (ROOT / "notebooks" / f"{name}.ipynb").read_text()
    code = "\n".join(c.source for c in nbformat.reads(student, as_version=4).cells
                     if c.cell_type == "code")
    leaked = [line for line in solution_lines(name) if len(line) > 12 and line in code]
    assert not leaked
    assert "BEGIN SOLUTION" not in student and "# SOLUTION" not in student


@pytest.mark.parametrize("name", course.NOTEBOOKS)
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


@pytest.mark.parametrize("name", course.NOTEBOOKS)
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
        "ucb_score": lambda f: f(1.0, 2, 4, 0.5),
    }


@pytest.mark.parametrize("name", course.NOTEBOOKS)
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
            assert not any(module.stem in text for module in masters.HIDDEN.glob("*.py")), \
                f"{path} mentions the hidden checks"
    assert not list((ROOT / "notebooks").rglob("*.zip"))


def test_every_hidden_check_is_a_hidden_test_with_its_points():
    """The build turns each check of a graded function into one hidden test with the
    check's points, and the notebook ships the module that holds it."""
    for function in course.FUNCTIONS:
        hidden = {}
        for place in masters.walk(masters.expanded(function.notebook)):
            if place.is_test and place.question["name"] == function.name and place.config.get("hidden"):
                name = re.search(r"def test_(\w+)\(", place.cell.source).group(1)
                hidden[name] = place.config["points"]
        checks = masters.check_module(function.checks).CHECKS[function.name]
        assert hidden == {check.name: check.points for check in checks}, function.name
        assert masters.HIDDEN / f"{function.checks}.py" in masters.hidden_modules(function.notebook)


def test_hidden_tests_of_the_zips_pass_for_the_reference_and_fail_for_a_stub():
    """A generated hidden test runs its check: the master's solution passes, a stub fails."""
    function = course.function("first_settled_episode")
    [test] = [place.cell.source for place in masters.walk(masters.expanded(function.notebook))
              if place.is_test and place.question["name"] == function.name
              and place.config.get("hidden")][:1]
    namespace = {}
    exec(test.split('""" # END TEST CONFIG', 1)[1], namespace)
    [run] = [value for key, value in namespace.items() if key.startswith("test_")]
    reference = {"np": np}
    exec(masters.reference_sources()[function.name], reference)
    run(reference[function.name])
    with pytest.raises(AssertionError):
        run(lambda steps, limit: 0)


def pasted_blocks(name):
    """{question: its cells} for the pasted questions of student notebook `name`: from the
    cell defining the function to its `grader.check("pasted_...")` cell."""
    found, current = {}, []
    for cell in nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells:
        if cell.cell_type == "code" and cell.source.startswith("def "):
            current = []
        current.append((cell.cell_type, cell.source))
        if cell.source.startswith('grader.check("pasted_'):
            found[cell.source.split('"')[1]], current = current, []
    return found


@pytest.mark.parametrize("name", course.NOTEBOOKS[1:])
def test_pasted_questions_are_the_same_in_every_student_notebook(name):
    """Students paste the same functions everywhere, checked by the same public tests."""
    reference = pasted_blocks("04_shortcut")
    assert set(reference) == {"pasted_model_update", "pasted_planning"}
    pasted = pasted_blocks(name)
    assert pasted, f"{name} builds on the student's earlier functions"
    for question, cells in pasted.items():
        assert cells == reference[question], f"{question} in {name} differs from 04_shortcut"


def test_questions_have_the_contract_names_and_points():
    names = {name: [q for q, _, _ in masters.questions(name)] for name in course.NOTEBOOKS}
    assert "dyna_q_model_update" in names["01_model_update"]
    assert "dyna_q_planning" in names["02_planning"]
    for name in course.NOTEBOOKS[2:]:
        graded = [q for q, points, manual in masters.questions(name) if points and not manual]
        manual = [q for q, points, is_manual in masters.questions(name) if is_manual]
        assert graded and manual, f"{name} has graded work and a written question of its own"


@pytest.mark.parametrize("name", course.NOTEBOOKS)
def test_masters_hold_no_control_characters(name):
    """A LaTeX command such as \\approx written in a plain Python string loses its
    backslash (\\a is a bell character) and shows up broken in the notebook."""
    for cell in nbformat.read(masters.master_path(name), as_version=4).cells:
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell.source), cell.source[:80]


def test_a_function_the_course_does_not_have_is_named_with_the_ones_it_has():
    with pytest.raises(LookupError, match="no graded function 'dyna_q_planing' in the course: "
                                          "it has dyna_q_model_update, dyna_q_planning, "):
        course.function("dyna_q_planing")


def test_otter_assign_stops_reading_logs_at_a_record_cut_short():
    """Otter's own log receiver spins for ever on a connection closed inside a record,
    which hung a build; the course's `otter assign` stops there, after the whole records."""
    import pickle
    import socket
    import struct
    import threading
    from autograder import otter_assign

    def record(message):
        body = pickle.dumps({"msg": message, "levelno": 40, "name": "otter.test"})
        return struct.pack(">L", len(body)) + body

    ours, theirs = socket.socketpair()
    theirs.sendall(record("whole") + record("cut")[:-5])
    theirs.close()
    handled = []
    handler = type("Handler", (), {"connection": ours, "unpickle": lambda self, b: pickle.loads(b),
                                   "handle_log_record": lambda self, r: handled.append(r.msg)})()
    reader = threading.Thread(target=otter_assign.handle, args=(handler,), daemon=True)
    reader.start()
    reader.join(5)
    assert not reader.is_alive() and handled == ["whole"]
