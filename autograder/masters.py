"""Reading the instructor master notebooks in solutions/: where they are, which
notebooks exist, and the reference solutions they hold."""

import pathlib
import types

import nbformat
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
HIDDEN = ROOT / "autograder" / "hidden"
CORE_NOTEBOOKS = ("01_model_update", "02_planning", "03_how_much_to_plan", "04_shortcut")
BONUS_NOTEBOOKS = ("05_q_planning_and_sample_models", "06_dyna_q_plus", "07_prioritized_sweeping",
                   "08_decision_time_planning")
NOTEBOOKS = CORE_NOTEBOOKS + BONUS_NOTEBOOKS


def master_path(name):
    """Path of the master notebook `name` (e.g. '02_planning')."""
    return SOLUTIONS / f"{name}.ipynb"


def solution_source(name, function):
    """Source of the first code cell of master `name` that defines `function`."""
    notebook = nbformat.read(master_path(name), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and f"def {function}(" in cell.source:
            return cell.source
    raise LookupError(f"no cell defining {function} in {master_path(name)}")


def load_reference_functions():
    """The masters' solutions of the two graded functions, ready to call.

    Returns a namespace with `model_update` and `planning`.
    """
    from helpers import q_learning

    namespace = {"np": np, "q_learning": q_learning}
    exec(solution_source("01_model_update", "dyna_q_model_update"), namespace)
    exec(solution_source("02_planning", "dyna_q_planning"), namespace)
    return types.SimpleNamespace(model_update=namespace["dyna_q_model_update"],
                                 planning=namespace["dyna_q_planning"])


def markup_config(source):
    """The YAML config of an Otter markup cell: what follows the marker line of a
    `# BEGIN QUESTION` raw cell or of a test cell's `# BEGIN TEST CONFIG` block."""
    import yaml

    return yaml.safe_load(source.split("\n", 1)[1].split('""" # END TEST CONFIG')[0]) or {}


def hidden_modules(config):
    """The hidden check modules (paths in autograder/hidden/) that a master's assignment
    `config` ships: its `autograder_files` that are such modules."""
    return [HIDDEN / f for f in config.get("autograder_files", []) if (HIDDEN / f).is_file()]


def assignment_config(name):
    """The `# ASSIGNMENT CONFIG` of master `name` (its first cell)."""
    return markup_config(nbformat.read(master_path(name), as_version=4).cells[0].source)


def questions(name):
    """The questions of master `name` in order: `(question, max_points, manual)`.

    A question without declared points is worth the sum of its test cases' points.
    """
    found = []
    for cell in nbformat.read(master_path(name), as_version=4).cells:
        source = cell.source.strip()
        if cell.cell_type == "raw" and source.startswith("# BEGIN QUESTION"):
            config = markup_config(source)
            found.append({"name": config["name"], "declared": config.get("points"),
                          "cases": 0.0, "manual": bool(config.get("manual", False))})
        elif cell.cell_type == "code" and source.startswith('""" # BEGIN TEST CONFIG'):
            config = markup_config(source)
            found[-1]["cases"] += config.get("points", 0) or 0
    return [(q["name"], float(q["cases"] if q["declared"] is None else q["declared"]), q["manual"])
            for q in found]
