"""Run a student notebook as a student would, with the reference answers filled in, and
keep what it computed: its outputs and the values of its variables.

Shared by the student-experience test (every cell runs, every public check passes) and
the claims test (what the prose says about results is what the code computes), so each
notebook's experiments run once per test session.
"""

import pathlib
import pickle

import nbformat
from nbclient import NotebookClient

from autograder.masters import reference_sources
from autograder.submissions import fill_notebook

# The last cell: keep every variable that can leave the kernel as plain data (numbers,
# arrays, containers, the helpers' own objects). Any other object (a planner holding the
# notebook's functions, say) is kept as its public attributes that can; figures, widgets
# and Otter are left behind.
SAVE_VARIABLES = '''
import pickle as _pickle
import types as _types


def _portable(value):
    if type(value).__module__.split(".")[0] not in ("builtins", "numpy", "collections", "helpers"):
        return False
    try:
        return b"__main__" not in _pickle.dumps(value)
    except Exception:
        return False


_saved = {}
for _name, _value in list(globals().items()):
    if _name.startswith("_") or _name in ("In", "Out") or isinstance(
            _value, (_types.ModuleType, type, _types.FunctionType, _types.BuiltinFunctionType)):
        continue
    if _portable(_value):
        _saved[_name] = _value
    elif hasattr(_value, "__dict__") and not type(_value).__module__.startswith(
            ("matplotlib", "ipywidgets", "otter", "IPython")):
        _saved[_name] = {key: item for key, item in vars(_value).items()
                         if not key.startswith("_") and _portable(item)}
with open(_path, "wb") as _file:
    _pickle.dump(_saved, _file)
'''


def run_filled_notebook(name, folder, sources=None, label="reference"):
    """Run student notebook `name` in `folder` (a copy of notebooks/) with answers pasted
    in: `sources` ({function: source}) over the reference answers. Returns `(notebook
    with its outputs, {variable: value})`."""
    notebook = fill_notebook(name, {**reference_sources(), **(sources or {})}, folder)
    saved = folder / f".{name}.{label}.variables.pickle"
    cell = nbformat.v4.new_code_cell(f"_path = {str(saved)!r}\n{SAVE_VARIABLES}")
    notebook.cells.append(cell)
    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    notebook.cells.remove(cell)
    if cell.outputs:
        raise RuntimeError(f"{name}: saving the variables failed: {cell.outputs}")
    with open(saved, "rb") as file:
        return notebook, pickle.load(file)


# Cells that check, start Otter or show widgets: left out of an in-process run
SKIPPED_IN_PROCESS = ("grader.check", "otter.Notebook", "helpers.widgets")


def run_experiments_in_process(name, sources, changes=()):
    """The variables of student notebook `name` with `sources` ({function: source}) pasted
    over the reference answers, its code cells run in this process: only those that
    compute (no checks, no widgets, no kernel), and its variables kept as
    `run_filled_notebook` keeps them. `changes` are `(old, new)` replacements made in the
    cells' code (a smaller experiment, say)."""
    import tempfile

    import matplotlib.pyplot as plt
    from IPython.core.inputtransformer2 import TransformerManager

    notebook = fill_notebook(name, {**reference_sources(), **sources})
    namespace = {"__name__": "__main__"}
    with tempfile.TemporaryDirectory() as folder:
        saved = pathlib.Path(folder) / "variables.pickle"
        save = nbformat.v4.new_code_cell(f"_path = {str(saved)!r}\n{SAVE_VARIABLES}")
        for cell in notebook.cells + [save]:
            if cell.cell_type != "code" or any(word in cell.source for word in SKIPPED_IN_PROCESS):
                continue
            code = cell.source
            for old, new in changes:
                code = code.replace(old, new)
            exec(TransformerManager().transform_cell(code), namespace)
            plt.close("all")
        with open(saved, "rb") as file:
            return pickle.load(file)
