"""The project reads no file outside its own repository: no code, test, build file or
notebook refers to a sibling folder, climbs out of the root with `..`, or names an
absolute path of the machine it was written on. A clone in an empty folder must work.
"""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SKIPPED_FOLDERS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints",
                   "gradebook", "nbgrader_course", "release", "out", "build", "dist"}
CODE_SUFFIXES = {".py", ".toml", ".yml", ".yaml", ".cfg", ".sh", ".ipynb"}
CODE_NAMES = {"Makefile", "run"}
SHELL_NAMES = {"run"}

# Written so that this file does not match itself.
UP = r"\.\."
PATTERNS = {
    "the repository root's parent": re.compile(r"\bROOT\s*\.\s*parents?\b"),
    "the home folder": re.compile(r"Path\.home\(\)|expanduser\(|[\"']~/"),
    "an absolute path of a developer machine": re.compile(
        r"[\"'\s=](/work|/root|/home/\w+|/Users/\w+)(/|[\"'\s])"),
}


def code_files():
    """Every file of the project that runs or builds something (notebooks included)."""
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if any(part in SKIPPED_FOLDERS for part in relative.parts[:-1]) or not path.is_file():
            continue
        if path.suffix in CODE_SUFFIXES or path.name in CODE_NAMES:
            yield path


def code_text(path):
    """The code a file holds: a notebook's code cells, any other file as it is."""
    text = path.read_text(errors="replace")
    try:
        cells = json.loads(text).get("cells", []) if path.suffix == ".ipynb" else None
    except ValueError:  # a deliberately broken example submission: read it as text
        cells = None
    if cells is None:
        return text
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in cells if c.get("cell_type") == "code")


def climbs_out(path, text):
    """Lines using `..` as a step of a path (`../x`, `x/..`, `os.pardir`, `/ ".."`) that
    leaves the root. Shell scripts resolve it from their own folder (`$(dirname "$0")/..`);
    everything else runs from the root."""
    shell = path.name in SHELL_NAMES or path.suffix == ".sh"
    depth = len(path.relative_to(ROOT).parts) - 1 if shell else 0
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        steps = [token.split("/").count("..") for token in re.findall(r"[^\s\"'`]+", line)
                 if "/" in token]
        if max(steps, default=0) > depth or re.search(rf"os\.pardir|/\s*[\"']{UP}[\"']", line):
            found.append(f"{number}: {line.strip()}")
    return found


def escapes_through_parents(path, text):
    """`Path(__file__)...parents[n]` or `.parent` chains that reach above the root."""
    depth = len(path.relative_to(ROOT).parts)
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for index in re.findall(r"__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]", line):
            if int(index) >= depth:
                found.append(f"{number}: {line.strip()}")
        for chain in re.findall(r"__file__\)(?:\.resolve\(\))?((?:\.parent\b)+)", line):
            if chain.count(".parent") > depth:
                found.append(f"{number}: {line.strip()}")
    return found


def outside_references(path, text):
    """Every way `text` (the code of `path`) refers to something outside the root."""
    found = [f"{what}, line {line}" for what, pattern in PATTERNS.items()
             for line, text_line in enumerate(text.splitlines(), 1) if pattern.search(text_line)]
    found += [f"'..' leaves the root, line {line}" for line in climbs_out(path, text)]
    found += [f"__file__ parents above the root, line {line}"
              for line in escapes_through_parents(path, text)]
    return found


FILES = [path for path in code_files() if path != pathlib.Path(__file__).resolve()]


def test_the_scan_covers_code_tests_build_files_and_notebooks():
    names = {str(path.relative_to(ROOT)) for path in FILES}
    assert {"Makefile", ".ci/run", "pyproject.toml", "tests/conftest.py",
            "autograder/grade.py", "solutions/01_model_update.ipynb"} <= names


def test_no_file_refers_to_anything_outside_the_repository():
    found = {str(path.relative_to(ROOT)): outside_references(path, code_text(path)) for path in FILES}
    assert {name: references for name, references in found.items() if references} == {}


@pytest.mark.parametrize("line, why", [
    ('SHARED = ROOT.parent / "shared"', "the root's parent"),
    ('json.loads((ROOT.parent / "shared" / "seed_parity.json").read_text())', "the root's parent"),
    ('open("../shared/seed_parity.json")', "'..'"),
    ('ROOT = pathlib.Path(__file__).resolve().parents[2]', "parents"),
    ('up = pathlib.Path(__file__).parent.parent.parent', "parents"),
    ('data = ROOT / ".." / "shared"', "'..'"),
    ('data = os.path.join(os.getcwd(), os.pardir)', "'..'"),
    ('data = pathlib.Path("/work/shared/seeds")', "absolute"),
    ('cfg = pathlib.Path.home() / ".config"', "home"),
])
def test_the_scan_finds_references_that_leave_the_repository(line, why):
    assert outside_references(ROOT / "tests" / "probe.py", line + "\n"), f"{line!r} ({why})"


def test_the_scan_accepts_the_ci_script_climbing_to_the_root():
    assert climbs_out(ROOT / ".ci" / "run", 'cd "$(dirname "$0")/.."\n') == []
    assert climbs_out(ROOT / ".ci" / "run", 'cd "$(dirname "$0")/../.."\n') != []
