"""Google Colab support: Colab opens one notebook at a time, without the course folder,
so the setup cell installs this package and calls `install_public_tests()` to put the
notebook's public checks where `otter.Notebook()` looks for them (`./tests`).

The public tests travel inside the student release's wheel (`helpers/public_tests/`);
a clone of the course repository has them in `notebooks/tests/` instead.
"""

import pathlib
import shutil
from importlib import resources


def install_public_tests(destination="tests"):
    """Copy the packaged public tests into `destination`; return how many were copied."""
    packaged = resources.files("helpers") / "public_tests"
    if not packaged.is_dir():
        raise FileNotFoundError(
            "this copy of the helpers package has no public tests: install it from the "
            "course's student release (see the notebook's setup cell)")
    target = pathlib.Path(destination)
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    for test_file in packaged.iterdir():
        if test_file.name.endswith(".py"):
            with resources.as_file(test_file) as path:
                shutil.copy(path, target / test_file.name)
            copied += 1
    return copied
