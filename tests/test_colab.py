"""Google Colab as students get it, simulated offline (tests/colab_runtime.py): Colab's
Python with Colab's own versions (ipywidgets 7.7.1, imported when the kernel starts;
IPython 7.34; ipykernel 6.17; numpy 2.1; tests/data/colab/source.txt says where they
come from, `make colab-runtime` writes the list).

Each student notebook, with the reference answers pasted in, runs in a fresh copy of that
runtime, its setup cell installing the student release's package from a local wheel and
Otter from the cache: the setup cell prints nothing and replaces none of Colab's packages,
every public check passes, no cell shows a warning, and every widget is displayed and then
driven as a student would drive it. The widget unit tests run once more there, under
Colab's ipywidgets, with no warning either.
"""

import copy
import re
import subprocess
import sys
import tomllib
from datetime import datetime
from importlib import metadata
from types import SimpleNamespace

import nbformat
import pytest
from nbclient import NotebookClient
from packaging.requirements import Requirement

from autograder.course import NOTEBOOKS
from autograder.submissions import fill_notebook, reference_sources
from colab_runtime import (PREINSTALLED, SETUP_DOWNLOADS, build_base, canonical,
                           colab_python_version, fresh_runtime, installed, pins)
from conftest import ROOT
from helpers.widget_display import WIDGET_VIEW

# What a student does with each widget, run in the cell after it (`_` is the widget).
STUDENT_ACTIONS = {
    "planning_explorer": 'widget.sliders["k"].value = 5\nwidget.run_button.click()\n'
                         'assert widget.last_result.params["k"] == 5',
    "planning_stepper": "widget.plan_button.click()\nwidget.plan_button.click()\n"
                        "assert len(widget.history) == 2 and widget.last_step.problem is None",
    "shortcut_replay": "widget.toggle.value = True\nassert set(widget.results) == {False, True}",
}
COURSE_PACKAGE = "dynaq-course-helpers"
COLAB = pins(PREINSTALLED)


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """The student release's package as a wheel, and the base Colab environment."""
    folder = tmp_path_factory.mktemp("colab")
    release = folder / "release"
    subprocess.run([sys.executable, "-m", "autograder.release", str(release)], cwd=ROOT,
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(folder / "wheels"), str(release)], check=True,
                   capture_output=True)
    [wheel] = (folder / "wheels").glob("*.whl")
    return SimpleNamespace(folder=folder, wheel=wheel, base=build_base(folder / "base"))


def run_in_fresh_runtime(colab, notebook, label, monkeypatch):
    """Execute `notebook` in a new copy of the runtime, in a folder of its own (Colab's
    /content); returns the runtime's folder and the notebook's folder."""
    runtime = colab.folder / f"runtime_{label}"
    monkeypatch.setenv("JUPYTER_PATH", str(fresh_runtime(colab.base, runtime, colab.wheel.as_uri())))
    content = colab.folder / f"content_{label}"
    content.mkdir()
    NotebookClient(notebook, timeout=600, kernel_name="colab", allow_errors=True,
                   resources={"metadata": {"path": str(content)}}).execute()
    return runtime, content


def warnings_shown(notebook):
    """What a student would read as a warning: anything a cell writes to stderr (where
    Python's warnings go) and any output that names a warning."""
    return [(cell.source[:60], text) for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs
            for text in [output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))]
            if output.get("name") == "stderr" or re.search(r"warn", text, re.IGNORECASE)]


def text_of(cell):
    return "".join(output.get("text", "") + output.get("data", {}).get("text/plain", "")
                   for output in cell.outputs)


def errors(notebook):
    return [(cell.source[:60], output.get("ename"), output.get("evalue"))
            for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs if output.output_type == "error"]


def with_student_actions(notebook):
    """`notebook` with a cell after each widget cell that uses the widget as a student
    would, and a last cell that reports the ipywidgets the kernel has in memory."""
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        for function, action in STUDENT_ACTIONS.items():
            if cell.cell_type == "code" and f"{function}(" in cell.source:
                cells.append(nbformat.v4.new_code_cell(
                    f"widget = _\n{action}\nassert widget.last_error is None\n"
                    f"print('{function}: callbacks ran')"))
    cells.append(nbformat.v4.new_code_cell("import ipywidgets\nprint(ipywidgets.__version__)"))
    notebook.cells = cells
    return notebook


def setup_cells(notebook):
    """The setup cell and the cell after it, which starts Otter."""
    index = next(i for i, cell in enumerate(notebook.cells) if cell.source.startswith("# Setup:"))
    return notebook.cells[index], notebook.cells[index + 1]


