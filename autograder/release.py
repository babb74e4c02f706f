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

from .course import NOTEBOOK_LIST, NOTEBOOKS
from .masters import ROOT
from .solution_notebooks import solution_notebook


def _numbered(notebooks, first):
    return "\n".join(f"{number}. `{notebook.name}.ipynb`: {notebook.summary}"
                     for number, notebook in enumerate(notebooks, first))


def student_readme():
    """The release's README: the notebooks in order (from the course manifest) and how
    to work on them."""
    core = [notebook for notebook in NOTEBOOK_LIST if not notebook.bonus]
    bonus = [notebook for notebook in NOTEBOOK_LIST if notebook.bonus]
    return f"""\
# Model-based reinforcement learning with Dyna-Q: student notebooks

The core notebooks, in `notebooks/`, to be done in order:

{_numbered(core, 1)}

Then the bonus notebooks, in any order, once the core ones work:

{_numbered(bonus, len(core) + 1)}

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
    readme = student_readme()
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
