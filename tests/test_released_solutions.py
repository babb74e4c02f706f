"""`make release OUT=<dir> SOLUTIONS=<notebook>,...` adds the reference solutions of the
notebooks named and nothing else: no other file changes, no solution of a function another
notebook teaches, no model answer of another notebook, no hidden test or Otter markup."""

import pathlib
import subprocess

import nbformat
import numpy as np
import pytest

from autograder.course import FUNCTIONS, NOTEBOOKS, function
from autograder.masters import solution_source
from autograder.release import notebook_names
from autograder.solution_notebooks import model_answers, solution_code
from conftest import ROOT
from helpers import q_learning

NAMED = ("02_planning", "07_prioritized_sweeping")


def make_release(out, *options):
    return subprocess.run(["make", "-s", "release", f"OUT={out}", *options], cwd=ROOT,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    base = tmp_path_factory.mktemp("releases")
    assert make_release(base / "plain").returncode == 0
    assert make_release(base / "named", f"SOLUTIONS={NAMED[1]},{NAMED[0]}").returncode == 0
    return base / "plain", base / "named"


def files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def given_lines():
    """Every line of code the student notebooks already show."""
    return {line.strip() for name in NOTEBOOKS for line in code_of(nbformat.read(
        ROOT / "notebooks" / f"{name}.ipynb", as_version=4)).splitlines()}


def solved_lines(name):
    """The lines only the solution of function `name` holds: not comments, nor code that
    a student notebook shows anyway."""
    source = solution_source(function(name).notebook, name)
    solution = source.split("# BEGIN SOLUTION NO PROMPT")[1].split("# END SOLUTION")[0]
    return {line.strip() for line in solution.splitlines()
            if len(line.strip()) > 12 and not line.strip().startswith("#")} - given_lines()


def code_of(notebook):
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


def test_only_the_named_solutions_are_added(releases):
    plain, named = files(releases[0]), files(releases[1])
    added = {path for path in named if path not in plain}
    assert added == {pathlib.Path("solutions", f"{name}.ipynb") for name in NAMED}
    assert set(plain) <= set(named)
    changed = [path for path in plain if plain[path] != named[path]]
    assert sorted(changed) == [pathlib.Path(".release-manifest"), pathlib.Path("COURSE.md")]
    assert all(f"solutions/{name}.ipynb" in named[pathlib.Path("COURSE.md")].decode()
               for name in NAMED)


@pytest.mark.parametrize("name", NAMED)
def test_a_released_solution_solves_its_own_exercises_only(releases, name):
    notebook = nbformat.read(releases[1] / "solutions" / f"{name}.ipynb", as_version=4)
    code, text = code_of(notebook), (releases[1] / "solutions" / f"{name}.ipynb").read_text()
    own = [taught.name for taught in FUNCTIONS if taught.notebook == name]
    own_lines = set().union(*(solved_lines(own_function) for own_function in own))
    assert own and all(line in code for line in own_lines)
    for other in FUNCTIONS:
        if other.notebook != name:
            leaked = [line for line in solved_lines(other.name) - own_lines if line in code]
            assert leaked == [], f"{other.name}, taught in {other.notebook}, leaked into {name}"
    pasted = [cell.source for cell in notebook.cells if cell.cell_type == "code"
              and "def dyna_q_model_update(" in cell.source]
    assert all("raise NotImplementedError" in source for source in pasted)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN PROMPT", "# BEGIN QUESTION",
                   "hidden: true", "hidden=True", "_checks", "BEGIN TEST"):
        assert marker not in text, marker


@pytest.mark.parametrize("name", NAMED)
def test_a_released_solution_answers_its_own_written_questions_only(releases, name):
    text = nbformat.read(releases[1] / "solutions" / f"{name}.ipynb", as_version=4)
    markdown = "\n".join(cell.source for cell in text.cells if cell.cell_type == "markdown")
    for other in NOTEBOOKS:
        for answer in model_answers(other):
            assert (answer in markdown) == (other == name), other
    assert "Type your answer here" not in markdown


def test_released_solution_code_earns_every_hidden_point():
    import importlib

    import check_kit

    namespace = {"np": np, "q_learning": q_learning}
    for name in ("dyna_q_planning", "priority", "predecessors"):
        taught = function(name)
        exec(solution_code(solution_source(taught.notebook, name)), namespace)
        checks = importlib.import_module(taught.checks).CHECKS[name]
        results = check_kit.run_checks(checks, namespace[name])
        assert [message for _, points, earned, message in results if earned != points] == []


def test_an_unknown_notebook_is_refused_and_nothing_is_written(tmp_path):
    result = make_release(tmp_path / "out", "SOLUTIONS=02_planning,03_how_much")
    assert result.returncode != 0 and "unknown notebook(s) 03_how_much" in result.stderr
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match="the notebooks are 01_model_update"):
        notebook_names("99_nothing")
    assert notebook_names(" 04_shortcut,01_model_update ,") == ["01_model_update", "04_shortcut"]
