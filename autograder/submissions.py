"""Make submissions the way a student would: take a student notebook from notebooks/
and replace the answer cells that define given functions with other code.

Used by the tests (the corpus of correct and buggy submissions) and to write the
example submissions that `make` grades.
"""

import pathlib

import nbformat

from .course import NOTEBOOKS
from .masters import ROOT, reference_sources

STUDENT_NOTEBOOKS = ROOT / "notebooks"

def fill_notebook(name, sources, notebooks=STUDENT_NOTEBOOKS):
    """Student notebook `name` (from folder `notebooks`) with every cell defining a
    function in `sources` replaced by that source; returns the notebook."""
    notebook = nbformat.read(pathlib.Path(notebooks) / f"{name}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for function, source in sources.items():
            if f"def {function}(" in cell.source:
                cell.source = source
    return notebook


def write_submission(folder, student, name, sources, notebooks=STUDENT_NOTEBOOKS):
    """Write `folder/student/name.ipynb` filled with `sources`; return its path."""
    path = pathlib.Path(folder) / student / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(fill_notebook(name, sources, notebooks), path)
    return path


def write_correct_submissions(folder, student, notebooks=STUDENT_NOTEBOOKS, names=NOTEBOOKS):
    """Correct notebooks `names` (by default every course notebook) for `student`."""
    sources = reference_sources()
    return [write_submission(folder, student, name, sources, notebooks) for name in names]


EXAMPLE_BUGS = {
    "dyna_q_model_update": '''
def dyna_q_model_update(model, state, action, reward, next_state):
    if np.isnan(model[state, action, 0]):   # bug: keeps the first observation only
        model[state, action] = reward, next_state
    return model
''',
    "dyna_q_planning": '''
def dyna_q_planning(model, value, params):
    candidates = np.argwhere(~np.isnan(model[:, :, 0]))
    for _ in range(params["k"]):
        state, action = candidates[np.random.randint(len(candidates))]
        reward, next_state = model[state, action]
        # bug: forgets the discount (gamma) when learning from the model
        value = q_learning(state, action, reward, next_state, value, {**params, "gamma": 1.0})
    return value
''',
}


def write_examples(folder, notebooks=STUDENT_NOTEBOOKS):
    """The example batch that `make` grades: a correct student (alice), one with two
    classic bugs (bob) and one whose files cannot be graded (carol)."""
    folder = pathlib.Path(folder)
    write_correct_submissions(folder, "alice", notebooks)
    buggy = {**reference_sources(), **EXAMPLE_BUGS}
    for name in NOTEBOOKS:
        write_submission(folder, "bob", name, buggy, notebooks)
    (folder / "carol").mkdir(parents=True, exist_ok=True)
    (folder / "carol" / "02_planning.ipynb").write_text('{"cells": [  (a truncated upload)')
    nbformat.write(fill_notebook("04_shortcut", reference_sources(), notebooks),
                   folder / "carol" / "03_how_much_to_plan.ipynb")