def after_setup():
    """`{name: version}` a runtime should hold after the setup cell: Colab's packages, the
    course package and what tests/data/colab/setup_downloads.txt lists."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return dict(pins(PREINSTALLED), **pins(SETUP_DOWNLOADS), **{COURSE_PACKAGE: version})


def seconds_taken(cell):
    """How long the kernel took to run `cell` (nbclient's timing metadata)."""
    timing = cell.metadata["execution"]
    start, end = (datetime.fromisoformat(timing[key].replace("Z", "+00:00"))
                  for key in ("iopub.execute_input", "shell.execute_reply"))
    return (end - start).total_seconds()


def test_the_runtime_has_colabs_versions_and_imports_ipywidgets_at_kernel_start(
        colab, monkeypatch):
    assert installed(colab.base) == pins(PREINSTALLED)
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import platform, sys\n"
        "print(platform.python_version_tuple()[:2], 'ipywidgets' in sys.modules, "
        "'google.colab' in sys.modules)\n"
        "import importlib.util\nprint(importlib.util.find_spec('helpers'))\n%pip --version")])
    run_in_fresh_runtime(colab, probe, "probe", monkeypatch)
    lines = text_of(probe.cells[0]).splitlines()
    major, minor = colab_python_version().split(".")[:2]
    assert lines[:2] == [f"('{major}', '{minor}') True True", "None"], \
        "Colab's Python, and no course package before setup"
    assert lines[2].startswith(f"pip {COLAB['pip']} "), "Colab's %pip runs pip and adds no note"
    assert len(lines) == 3


def test_the_colab_extra_and_colabs_packages_cover_otters_requirements():
    """The setup cell installs the `colab` extra, then Otter with --no-deps: with what
    Colab has, that must be everything Otter requires except ipywidgets, and the extra
    keeps Otter's version ranges. The Otter the cache holds is the course's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extra = {canonical(Requirement(r).name): Requirement(r).specifier
             for r in project["optional-dependencies"]["colab"]}
    otter = {canonical(r.name): r.specifier
             for r in map(Requirement, metadata.requires("otter-grader"))
             if r.marker is None or r.marker.evaluate({"extra": ""})}
    colab_has = set(pins(PREINSTALLED))
    assert set(otter) - {"ipywidgets"} <= colab_has | set(extra)
    assert not set(extra) & colab_has, "the extra must not replace a package Colab has"
    assert all(extra[name] == otter[name] for name in extra)
    downloads = pins(SETUP_DOWNLOADS)
    assert f"otter-grader=={downloads['otter-grader']}" in project["optional-dependencies"]["course"]
    assert set(extra) | {"otter-grader"} <= set(downloads)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_a_fresh_colab_runtime_and_passes_its_public_checks(colab, name,
                                                                            monkeypatch):
    notebook = with_student_actions(fill_notebook(name, reference_sources()))
    runtime, content = run_in_fresh_runtime(colab, notebook, name, monkeypatch)
    assert errors(notebook) == []
    assert warnings_shown(notebook) == [], "a student sees no warning"
    setup, otter_cell = setup_cells(notebook)
    assert setup.outputs == [] and otter_cell.outputs == [], \
        "the setup cell and `grader = otter.Notebook()` print nothing (README, For students)"
    assert sorted(p.name for p in (content / "tests").glob("*.py")), "the checks are in place"
    assert installed(runtime) == after_setup(), \
        "the setup cell adds the course package and Otter and replaces nothing of Colab's"
    assert text_of(notebook.cells[-1]).strip() == COLAB["ipywidgets"], \
        "the kernel kept Colab's ipywidgets"

    checks = [text_of(cell) for cell in notebook.cells if cell.source.startswith("grader.check(")]
    assert checks and all("All test cases passed" in report for report in checks), checks
    for cell in notebook.cells:
        if "callbacks ran" in cell.source:
            assert text_of(cell).endswith("callbacks ran\n"), cell.source
        if cell.source.startswith("from helpers.widgets import"):
            [shown] = [o for o in cell.outputs if o.output_type in ("display_data", "execute_result")]
            assert set(shown.data) == {WIDGET_VIEW, "text/html", "text/plain"}
            assert re.search(r'<img src="data:image/png;base64,', shown.data["text/html"])


def test_running_the_setup_cell_again_takes_seconds_and_changes_nothing(colab, monkeypatch):
    notebook = fill_notebook(NOTEBOOKS[0], reference_sources())
    setup, _ = setup_cells(notebook)
    notebook.cells = [setup, copy.deepcopy(setup)]
    runtime, _ = run_in_fresh_runtime(colab, notebook, "setup_twice", monkeypatch)
    assert [cell.outputs for cell in notebook.cells] == [[], []]
    assert installed(runtime) == after_setup()
    assert seconds_taken(notebook.cells[1]) < 10, "the second run installs nothing"


def test_widget_callbacks_pass_under_colabs_ipywidgets_7(colab):
    result = subprocess.run([colab.base / "bin" / "python", "-m", "pytest", "-p",
                             "no:cacheprovider", "tests/test_widgets.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert f"ipywidgets {COLAB['ipywidgets']}" in result.stdout, result.stdout[:2000]
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r"\b\d+ passed\b", result.stdout) and " failed" not in result.stdout
    summary = result.stdout.partition("warnings summary")[2]
    assert not re.search(r"^\s*(helpers|tests)/", summary, re.MULTILINE), \
        f"the course's code gives no warning under Colab's versions: {summary}"
