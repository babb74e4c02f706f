"""Write the student release: the student notebooks with their public tests and the
`helpers` package (installable, carrying the public tests for Colab), ready to push to
a public repository. Nothing else: no masters, no hidden checks, no autograder zips.

The release is written in place, into a folder that may be a clone of the student
repository: it writes its own files (`OWN_FILES` and the notebooks, public tests,
package files and solutions of the release) and lists them in the manifest
`.release-manifest`. The next release removes only the files of that list it no longer
writes; `.git/` and every other file stay as they are. It never overwrites a file it did
not create: such a file is kept, with a warning naming it (one identical to the
release's is taken over). The student README goes to `COURSE.md`, and a repository
README linking to it is written only where there is none (`--student-readme README.md`
puts the student README there instead). A release into a git clone on another branch
than `[tool.dynaq-course] branch` (where the notebooks' links point) warns first.

A staged release names some notebooks (`--notebooks 01_model_update,02_planning`): it
adds them, or updates them, to the notebooks released before (read from the manifest),
which stay released and are written again from the current build (identical files when
their masters have not changed). Without `--notebooks` every notebook is released. A
release never takes a notebook back.

On request, after a notebook's deadline, it also holds that notebook's reference solution
(`solutions/<notebook>.ipynb`, see `autograder.solution_notebooks`), for students who need
an earlier function to go on: only for the notebooks named; solutions released before stay.

Run with `python -m autograder.release OUT [--notebooks NAME,...] [--solutions NAME,...]
[--student-readme FILE]` (`make release OUT=<dir> NOTEBOOKS=<notebook>,...
SOLUTIONS=<notebook>,... STUDENT_README=<file>`).
"""

import argparse
import pathlib
import subprocess
import sys

import nbformat

from .build import course_settings
from .course import NOTEBOOK_LIST, NOTEBOOKS
from .masters import ROOT, questions
from .solution_notebooks import solution_notebook

MANIFEST = ".release-manifest"
MANIFEST_HEADER = ("# Files written by the course's `make release`: the next release replaces "
                   "them and removes those it no longer writes, nothing else.\n")
OWN_FILES = ("pyproject.toml", "LICENSE")  # copied from the repository as they are
STUDENT_README = "COURSE.md"  # the student README, unless the instructor asks for another file
TITLE = "# Model-based reinforcement learning with Dyna-Q: student notebooks\n"
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
    parts = [TITLE]
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


def repository_readme(student_readme_name):
    """The README the release writes where a repository has none: a link to the student
    README."""
    return (f"{TITLE}\nThe notebooks, and how to work on them and hand them in: "
            f"[{student_readme_name}]({student_readme_name}).\n")


def release_files(notebooks, solutions, student_readme_name=STUDENT_README):
    """{path in the release: content} of the release of `notebooks` (in course order) with
    the reference solutions of `solutions`, its student README at `student_readme_name`
    (and, if that is not README.md, a README.md linking to it)."""
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
    files[student_readme_name] = readme.encode()
    if student_readme_name != "README.md":
        files["README.md"] = repository_readme(student_readme_name).encode()
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


def clone_branch(out):
    """The branch checked out in `out` if it is the top of a git clone, else None."""
    if not (out / ".git").exists():
        return None
    found = subprocess.run(["git", "-C", str(out), "symbolic-ref", "--short", "-q", "HEAD"],
                           capture_output=True, text=True)
    return found.stdout.strip() or None


def not_created(out, files, earlier):
    """The files of the release that exist in `out`, were not written by an earlier release
    (`earlier`) and differ from the release's: the release keeps them as they are."""
    return sorted(relative for relative, content in files.items()
                  if relative not in earlier and (out / relative).is_file()
                  and (out / relative).read_bytes() != content)


def _warn(text):
    print(f"warning: {text}", file=sys.stderr)


def warn_of_branch(out, warn):
    """Warn if `out` is a clone on another branch than the one the notebooks' links name."""
    branch, linked = clone_branch(out), course_settings()["branch"]
    if branch and branch != linked:
        warn(f"{out} is on branch {branch!r}, but the notebooks' Colab links and setup cells "
             f"install from branch {linked!r} ([tool.dynaq-course] branch in pyproject.toml): "
             f"push the release to {linked!r}, or set branch = \"{branch}\" and run `make course`")


def write_release(out, solutions=(), notebooks=NOTEBOOKS, student_readme_name=STUDENT_README,
                  warn=_warn):
    """Write, in place at `out`, the release of `notebooks` and of those released there
    before, with the reference solutions of `solutions` and of those released before, and
    its student README at `student_readme_name`; return its path. A file the release did
    not create is kept, and `warn` is told."""
    out = pathlib.Path(out)
    warn_of_branch(out, warn)
    earlier = earlier_release(out)
    files = release_files(in_course_order({*notebooks, *released(earlier, "notebooks")}),
                          in_course_order({*solutions, *released(earlier, "solutions")}),
                          student_readme_name)
    for relative in not_created(out, files, earlier):
        del files[relative]
        if relative != "README.md" or student_readme_name == "README.md":
            warn(f"kept {relative}: the release did not create it, so it does not overwrite "
                 f"it (move it away to get the release's)")
        elif student_readme_name not in (out / relative).read_text(errors="replace"):
            warn(f"your README.md does not link to {student_readme_name}, the student README: "
                 f"add [{student_readme_name}]({student_readme_name}) so students find it")
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
    parser.add_argument("--student-readme", default=STUDENT_README,
                        help=f"the file of the student README (default: {STUDENT_README})")
    args = parser.parse_args(argv)
    try:
        notebooks, solutions = notebook_names(args.notebooks), notebook_names(args.solutions)
    except ValueError as error:
        parser.error(str(error))
    if not args.student_readme.endswith(".md") or "/" in args.student_readme or args.student_readme.startswith("."):
        parser.error(f"--student-readme {args.student_readme!r}: give a Markdown file name "
                     f"such as COURSE.md or README.md, with no folder")
    out = write_release(args.out, solutions, notebooks, args.student_readme)
    print(f"student release written to {out} (student README: {out / args.student_readme})")


if __name__ == "__main__":
    main()
