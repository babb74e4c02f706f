"""Shared fixtures: the repository root, the original tutorial's reference figures
(tests/data/tutorial_reference.json) and the reference Dyna-Q functions taken from the
instructor master notebooks."""

import json
import pathlib
import sys

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]
TUTORIAL_REFERENCE = ROOT / "tests" / "data" / "tutorial_reference.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "autograder" / "hidden"))


@pytest.fixture(scope="session")
def seed_parity():
    return json.loads(TUTORIAL_REFERENCE.read_text())


@pytest.fixture(scope="session")
def reference():
    """The master notebooks' solutions for the two student functions."""
    from autograder.masters import load_reference_functions
    return load_reference_functions()


def pytest_report_header():
    import ipywidgets
    return f"ipywidgets {ipywidgets.__version__}"
