"""Reading the instructor master notebooks in solutions/ (Otter Assign format).

- `walk(notebook)`: the one walker over a master's cells, saying for each which
  question and which part of it (solution, tests) the cell belongs to.
- `expanded(name)`: the master as the build sees it. Two kinds of marker cells are
  filled in, as nbgrader's header/footer preprocessor inserts shared cells:
  `# PASTED QUESTION` (config `function: <name>`) becomes the function's question from
  its home notebook, renamed `pasted_...`, worth no points, public tests only; and
  `# HIDDEN CHECKS` (in a question's tests) becomes one hidden test per check of
  `CHECKS[<question>]` in the function's hidden module, worth the check's points.
  The assignment config's `autograder_files` gets the hidden modules the notebook needs.
  A written question's `# RUBRIC` cell is left out: it is for graders only
  (`written_questions`), never built into anything students get.
- `questions`, `solution_source`, `load_reference_functions`, `hidden_modules`: what
  the other tools read from the expanded masters.
"""

import ast
import copy
import functools
import importlib
import pathlib
import sys
import threading
import types
from dataclasses import dataclass

import nbformat
import numpy as np

from . import course

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
HIDDEN = ROOT / "autograder" / "hidden"
CHECK_KIT = "check_kit"
_PARSE_LOCK = threading.Lock()


def master_path(name):
    """Path of the master notebook `name` (e.g. '02_planning')."""
    return SOLUTIONS / f"{name}.ipynb"


def markup_config(source):
    """The YAML config of an Otter markup cell: what follows the marker line of a
    `# BEGIN QUESTION` raw cell or of a test cell's `# BEGIN TEST CONFIG` block."""
    import yaml

    return yaml.safe_load(source.split("\n", 1)[1].split('""" # END TEST CONFIG')[0]) or {}


# --- the walker -------------------------------------------------------------------

MARKUP = ("ASSIGNMENT CONFIG", "BEGIN QUESTION", "END QUESTION", "BEGIN SOLUTION",
          "END SOLUTION", "BEGIN TESTS", "END TESTS", "PASTED QUESTION", "HIDDEN CHECKS",
          "RUBRIC")
TEST_CONFIG = '""" # BEGIN TEST CONFIG'


@dataclass
class Place:
    """A cell of a master and where it stands.

    `markup` names an Otter (or course) markup raw cell ("BEGIN QUESTION", ...), else
    None; `question` is the config of the question the cell is in (None outside one);
    `part` is "SOLUTION" or "TESTS" inside those blocks, else None.
    """
    cell: object
    markup: object
    question: object
    part: object

    @property
    def config(self):
        """The YAML config of a markup cell or of a test cell."""
        return markup_config(self.cell.source.strip())

    @property
    def is_test(self):
        return self.part == "TESTS" and self.cell.cell_type == "code" \
            and self.cell.source.startswith(TEST_CONFIG)


def markup_of(cell):
    """The markup a raw cell holds ("BEGIN QUESTION", ...), or None."""
    if cell.cell_type != "raw":
        return None
    first = cell.source.strip().split("\n", 1)[0]
    return first[2:] if first.startswith("# ") and first[2:] in MARKUP else None


def walk(notebook):
    """Every cell of `notebook` as a Place, in order. Unknown raw markup is an error."""
    question, part = None, None
    for cell in notebook.cells:
        markup = markup_of(cell)
        if cell.cell_type == "raw" and markup is None:
            raise ValueError(f"unknown markup cell {cell.source[:40]!r}")
        if markup == "BEGIN QUESTION":
            question, part = markup_config(cell.source.strip()), None
        elif markup in ("BEGIN SOLUTION", "BEGIN TESTS"):
            part = markup.split()[-1]
        elif markup in ("END SOLUTION", "END TESTS"):
            part = None
        yield Place(cell, markup, question, part)
        if markup == "END QUESTION":
            question = None


def question_cells(notebook, name):
    """The cells of question `name`, from its BEGIN QUESTION to its END QUESTION."""
    cells = [place.cell for place in walk(notebook)
             if place.question is not None and place.question["name"] == name]
    if not cells:
        raise LookupError(f"no question {name!r}")
    return cells


# --- the masters as the build sees them ----------------------------------------------

def read_master(name):
    """Master `name` as written, markers not filled in."""
    return nbformat.read(master_path(name), as_version=4)


@functools.lru_cache(maxsize=None)
def check_module(name):
    """The hidden check module `name` (autograder/hidden/<name>.py), imported as the
    grader imports it: by its plain name, the hidden folder first on the path."""
    if str(HIDDEN) not in sys.path:
        sys.path.insert(0, str(HIDDEN))
    return importlib.import_module(name)


def _new_cell(kind, source):
    """A new cell as the masters hold them (nbformat 4.4: cells have no id)."""
    cell = getattr(nbformat.v4, f"new_{kind}_cell")(source)
    cell.pop("id", None)
    return cell


def pasted_question(function):
    """Cells of the question asking to paste `function` (a course.Function) again: its
    home question renamed, worth no points, with its public tests only."""
    cells = [_new_cell("raw", f"# BEGIN QUESTION\nname: {function.pasted_as}\npoints: 0")]
    for place in walk(read_master(function.notebook)):
        if place.question is None or place.question["name"] != function.name \
                or place.markup in ("BEGIN QUESTION", "HIDDEN CHECKS"):
            continue
        if place.is_test:
            if place.config.get("hidden"):
                continue
            cell = copy.deepcopy(place.cell)
            cell.source = "\n".join(line for line in cell.source.split("\n")
                                    if not line.startswith("points:"))
            cells.append(cell)
        else:
            cells.append(copy.deepcopy(place.cell))
    return cells


