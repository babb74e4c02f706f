"""The package list of the simulated Colab runtime (tests/test_colab.py), written from
Colab's published list: a `pip-freeze.txt` (and `os-info.txt`) of
github.com/googlecolab/backend-info.

Of the hundreds of packages Colab has, the list keeps those the course touches (`ROOTS`),
those Otter and the other packages the setup cell downloads require that Colab already
has, and everything those require in turn, each at Colab's version: the closure of the
roots, resolved against the whole freeze list for Colab's Python. A requirement Colab
lacks is left out (pip adds it at setup, so tests/data/colab/setup_downloads.txt must
list it). Packages' requirements are read from their wheels (downloaded from PyPI into
.colab/wheels/ when missing) and recorded in `requires.json`, so that the same list is
written again offline.

Writes `preinstalled.txt`, `requires.json`, `source.txt` (where the list comes from, and
Colab's Python) and `pip-freeze.txt` (the list itself, its source on its first line) into
tests/data/colab/ or `--out`.
Run with `python -m autograder.colab_packages FREEZE --python-version 3.13
[--os-info FILE] [--source TEXT]` (`make colab-runtime FREEZE=... PYTHON_VERSION=...`).
"""

import argparse
import datetime
import json
import pathlib
import re
import subprocess
import sys
import textwrap
import zipfile
from email.parser import HeaderParser

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "colab"
WHEELS = ROOT / ".colab" / "wheels"
# What the course and its tests use directly: the notebooks' libraries, the kernel and its
# widgets, pip for the setup cell (and setuptools, packaging it builds with), pytest for the
# widget tests run in the runtime.
ROOTS = ("numpy", "scipy", "matplotlib", "tqdm", "ipywidgets", "ipykernel", "ipython",
         "pytest", "pip", "setuptools", "packaging")
GENERIC_HEADER = "# Do not modify this file directly"  # backend-info's own first line
HEADER = """\
# The simulated Google Colab runtime of tests/test_colab.py: the packages a fresh Colab
# session already has that the course's notebooks, the setup cell's pip and Otter touch,
# with everything they need, each at Colab's own version. `make test` downloads these
# wheels into .colab/wheels/ (git-ignored, kept between runs); the tests install them
# from there, offline, into a new Python {python} environment.
#
{chosen}
"""


def canonical(name):
    """A distribution name as pip compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_freeze(text):
    """`{canonical name: (name as spelled, version)}` of a pip freeze's `name==version`
    lines (other lines, `name @ url` and comments, are not packages of PyPI)."""
    found = {}
    for line in text.splitlines():
        name, separator, version = line.split("#")[0].strip().partition("==")
        if separator:
            found[canonical(name)] = (name.strip(), version.strip())
    return found


def python_of(os_info):
    """Colab's Python version in an `os-info.txt` (a line "Python 3.13.15"), or in a
    freeze list's first line ("...; os-info.txt: Python 3.13.15"); None if neither."""
    match = re.search(r"(?:^|os-info\.txt: )Python (\d+\.\d+(?:\.\d+)?)", os_info, re.MULTILINE)
    return match and match.group(1)


def source_line(freeze_text):
    """The freeze list's first line when it says where the list comes from (backend-info's
    own first line does not), without its `# `; else None."""
    first = (freeze_text.splitlines() or [""])[0]
    if first.startswith("#") and not first.startswith(GENERIC_HEADER):
        return first.lstrip("# ").strip()
    return None


def describe_source(freeze_path, freeze_text, source):
    """Where the list comes from: `source` if given, else the list's own first line, else
    the commit of the git checkout (of backend-info) that holds the file, else the file
    and the date it was last changed."""
    path = pathlib.Path(freeze_path).resolve()
    if source or source_line(freeze_text):
        return source or source_line(freeze_text)
    git = subprocess.run(["git", "-C", str(path.parent), "log", "-1", "--format=%H (%cs)",
                          "--", path.name], capture_output=True, text=True)
    if git.returncode == 0 and git.stdout.strip():
        origin = subprocess.run(["git", "-C", str(path.parent), "remote", "get-url", "origin"],
                                capture_output=True, text=True).stdout.strip()
        return f"{origin or path.parent} {path.name} at commit {git.stdout.strip()}"
    changed = datetime.date.fromtimestamp(path.stat().st_mtime).isoformat()
    return f"file {path}, last changed {changed}"


