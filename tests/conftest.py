"""Shared fixtures: the repository root, the seed parity figures and the reference
Dyna-Q functions taken from the instructor master notebooks."""

import json
import pathlib
import sys

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "autograder" / "hidden"))


@pytest.fixture(scope="session")
def seed_parity():
    return json.loads((SHARED / "seed_parity.json").read_text())


@pytest.fixture(scope="session")
def reference():
    """The master notebooks' solutions for the two student functions."""
    from autograder.masters import load_reference_functions
    return load_reference_functions()
