"""Make submissions the way a student would: take a student notebook from notebooks/
and replace the answer cells that define given functions with other code.

Used by the tests (the corpus of correct and buggy submissions) and to write the
example submissions that `make` grades.
"""

import pathlib

import nbformat

from .masters import NOTEBOOKS, ROOT, solution_source

STUDENT_NOTEBOOKS = ROOT / "notebooks"

# Where each function is first written; later notebooks paste it again.
FUNCTION_HOME = {
    "dyna_q_model_update": "01_model_update",
    "dyna_q_planning": "02_planning",
    "first_episode_within": "03_how_much_to_plan",
    "planning_updates": "03_how_much_to_plan",
    "episodes_to_exploit": "04_shortcut",
}


def reference_sources():
    """The master solutions of every function a student writes, as source code."""
    return {function: solution_source(home, function) for function, home in FUNCTION_HOME.items()}


def fill_notebook(name, sources):
    """Student notebook `name` with every cell defining a function in `sources`
    replaced by that source; returns the notebook."""
    notebook = nbformat.read(STUDENT_NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for function, source in sources.items():
            if f"def {function}(" in cell.source:
                cell.source = source
    return notebook


def write_submission(folder, student, name, sources):
    """Write `folder/student/name.ipynb` filled with `sources`; return its path."""
    path = pathlib.Path(folder) / student / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(fill_notebook(name, sources), path)
    return path


def write_correct_submissions(folder, student):
    """A full set of four correct notebooks for `student`."""
    sources = reference_sources()
    return [write_submission(folder, student, name, sources) for name in NOTEBOOKS]
