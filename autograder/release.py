"""Write the student release: the student notebooks with their public tests and the
`helpers` package (installable, carrying the public tests for Colab), ready to push to
a public repository. Nothing else: no masters, no hidden checks, no autograder zips.

The release is written in place, into a folder that may be a clone of the student
repository: it writes its own files (`OWN_FILES` and the notebooks, public tests,
package files and solutions of the release) and lists them in the manifest
`.release-manifest`. The next release removes only the files of that list it no longer
writes; `.git/` and every other file stay as they are.

A staged release names some notebooks (`--notebooks 01_model_update,02_planning`): it
adds them, or updates them, to the notebooks released before (read from the manifest),
which stay released and are written again from the current build (identical files when
their masters have not changed). Without `--notebooks` every notebook is released. A
release never takes a notebook back.

On request, after a notebook's deadline, it also holds that notebook's reference solution
(`solutions/<notebook>.ipynb`, see `autograder.solution_notebooks`), for students who need
an earlier function to go on: only for the notebooks named; solutions released before stay.

Run with `python -m autograder.release OUT [--notebooks NAME,...] [--solutions NAME,...]`
(`make release OUT=<dir> NOTEBOOKS=<notebook>,... SOLUTIONS=<notebook>,...`).
"""

import argparse
import pathlib

import nbformat

from .course import NOTEBOOK_LIST, NOTEBOOKS
from .masters import ROOT, questions
from .solution_notebooks import solution_notebook

MANIFEST = ".release-manifest"
MANIFEST_HEADER = ("# Files written by the course's `make release`: the next release replaces "
                   "them and removes those it no longer writes, nothing else.\n")
OWN_FILES = ("pyproject.toml", "LICENSE")  # copied from the repository as they are
_SKIPPED = ("__pycache__", ".ipynb_checkpoints", ".OTTER_LOG")


def _numbered(notebooks):
    return "\n".join(f"{NOTEBOOKS.index(notebook.name) + 1}. `{notebook.name}.ipynb`: "
                     f"{notebook.summary}" for notebook in notebooks)


def student_readme(notebooks):
    """The release's README: the released notebooks in course order (from the course
    manifest) and how to work on them."""
    released = [notebook for notebook in NOTEBOOK_LIST if notebook.name in notebooks]
    core = [notebook for notebook in released if not notebook.bonus]
    bonus = [notebook for notebook in released if notebook.bonus]
    parts = ["# Model-based reinforcement learning with Dyna-Q: student notebooks\n"]
    if core:
        parts.append(f"The core notebooks, in `notebooks/`, to be done in order:\n\n{_numbered(core)}\n")
    if bonus:
        parts.append("Then the bonus notebooks, in any order, once the core ones work:\n\n"
                     f"{_numbered(bonus)}\n")
    if len(released) < len(NOTEBOOK_LIST):
        parts.append("More notebooks follow here as your instructor releases them.\n")
    parts.append("""\
To work locally, run `pip install . otter-grader==7.0.0 jupyterlab` in this folder (it
installs JupyterLab and its Python kernel too), then `jupyter lab`, and open the notebooks
in `notebooks/`. Run the setup cell first, fill in every `TODO` (replace each
`...` and delete the `raise NotImplementedError` line), and run the `grader.check(...)`
cells: they catch common mistakes. Hidden tests check more when you submit.

Submit each notebook as its `.ipynb` file, keeping its file name.
""")
    return "\n".join(parts)


SOLUTIONS_README = """
Reference solutions released by your instructor, in `solutions/`:

{names}

Each one solves that notebook's own exercises and answers its written questions. Paste a
function from there into a later notebook if yours still fails its checks.
"""


def in_course_order(names):
    """The course notebooks among `names`, in course order."""
    return [name for name in NOTEBOOKS if name in names]


def notebook_names(text):
    """The notebooks named in `text` ("01_model_update,02_planning"), in course order;
    ValueError for a name that is not a course notebook."""
    names = {name.strip() for name in text.split(",") if name.strip()}
    unknown = sorted(names - set(NOTEBOOKS))
    if unknown:
        raise ValueError(f"unknown notebook(s) {', '.join(unknown)}; the notebooks are "
                         f"{', '.join(NOTEBOOKS)}")
    return in_course_order(names)


