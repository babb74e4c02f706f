"""environment.yml (conda) pins exactly what pyproject.toml's `course` extra pins."""

import re
import tomllib

import yaml

from conftest import ROOT


def test_conda_environment_pins_the_same_versions_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pinned = set(project["project"]["optional-dependencies"]["course"])
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    conda_pins = {line for line in pip_section if re.match(r"^[A-Za-z0-9_.-]+==", line)}
    assert conda_pins == pinned
    assert all("==" in requirement for requirement in pinned), "every course tool is pinned"


def test_helpers_runtime_dependencies_are_covered_by_the_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = {re.split(r"[<>=]", r)[0] for r in project["project"]["dependencies"]}
    pinned = {r.split("==")[0] for r in project["project"]["optional-dependencies"]["course"]}
    assert runtime <= pinned
