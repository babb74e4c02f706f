"""Write the student release: the student notebooks with their public tests and the
`helpers` package (installable, carrying the public tests for Colab), ready to push to
a public repository. Nothing else: no masters, no hidden checks, no autograder zips.

Run with `python -m autograder.release OUT` (`make release`).
"""

import argparse
import pathlib
import shutil

from .course import NOTEBOOK_LIST
from .masters import ROOT

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


def _ignore(folder, names):
    return [n for n in names if n in ("__pycache__", ".ipynb_checkpoints", ".OTTER_LOG")
            or n.endswith(".pyc")]


def write_release(out):
    """Write the release tree at `out` (replacing it); return its path."""
    out = pathlib.Path(out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copytree(ROOT / "notebooks", out / "notebooks", ignore=_ignore)
    shutil.copytree(ROOT / "helpers", out / "helpers", ignore=_ignore)
    # Colab gets one notebook and the wheel: the wheel carries the public tests
    shutil.copytree(ROOT / "notebooks" / "tests", out / "helpers" / "public_tests", ignore=_ignore)
    shutil.copy(ROOT / "pyproject.toml", out / "pyproject.toml")
    (out / "README.md").write_text(student_readme())
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "release"))
    args = parser.parse_args(argv)
    print(f"student release written to {write_release(args.out)}")


if __name__ == "__main__":
    main()
