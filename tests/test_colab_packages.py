"""`make colab-runtime` (autograder/colab_packages.py): the simulated Colab runtime's package
list, written from Colab's published list, offline from the requirements it recorded.
The list in tests/data/colab/ is what the command writes from the list it names; given
January 2026's list it writes January's (tests/data/colab/2026-01/, the list tested
before). And what the project declares (helpers' ranges, Pythons) fits Colab's runtime."""

import datetime
import os
import sys
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from autograder import colab_packages
from colab_runtime import DATA, PREINSTALLED, SOURCE, canonical, colab_python_version, pins
from conftest import ROOT

JANUARY = DATA / "2026-01"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """The requirements are all recorded: nothing is downloaded."""
    run = colab_packages.subprocess.run

    def no_download(command, **kwargs):
        assert "download" not in command, f"the refresh tried to download: {command}"
        return run(command, **kwargs)
    monkeypatch.setattr(colab_packages.subprocess, "run", no_download)


def refresh(tmp_path, freeze, record, **options):
    return colab_packages.write_runtime(freeze, options.pop("python", None), tmp_path,
                                        record=record, wheels=tmp_path / "none", **options)


def test_the_list_tested_is_what_the_refresh_writes_from_the_list_it_names(tmp_path):
    assert refresh(tmp_path, DATA / "pip-freeze.txt", DATA / "requires.json") == {"jedi": "ipython 7.34.0"}
    for name in ("preinstalled.txt", "requires.json", "source.txt", "pip-freeze.txt"):
        assert (tmp_path / name).read_text() == (DATA / name).read_text(), name
    assert "commit a72407924822" in SOURCE.read_text() and colab_python_version() == "3.13.15"


def test_given_januarys_list_the_refresh_writes_januarys_wheel_list(tmp_path):
    refresh(tmp_path, JANUARY / "pip-freeze.txt", JANUARY / "requires.json")
    assert pins(tmp_path / "preinstalled.txt") == pins(JANUARY / "preinstalled.txt")
    assert (tmp_path / "requires.json").read_text() == (JANUARY / "requires.json").read_text()
    assert (tmp_path / "source.txt").read_text().splitlines() == [
        "list: googlecolab/backend-info pip-freeze.txt at commit "
        "bd8aaa4580401a7fbf96a52fab5a7acf96f50b73 (2026-01-16, runtime 2026.01: the commit "
        "its README names for 2026.01); os-info.txt: Python 3.12.12", "python: 3.12.12"]
    assert "Python 3.12 environment" in (tmp_path / "preinstalled.txt").read_text()


def test_a_plain_backend_info_list_takes_its_source_from_the_command_or_the_file(tmp_path):
    plain = tmp_path / "pip-freeze.txt"
    plain.write_text("".join((JANUARY / "pip-freeze.txt").read_text()
                             .splitlines(keepends=True)[1:]))
    (tmp_path / "os-info.txt").write_text("Ubuntu 22.04.5 LTS\nPython 3.12.12\n")
    os.utime(plain, (0, datetime.datetime(2026, 1, 16, 12).timestamp()))
    refresh(tmp_path / "a", plain, JANUARY / "requires.json", python="3.12")
    assert (tmp_path / "a" / "source.txt").read_text() == (
        f"list: file {plain}, last changed 2026-01-16; Python 3.12 (PYTHON_VERSION)\npython: 3.12\n")
    with pytest.raises(SystemExit, match="lists no `name==version`: is it a pip-freeze.txt"):
        refresh(tmp_path / "b", tmp_path / "os-info.txt", JANUARY / "requires.json", source="x")
    with pytest.raises(SystemExit, match="PYTHON_VERSION=3.13, but .* says Python 3.12.12"):
        refresh(tmp_path / "b", plain, JANUARY / "requires.json", python="3.13",
                source="January", os_info=tmp_path / "os-info.txt")
    refresh(tmp_path / "c", plain, JANUARY / "requires.json", source="backend-info, January",
            os_info=tmp_path / "os-info.txt")
    assert (tmp_path / "c" / "source.txt").read_text() == (
        "list: backend-info, January; os-info.txt: Python 3.12.12\npython: 3.12.12\n")
    assert pins(tmp_path / "c" / "preinstalled.txt") == pins(JANUARY / "preinstalled.txt")
    assert (tmp_path / "c" / "pip-freeze.txt").read_text() == (
        "# backend-info, January; os-info.txt: Python 3.12.12\n" + plain.read_text())
    assert not (tmp_path / "b").exists(), "nothing written"


def test_helpers_ranges_admit_colabs_versions():
    colab = pins(PREINSTALLED)
    for requirement in map(Requirement, PROJECT["dependencies"]):
        assert requirement.specifier.contains(colab[canonical(requirement.name)]), requirement


def test_the_pythons_declared_are_the_pythons_tested():
    """This machine's Python (the course's .venv) and Colab's."""
    tested = {f"{sys.version_info.major}.{sys.version_info.minor}",
              ".".join(colab_python_version().split(".")[:2])}
    declared = {c.rsplit(" :: ", 1)[1] for c in PROJECT["classifiers"]
                if c.startswith("Programming Language :: Python :: 3.")}
    assert declared == tested
    assert PROJECT["requires-python"] == f">={min(tested, key=lambda v: tuple(map(int, v.split('.'))))}"
    assert all(SpecifierSet(PROJECT["requires-python"]).contains(f"{v}.0") for v in tested)


def test_the_freeze_lists_kept_name_their_source_and_colabs_python():
    for path in (DATA / "pip-freeze.txt", JANUARY / "pip-freeze.txt"):
        first = colab_packages.source_line(path.read_text())
        assert first.startswith("googlecolab/backend-info pip-freeze.txt at commit "), path
        assert colab_packages.python_of(first), path