def public_tests(name):
    """The public test files of notebook `name` (its pasted questions' too)."""
    folder = ROOT / "notebooks" / "tests"
    return [folder / f"{question}.py" for question, _, _ in questions(name)
            if (folder / f"{question}.py").exists()]


def package_files():
    """The `helpers` package's files, by their path in the release."""
    return {path.relative_to(ROOT).as_posix(): path for path in sorted((ROOT / "helpers").rglob("*"))
            if path.is_file() and path.suffix != ".pyc"
            and not set(path.relative_to(ROOT).parts) & set(_SKIPPED)}


def release_files(notebooks, solutions):
    """{path in the release: content} of the release of `notebooks` (in course order) with
    the reference solutions of `solutions`."""
    files = {relative: path.read_bytes() for relative, path in package_files().items()}
    files.update({name: (ROOT / name).read_bytes() for name in OWN_FILES})
    for name in notebooks:
        files[f"notebooks/{name}.ipynb"] = (ROOT / "notebooks" / f"{name}.ipynb").read_bytes()
        for test in public_tests(name):
            files[f"notebooks/tests/{test.name}"] = test.read_bytes()
            # Colab gets one notebook and the wheel: the wheel carries the public tests
            files[f"helpers/public_tests/{test.name}"] = test.read_bytes()
    readme = student_readme(notebooks)
    for name in solutions:
        files[f"solutions/{name}.ipynb"] = (nbformat.writes(solution_notebook(name)) + "\n").encode()
    if solutions:
        readme += SOLUTIONS_README.format(
            names="\n".join(f"- `solutions/{name}.ipynb`" for name in solutions))
    files["README.md"] = readme.encode()
    return files


def earlier_release(out):
    """The files the manifest in `out` says an earlier release wrote (none without one);
    an entry that could leave `out` or reach `.git` is ignored."""
    manifest = out / MANIFEST
    entries = manifest.read_text().splitlines() if manifest.is_file() else []
    return {entry for entry in entries if entry and not entry.startswith("#")
            and not pathlib.PurePosixPath(entry).is_absolute()
            and not {"..", ".git"} & set(pathlib.PurePosixPath(entry).parts)}


def released(files, folder):
    """The course notebooks that have a file `<folder>/<notebook>.ipynb` among `files`."""
    return {name for name in NOTEBOOKS if f"{folder}/{name}.ipynb" in files}


def remove_stale(out, relative):
    """Remove the file `relative` an earlier release wrote, and the folders it leaves empty."""
    path = out / relative
    if path.is_file() or path.is_symlink():
        path.unlink()
    for folder in path.parents:
        if folder == out or not folder.is_dir() or any(folder.iterdir()):
            break
        folder.rmdir()


def write_release(out, solutions=(), notebooks=NOTEBOOKS):
    """Write, in place at `out`, the release of `notebooks` and of those released there
    before, with the reference solutions of `solutions` and of those released before;
    return its path."""
    out = pathlib.Path(out)
    earlier = earlier_release(out)
    files = release_files(in_course_order({*notebooks, *released(earlier, "notebooks")}),
                          in_course_order({*solutions, *released(earlier, "solutions")}))
    for relative, content in files.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(content)
    for relative in sorted(earlier - set(files)):
        remove_stale(out, relative)
    (out / MANIFEST).write_text(MANIFEST_HEADER + "".join(f"{path}\n" for path in sorted(files)))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "release"))
    parser.add_argument("--notebooks", default=",".join(NOTEBOOKS),
                        help="comma-separated notebooks to add or update (default: all)")
    parser.add_argument("--solutions", default="",
                        help="comma-separated notebooks whose reference solutions to add")
    args = parser.parse_args(argv)
    try:
        notebooks, solutions = notebook_names(args.notebooks), notebook_names(args.solutions)
    except ValueError as error:
        parser.error(str(error))
    print(f"student release written to {write_release(args.out, solutions, notebooks)}")


if __name__ == "__main__":
    main()
