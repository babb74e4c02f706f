"""A fresh Google Colab runtime, simulated as closely as this machine allows: a new
virtual environment that holds only what Colab ships (numpy, scipy, matplotlib, tqdm,
ipywidgets, ipykernel and what they need), plus otter-grader standing in for the
setup cell's download. Each student notebook, alone in a folder and with the reference
answers pasted in, runs its setup cell against a locally built wheel of the student
release (pip is kept offline): every cell runs and every public check passes.
"""

import json
import re
import subprocess
import sys
from importlib import metadata

import pytest
from nbclient import NotebookClient
from packaging.requirements import Requirement

from autograder.course import NOTEBOOKS
from autograder.submissions import fill_notebook, reference_sources
from conftest import ROOT

COLAB_PREINSTALLED = ["numpy", "scipy", "matplotlib", "ipywidgets", "ipykernel", "tqdm"]
SETUP_DOWNLOADS = ["otter-grader"]  # installed by the setup cell on a real Colab


def closure(names):
    """The installed distributions `names` need, recursively, with requested extras."""
    seen, todo = {}, [(name, frozenset()) for name in names]
    while todo:
        name, extras = todo.pop()
        key = (name.lower().replace("_", "-"), extras)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            wanted = requirement.marker is None or any(
                requirement.marker.evaluate({"extra": extra}) for extra in extras | {""})
            if wanted:
                todo.append((requirement.name, frozenset(requirement.extras)))
    return {dist.metadata["Name"]: dist for dist in seen.values()}.values()


def link_distributions(dists, folder):
    """Symlink the installed files of `dists` into `folder` (one entry per top level)."""
    folder.mkdir()
    for dist in dists:
        for top in {str(f).split("/")[0] for f in dist.files or [] if not str(f).startswith("..")}:
            source = dist.locate_file(top)
            if source.exists() and not (folder / top).exists() and top != "__pycache__":
                (folder / top).symlink_to(source)


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    base = tmp_path_factory.mktemp("colab")
    release = base / "release"
    subprocess.run([sys.executable, "-m", "autograder.release", str(release)], cwd=ROOT,
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(base / "wheels"), str(release)], check=True,
                   capture_output=True)
    [wheel] = (base / "wheels").glob("*.whl")
    runtime = base / "runtime"
    subprocess.run([sys.executable, "-m", "venv", str(runtime)], check=True)
    python = runtime / "bin" / "python"
    site = subprocess.run([python, "-c", "import site; print(site.getsitepackages()[0])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    link_distributions(closure(COLAB_PREINSTALLED + SETUP_DOWNLOADS), base / "preinstalled")
    fake = base / "fake_colab" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake.parent / "__init__.py").write_text("")
    (fake / "__init__.py").write_text('"""Marks this runtime as Colab for the setup cell."""\n')
    (runtime / site.split(str(runtime) + "/")[1] / "colab_runtime.pth").write_text(
        f"{base / 'preinstalled'}\n{base / 'fake_colab'}\n")
    kernels = base / "jupyter" / "kernels" / "colab"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-c", "import google.colab; from ipykernel import kernelapp; "
                 "kernelapp.launch_new_instance()", "-f", "{connection_file}"],
        "display_name": "Simulated Colab", "language": "python",
        "env": {"DYNAQ_COURSE_PACKAGE": str(wheel), "PIP_NO_INDEX": "1",
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", "MPLBACKEND": "Agg"},
    }))
    return base, python


def test_the_simulated_runtime_lacks_the_course_package(colab):
    base, python = colab
    probe = subprocess.run([python, "-c", "import helpers"], capture_output=True, text=True,
                           cwd=base)
    assert "No module named 'helpers'" in probe.stderr
    assert subprocess.run([python, "-c", "import numpy, scipy, matplotlib, ipywidgets"],
                          cwd=base).returncode == 0


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_a_fresh_colab_runtime_and_passes_its_public_checks(colab, name,
                                                                            monkeypatch):
    base, _ = colab
    content = base / f"content_{name}"
    content.mkdir()
    notebook = fill_notebook(name, reference_sources())
    monkeypatch.setenv("JUPYTER_PATH", str(base / "jupyter"))
    NotebookClient(notebook, timeout=600, kernel_name="colab", allow_errors=True,
                   resources={"metadata": {"path": str(content)}}).execute()
    errors = [(cell.source[:60], output.get("ename")) for cell in notebook.cells
              if cell.cell_type == "code" for output in cell.outputs
              if output.output_type == "error"]
    assert errors == []
    assert sorted(p.name for p in (content / "tests").glob("*.py")), "setup cell installed the checks"
    checks = ["\n".join(o.get("data", {}).get("text/plain", "") + o.get("text", "")
                        for o in cell.outputs)
              for cell in notebook.cells if cell.source.startswith("grader.check(")]
    assert checks and all("All test cases passed" in report for report in checks), checks
