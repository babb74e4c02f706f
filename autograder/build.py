"""Build the course from the masters: `otter assign` each master in solutions/ (with its
marker cells filled in, see `autograder.masters.expanded`), then copy the student
notebook and its public tests into notebooks/ and a byte-reproducible autograder zip
into autograder/zips/; finally write the example submissions.

Run with `python -m autograder.build [OUT_ROOT]` (default: the repository itself).
"""

import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor

import nbformat

from .course import NOTEBOOKS
from .masters import ROOT, expanded, hidden_modules
from .submissions import write_examples

# The grader that runs inside the zip on Gradescope: the same code as `make grade`.
GRADER_MODULES = ("grade_one.py", "results.py", "sandbox.py", "sandbox_worker.py", "wire.py",
                  "isolation.py", "sandbox_account.py", "confine.py", "tiers.py", "gradescope.py")
RUNNER = '''"""Runs this course's sandboxed grader (files/autograder/gradescope.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "files"))
from autograder.gradescope import main

if __name__ == "__main__":
    main(*sys.argv[1:])
'''
# Appended to Otter's setup.sh: the grader isolates each submission with bubblewrap where
# the container allows user namespaces, else as an unprivileged account, which must be
# able to read the conda environment in root's home (autograder/gradescope.py says which).
SETUP_BUBBLEWRAP = """
# isolation of the student's process (autograder/isolation.py)
apt-get install -y bubblewrap
# where bubblewrap cannot run, student code runs as an unprivileged account
# (autograder/sandbox_account.py): it reads the runtime, never the grader's files
chmod o+x "$HOME"
chmod -R o+rX "$HOME/miniforge3"
"""
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_EXECUTABLE = {"run_autograder", "setup.sh"}


def stage_autograder_files(stage, name):
    """Put next to master `name` what its config ships in the zip: its hidden checks, the
    grader package, the helpers package and the grading image's requirements."""
    for module in hidden_modules(name):
        shutil.copy(module, stage / module.name)
    grader = stage / "autograder"
    grader.mkdir()
    (grader / "__init__.py").write_text('"""The course\'s sandboxed grader, as shipped to Gradescope."""\n')
    for module in GRADER_MODULES:
        shutil.copy(ROOT / "autograder" / module, grader / module)
    package = stage / "helpers_package"
    shutil.copytree(ROOT / "helpers", package / "helpers",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (package / "pyproject.toml").write_text(helpers_pyproject(project))
    runtime = {re.split(r"[<>=]", r)[0] for r in project["dependencies"]}
    pins = [r for r in project["optional-dependencies"]["course"] if r.split("==")[0] in runtime]
    (stage / "requirements.txt").write_text(
        "\n".join(pins + ["/autograder/source/files/helpers_package"]) + "\n")


def helpers_pyproject(project):
    """The helpers package's pyproject.toml in the zips: only what installs it (name,
    version, dependencies), so that documentation never changes a zip or a cached grade."""
    dependencies = "".join(f"\n    {json.dumps(d)}," for d in project["dependencies"])
    return f"""\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{project['name']}"
version = "{project['version']}"
requires-python = "{project['requires-python']}"
dependencies = [{dependencies}
]

[tool.setuptools]
packages = ["helpers"]

[tool.setuptools.package-data]
helpers = ["styles/*.mplstyle"]
"""


def assign(name, workdir):
    """Run `otter assign` on master `name` in `workdir`; return the output folder.

    Otter runs every test against the solutions, so a failing master stops the build.
    """
    stage = workdir / "stage"
    stage.mkdir()
    nbformat.write(expanded(name), stage / f"{name}.ipynb")
    stage_autograder_files(stage, name)
    out = workdir / "dist"
    result = subprocess.run(
        [sys.executable, str(ROOT / "autograder" / "otter_assign.py"), f"{name}.ipynb", str(out)],
        cwd=stage, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"otter assign failed on {name}:\n{result.stdout}\n{result.stderr}")
    return out


def course_member(filename, data):
    """A zip member as this course ships it: its grader as the entry point `run_otter.py`,
    and a setup.sh that also installs bubblewrap."""
    if filename == "run_otter.py":
        return RUNNER.encode()
    if filename == "setup.sh":
        return data + SETUP_BUBBLEWRAP.encode()
    return data


def write_reproducible_zip(source_zip, target):
    """Rewrite `source_zip` at `target` with sorted entries, fixed times and modes, and
    this course's members (`course_member`)."""
    with zipfile.ZipFile(source_zip) as zin:
        members = sorted((i.filename, course_member(i.filename, zin.read(i)))
                         for i in zin.infolist() if not i.is_dir())
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for filename, data in members:
            info = zipfile.ZipInfo(filename, date_time=_FIXED_TIME)
            mode = 0o755 if filename in _EXECUTABLE else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            zout.writestr(info, data)


def copy_public_tests(student_tests, target_tests):
    """Copy public test files; notebooks share one tests/ folder, so a file two
    notebooks both define must be identical."""
    target_tests.mkdir(parents=True, exist_ok=True)
    for test_file in sorted(student_tests.glob("*.py")):
        target = target_tests / test_file.name
        if target.exists() and target.read_bytes() != test_file.read_bytes():
            raise RuntimeError(f"two notebooks define different public tests {test_file.name}")
        shutil.copy(test_file, target)


def course_settings():
    """`[tool.dynaq-course]` of pyproject.toml: the release repository and branch."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dynaq-course"]


def fill_course_settings(text):
    """Put the release repository and branch into a student notebook's links and setup."""
    settings = course_settings()
    return (text.replace("{{COURSE_REPOSITORY}}", settings["repository"])
                .replace("{{COURSE_BRANCH}}", settings["branch"]))


def build_notebook(name, out_root, keep_tests):
    """Build one master into `out_root`/notebooks and `out_root`/autograder/zips;
    its public tests are copied to `keep_tests`."""
    with tempfile.TemporaryDirectory(prefix=f"build-{name}-") as tmp:
        dist = assign(name, pathlib.Path(tmp))
        student = (dist / "student" / f"{name}.ipynb").read_text()
        (out_root / "notebooks" / f"{name}.ipynb").write_text(fill_course_settings(student))
        zips = list((dist / "autograder").glob(f"{name}-autograder_*.zip"))
        if len(zips) != 1:
            raise RuntimeError(f"expected one autograder zip for {name}, found {zips}")
        write_reproducible_zip(zips[0], out_root / "autograder" / "zips" / f"{name}.zip")
        shutil.copytree(dist / "student" / "tests", keep_tests)


def build(out_root=ROOT, jobs=2):
    """Build every notebook; the generated folders are replaced as a whole."""
    out_root = pathlib.Path(out_root)
    for folder in (out_root / "notebooks", out_root / "autograder" / "zips",
                   out_root / "examples" / "submissions"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="build-tests-") as tmp:
        def build_and_keep_tests(name):
            kept = pathlib.Path(tmp) / name
            build_notebook(name, out_root, kept)
            return kept
        with ThreadPoolExecutor(jobs) as pool:
            test_folders = list(pool.map(build_and_keep_tests, NOTEBOOKS))
        for tests in test_folders:
            copy_public_tests(tests, out_root / "notebooks" / "tests")
    write_examples(out_root / "examples" / "submissions", out_root / "notebooks")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_root", nargs="?", default=str(ROOT))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    build(args.out_root, args.jobs)
    print(f"built {len(NOTEBOOKS)} notebooks into {args.out_root}")


if __name__ == "__main__":
    main()