class Requirements:
    """The Requires-Dist of `name==version` wheels: from a record (`requires.json`), else
    from the wheels in `wheels`, downloaded from PyPI for `python` when missing."""

    def __init__(self, record, wheels, python):
        self.record, self.wheels, self.python = dict(record), pathlib.Path(wheels), python
        self.used = {}

    def fetch(self, pins):
        """Make sure the requirements of every `(name, version)` of `pins` are known."""
        missing = [(n, v) for n, v in pins if f"{canonical(n)}=={v}" not in self.record
                   and not self._wheel(n, v)]
        if missing:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--only-binary=:all:", "--python-version", self.python,
                            "--dest", str(self.wheels), *(f"{n}=={v}" for n, v in missing)],
                           check=True)
        for name, version in pins:
            key = f"{canonical(name)}=={version}"
            if key not in self.record:
                with zipfile.ZipFile(self._wheel(name, version)) as wheel:
                    [metadata] = [n for n in wheel.namelist()
                                  if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
                    headers = HeaderParser().parsestr(wheel.read(metadata).decode())
                self.record[key] = sorted(headers.get_all("Requires-Dist") or [])
            self.used[key] = self.record[key]

    def of(self, name, version, extras, environment):
        """The requirements of `name==version` (with `extras`) that apply in `environment`."""
        wanted = []
        for text in self.record[f"{canonical(name)}=={version}"]:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or any(marker.evaluate(dict(environment, extra=extra))
                                     for extra in ("", *extras)):
                wanted.append(requirement)
        return wanted

    def _wheel(self, name, version):
        stem = re.sub(r"[-_.]+", "_", name).lower()
        return next((path for path in self.wheels.glob("*.whl")
                     if path.name.lower().startswith(f"{stem}-{version}-")), None)


def colab_environment(python):
    """Marker environment of Colab: Linux, CPython `python` ("3.13.15" or "3.13")."""
    environment = default_environment()
    environment.update(python_version=".".join(python.split(".")[:2]),
                       python_full_version=python if python.count(".") == 2 else f"{python}.0",
                       sys_platform="linux", platform_system="Linux", os_name="posix",
                       platform_machine="x86_64", implementation_name="cpython",
                       platform_python_implementation="CPython")
    return environment


def closure(freeze, roots, requirements, environment):
    """`({canonical name: version} kept, {missing name: who requires it})`: `roots` and
    all they require, at the freeze's versions."""
    kept, extras_of = {}, {name: set() for name in roots}
    missing = {name: "the course" for name in roots if name not in freeze}
    todo = [name for name in roots if name in freeze]
    while todo:
        requirements.fetch([freeze[name] for name in todo])
        found = []
        for name in todo:
            kept[name] = freeze[name][1]
            for requirement in requirements.of(*freeze[name], extras_of[name], environment):
                needed = canonical(requirement.name)
                if needed not in freeze:
                    missing.setdefault(needed, f"{freeze[name][0]} {freeze[name][1]}")
                    continue
                if needed not in kept or not requirement.extras <= extras_of.get(needed, set()):
                    extras_of.setdefault(needed, set()).update(requirement.extras)
                    kept.pop(needed, None)
                    found.append(needed)
        todo = sorted(set(found))
    return kept, missing


def pins_of(path):
    """`[(name, version)]` of a requirements file of `name==version` lines."""
    return [tuple(line.split("==")) for line in
            (raw.split("#")[0].strip() for raw in path.read_text().splitlines()) if line]


def write_runtime(freeze_path, python, out, *, os_info=None, source=None, record=None,
                  wheels=WHEELS, setup_downloads=DATA / "setup_downloads.txt"):
    """Write `preinstalled.txt`, `requires.json`, `source.txt` and `pip-freeze.txt` into
    `out`; returns `{name: who requires it}` of what Colab lacks that the list needs."""
    if not pathlib.Path(freeze_path).is_file():
        raise SystemExit(f"no such file: {freeze_path}")
    freeze_text = pathlib.Path(freeze_path).read_text()
    freeze = read_freeze(freeze_text)
    if not freeze:
        raise SystemExit(f"{freeze_path} lists no `name==version`: is it a pip-freeze.txt?")
    described = describe_source(freeze_path, freeze_text, source)
    os_text = pathlib.Path(os_info).read_text() if os_info else freeze_text.splitlines()[0]
    full_python = python_of(os_text) or python
    if not full_python:
        raise SystemExit("which Python does Colab run? Give PYTHON_VERSION=3.x or "
                         "OS_INFO=<os-info.txt>")
    if python and not (full_python + ".").startswith(python + "."):
        raise SystemExit(f"PYTHON_VERSION={python}, but {os_info or freeze_path} says "
                         f"Python {full_python}")
    environment = colab_environment(full_python)
    requirements = Requirements(json.loads(pathlib.Path(record).read_text()) if record else {},
                                wheels, environment["python_version"])
    downloads = pins_of(setup_downloads)
    requirements.fetch(downloads)
    from_downloads = {canonical(r.name) for name, version in downloads
                      for r in requirements.of(name, version, (), environment)}
    kept, missing = closure(freeze, sorted(set(ROOTS) | (from_downloads & set(freeze))),
                            requirements, environment)
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    left_out = ", ".join(f"{name} (which {who} requires)" for name, who in sorted(missing.items()))
    chosen = textwrap.fill(
        f"Written by `make colab-runtime` (autograder/colab_packages.py) from the list that "
        f"source.txt names: {', '.join(ROOTS)} and the requirements Colab has of what the "
        f"setup cell downloads ({', '.join(name for name, _ in downloads)}); then the "
        f"closure of those, resolved against the whole list for Python "
        f"{environment['python_version']}. Left out, as Colab lacks them: "
        f"{left_out or 'nothing'}.", width=90, initial_indent="# ", subsequent_indent="# ")
    header = HEADER.format(python=environment["python_version"], chosen=chosen)
    lines = [f"{spelled}=={version}" for spelled, version in sorted(freeze[name] for name in kept)]
    (out / "preinstalled.txt").write_text(header + "".join(f"{line}\n" for line in lines))
    (out / "requires.json").write_text(json.dumps(requirements.used, indent=1, sort_keys=True)
                                       + "\n")
    body = freeze_text.splitlines(keepends=True)[1 if source_line(freeze_text) else 0:]
    if python_of(described) is None:
        described += (f"; os-info.txt: Python {full_python}" if os_info
                      else f"; Python {full_python} (PYTHON_VERSION)")
    (out / "pip-freeze.txt").write_text(f"# {described}\n" + "".join(body))
    (out / "source.txt").write_text(
        f"list: {described}\n"
        f"python: {full_python}\n")
    return missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("freeze", help="Colab's pip-freeze.txt")
    parser.add_argument("--python-version", help="Colab's Python, e.g. 3.13")
    parser.add_argument("--os-info", help="Colab's os-info.txt (its Python line)")
    parser.add_argument("--source", help="where the freeze list comes from (commit, date)")
    parser.add_argument("--out", default=DATA, help="folder to write (tests/data/colab/)")
    parser.add_argument("--record", help="a requires.json to read requirements from "
                        "(default: the one in tests/data/colab/)")
    args = parser.parse_args(argv)
    record = args.record or (DATA / "requires.json" if (DATA / "requires.json").exists() else None)
    missing = write_runtime(args.freeze, args.python_version, args.out, os_info=args.os_info,
                            source=args.source, record=record)
    downloads = {canonical(name) for name, _ in pins_of(DATA / "setup_downloads.txt")}
    for name, who in sorted(missing.items()):
        if who == "the course":
            print(f"{name}: Colab no longer has it, and the course uses it: the setup cell "
                  "must install it (see README, Colab)")
        elif name not in downloads:
            print(f"{name}: Colab lacks it and {who} requires it, so the setup cell's pip adds "
                  "it: list it in tests/data/colab/setup_downloads.txt")


if __name__ == "__main__":
    main()
