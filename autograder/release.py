"""Write the student release: the student notebooks with their public tests and the
`helpers` package (installable, carrying the public tests for Colab), ready to push to
a public repository. Nothing else: no masters, no hidden checks, no autograder zips.

On request, after a notebook's deadline, it also holds that notebook's reference solution
(`solutions/<notebook>.ipynb`, see `autograder.solution_notebooks`), for students who need
an earlier function to go on: only for the notebooks named.

Run with `python -m autograder.release OUT [--solutions NAME,...]`
(`make release OUT=<dir> SOLUTIONS=<notebook>,...`).
"""

import argparse
import pathlib
import shutil

import nbformat

from .masters import NOTEBOOKS, ROOT
from .solution_notebooks import solution_notebook

STUDENT_README = """\
# Model-based reinforcement learning with Dyna-Q: student notebooks

Four notebooks in `notebooks/`, to be done in order:

1. `01_model_update.ipynb`: a world model and `dyna_q_model_update`
2. `02_planning.ipynb`: planning with `dyna_q_planning`
3. `03_how_much_to_plan.ipynb`: how much planning is worth
4. `04_shortcut.ipynb`: when the world changes

Then bonus notebooks, in any order, once the first four work:

5. `05_q_planning_and_sample_models.ipynb`: planning without acting, and a model for a
   slippery world
6. `06_dyna_q_plus.ipynb`: an exploration bonus for a world that changes
7. `07_prioritized_sweeping.ipynb`: choosing what to plan
8. `08_decision_time_planning.ipynb`: planning at each step (random shooting, tree search)

To work locally, run `pip install . otter-grader==7.0.0` in this folder, then open the
notebooks in JupyterLab. Run the setup cell first, fill in every `TODO` (replace each
`...` and delete the `raise NotImplementedError` line), and run the `grader.check(...)`
cells: they catch common mistakes. Hidden tests check more when you submit.

Submit each notebook as its `.ipynb` file, keeping its file name.
"""

SOLUTIONS_README = """
Reference solutions released by your instructor, in `solutions/`:

{names}

Each one solves that notebook's own exercises and answers its written questions. Paste a
function from there into a later notebook if yours still fails its checks.
"""


def _ignore(folder, names):
    return [n for n in names if n in ("__pycache__", ".ipynb_checkpoints", ".OTTER_LOG")
            or n.endswith(".pyc")]


def solution_names(text):
    """The notebooks named in `text` ("01_model_update,02_planning"), in course order;
    ValueError for a name that is not a course notebook."""
    names = {name.strip() for name in text.split(",") if name.strip()}
    unknown = sorted(names - set(NOTEBOOKS))
    if unknown:
        raise ValueError(f"unknown notebook(s) {', '.join(unknown)}; the notebooks are "
                         f"{', '.join(NOTEBOOKS)}")
    return [name for name in NOTEBOOKS if name in names]


def write_release(out, solutions=()):
    """Write the release tree at `out` (replacing it), with the reference solutions of
    the notebooks named in `solutions`; return its path."""
    out = pathlib.Path(out)
    solutions = solution_names(",".join(solutions))
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copytree(ROOT / "notebooks", out / "notebooks", ignore=_ignore)
    shutil.copytree(ROOT / "helpers", out / "helpers", ignore=_ignore)
    # Colab gets one notebook and the wheel: the wheel carries the public tests
    shutil.copytree(ROOT / "notebooks" / "tests", out / "helpers" / "public_tests", ignore=_ignore)
    shutil.copy(ROOT / "pyproject.toml", out / "pyproject.toml")
    readme = STUDENT_README
    if solutions:
        (out / "solutions").mkdir()
        for name in solutions:
            nbformat.write(solution_notebook(name), out / "solutions" / f"{name}.ipynb")
        readme += SOLUTIONS_README.format(
            names="\n".join(f"- `solutions/{name}.ipynb`" for name in solutions))
    (out / "README.md").write_text(readme)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "release"))
    parser.add_argument("--solutions", default="",
                        help="comma-separated notebooks whose reference solutions to add")
    args = parser.parse_args(argv)
    try:
        solutions = solution_names(args.solutions)
    except ValueError as error:
        parser.error(str(error))
    print(f"student release written to {write_release(args.out, solutions)}")


if __name__ == "__main__":
    main()
