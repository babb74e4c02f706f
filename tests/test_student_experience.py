"""Run each student notebook as a student would: untouched, the stubs raise
NotImplementedError and the public checks say so; with the answers filled in (the run
of conftest's `filled_notebook`, shared with the claims test), every cell runs and every
public check passes."""

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import NOTEBOOKS
from conftest import ROOT


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    """A copy of notebooks/ (with its public tests), as a student downloads it; running
    notebooks writes Otter's log there, never into the repository."""
    folder = tmp_path_factory.mktemp("student") / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    return folder


def execute(notebook, folder):
    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def check_reports(notebook):
    """The text each `grader.check(...)` cell printed, by question."""
    reports = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("grader.check("):
            question = cell.source.split('"')[1]
            reports[question] = "\n".join(output.get("data", {}).get("text/plain", "")
                                          + output.get("text", "") for output in cell.outputs)
    return reports


def errors(notebook):
    return [output["ename"] for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs if output.output_type == "error"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_untouched_notebook_fails_its_checks_with_not_implemented(name, student_folder):
    notebook = execute(nbformat.read(student_folder / f"{name}.ipynb", as_version=4),
                       student_folder)
    reports = check_reports(notebook)
    assert reports, "the notebook runs public checks"
    for question, report in reports.items():
        assert "NotImplementedError" in report, f"{question}: the failure names the stub"
        assert "All test cases passed" not in report


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_filled_in_notebook_runs_cleanly_and_passes_every_public_check(name, filled_notebook):
    notebook, _ = filled_notebook(name)
    assert errors(notebook) == []
    reports = check_reports(notebook)
    assert reports and all("All test cases passed" in r for r in reports.values()), reports