def hidden_test_cells(function):
    """One hidden Otter test cell per check of `function` (a course.Function), its
    docstring the check's description in plain words."""
    module = function.checks
    return [_new_cell(
        "code", f'{TEST_CONFIG}\nhidden: true\npoints: {float(check.points)!r}\n""" # END TEST CONFIG\n'
        f"def test_{check.name}({function.name}):\n"
        f'    """{check.description}"""\n'
        f"    import {CHECK_KIT}, {module}\n"
        f"    {CHECK_KIT}.assert_passes({module}.CHECKS, {function.name!r}, {check.name!r}, "
        f"{function.name})")
        for check in check_module(module).CHECKS[function.name]]


@functools.lru_cache(maxsize=None)
def _hidden_imports(module):
    """The hidden modules that hidden module `module` imports (cached: the build expands
    masters in threads, and Python 3.11's parser must not run in two threads at once)."""
    with _PARSE_LOCK:
        tree = ast.parse((HIDDEN / f"{module}.py").read_text())
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names]
    names += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    return tuple(name for name in names if (HIDDEN / f"{name}.py").is_file())


def hidden_modules(name):
    """Paths of the hidden modules notebook `name` ships: the check kit, the modules of
    the functions it grades, and the hidden modules those import."""
    wanted = [CHECK_KIT] + [f.checks for f in course.graded_in(name)]
    found = []
    while wanted:
        module = wanted.pop(0)
        if module not in found:
            found.append(module)
            wanted += _hidden_imports(module)
    return [HIDDEN / f"{module}.py" for module in sorted(found)]


def _with_hidden_modules(source, name):
    """An ASSIGNMENT CONFIG cell's source with the notebook's hidden modules added to
    `autograder_files`."""
    lines = source.split("\n")
    at = lines.index("autograder_files:") + 1
    return "\n".join(lines[:at] + [f"  - {path.name}" for path in hidden_modules(name)]
                     + lines[at:])


def expanded(name):
    """Master `name` with its markers filled in (see the module docstring)."""
    notebook = read_master(name)
    cells = []
    for place in walk(notebook):
        if place.markup == "ASSIGNMENT CONFIG":
            place.cell.source = _with_hidden_modules(place.cell.source, name)
            cells.append(place.cell)
        elif place.markup == "PASTED QUESTION":
            cells += pasted_question(course.function(place.config["function"]))
        elif place.markup == "HIDDEN CHECKS":
            cells += hidden_test_cells(course.function(place.question["name"]))
        elif place.markup != "RUBRIC":  # for the graders only: see written_questions
            cells.append(place.cell)
    notebook.cells = cells
    return notebook


@dataclass
class WrittenQuestion:
    """A question graded by hand: its text, the master's model answer and rubric (Markdown)."""
    notebook: str
    name: str
    points: float
    text: str
    model_answer: str
    rubric: str


def written_questions(name):
    """The written (manual) questions of master `name`, in order."""
    found = {}
    for place in walk(read_master(name)):
        question = place.question
        if question is None or not question.get("manual") or place.markup not in (None, "RUBRIC"):
            continue
        entry = found.setdefault(question["name"], WrittenQuestion(
            name, question["name"], float(question.get("points", 0)), "", "", ""))
        if place.markup == "RUBRIC":
            entry.rubric = place.cell.source.split("\n", 1)[1].strip()
        elif place.part == "SOLUTION":
            entry.model_answer = place.cell.source.strip()
        else:
            entry.text = (entry.text + "\n\n" + place.cell.source.strip()).strip()
    return list(found.values())


def assignment_config(name):
    """The `# ASSIGNMENT CONFIG` of master `name`, hidden modules included."""
    return markup_config(expanded(name).cells[0].source)


def questions(name):
    """The questions of master `name` in order: `(question, max_points, manual)`.

    A question without declared points is worth the sum of its test cases' points.
    Read once per version of the master file (a batch asks for them per submission).
    """
    return _questions(name, master_path(name).stat().st_mtime_ns)


@functools.lru_cache(maxsize=None)
def _questions(name, version):
    """`questions(name)` of the master file as it was at `version` (its mtime)."""
    found = {}
    for place in walk(expanded(name)):
        if place.markup == "BEGIN QUESTION":
            found[place.question["name"]] = [place.question, 0.0]
        elif place.is_test:
            found[place.question["name"]][1] += place.config.get("points", 0) or 0
    return tuple((question["name"], float(cases if question.get("points") is None else question["points"]),
                  bool(question.get("manual", False))) for question, cases in found.values())


def solution_source(name, function):
    """Source of the first code cell of master `name` (pasted questions filled in) that
    defines `function`."""
    for notebook in (read_master(name), expanded(name)):
        for cell in notebook.cells:
            if cell.cell_type == "code" and f"def {function}(" in cell.source:
                return cell.source
    raise LookupError(f"no cell defining {function} in {master_path(name)}")


def reference_sources():
    """The master solutions of every function a student writes, as source code."""
    return {f.name: solution_source(f.notebook, f.name) for f in course.FUNCTIONS}


def load_reference_functions():
    """The masters' solutions of the two core graded functions, ready to call.

    Returns a namespace with `model_update` and `planning`.
    """
    from helpers import q_learning

    namespace = {"np": np, "q_learning": q_learning}
    sources = reference_sources()
    exec(sources["dyna_q_model_update"], namespace)
    exec(sources["dyna_q_planning"], namespace)
    return types.SimpleNamespace(model_update=namespace["dyna_q_model_update"],
                                 planning=namespace["dyna_q_planning"])
