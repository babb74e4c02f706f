"""A simulated fresh Google Colab runtime for tests/test_colab.py, built offline from the
wheels that `make test` downloads into .colab/ (tests/data/colab/ lists them, and
source.txt there says where the list comes from): Colab's Python (3.13) with Colab's own
versions of numpy, ipywidgets, IPython, ipykernel and the rest, and a stand-in for Colab's `google.colab` that its kernel loads at start-up
(ipywidgets imported, Colab's `%pip`).

`build_base` installs that environment once; `fresh_runtime` gives each notebook its own
copy (hard links: a second of work, and pip's changes in one copy stay in it), with a
kernel spec whose pip reaches only the cache.
"""

import json
import os
import re
import shutil
import subprocess

from autograder.colab_packages import canonical, pins_of
from conftest import ROOT

CACHE = ROOT / ".colab"
DATA = ROOT / "tests" / "data" / "colab"
PREINSTALLED = DATA / "preinstalled.txt"
SETUP_DOWNLOADS = DATA / "setup_downloads.txt"
SOURCE = DATA / "source.txt"
KERNEL = "colab"


def pins(path):
    """`{name: version}` of a requirements file of `name==version` lines."""
    return {canonical(name): version for name, version in pins_of(path)}


def colab_python_version():
    """Colab's Python, "3.13.15", as tests/data/colab/source.txt records it."""
    return re.search(r"^python: (\S+)$", SOURCE.read_text(), re.MULTILINE).group(1)


def colab_python():
    """The Python (Colab's major.minor) that `make test` downloaded the wheels for."""
    recorded = CACHE / "python"
    if not recorded.exists():
        raise RuntimeError("the simulated Colab runtime's wheels are missing: run `make test` "
                           "(it downloads them into .colab/ once)")
    return recorded.read_text().strip()


def offline_pip_env():
    """Environment for a pip that installs only from the cache, ignoring this machine's
    pip configuration."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1",
               PIP_FIND_LINKS=str(CACHE / "wheels"), PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def site_packages(runtime):
    return next((runtime / "lib").glob("python3*/site-packages"))


def build_base(folder):
    """Install Colab's packages (exact versions, no more) into a new environment at
    `folder`, with the `google.colab` stand-in, and compile what a notebook imports."""
    python = colab_python()
    subprocess.run([python, "-m", "venv", "--without-pip", str(folder)], check=True)
    subprocess.run([python, "-m", "pip", "--python", str(folder / "bin" / "python"), "install",
                    "--quiet", "--no-deps", "--no-compile", "-r", str(PREINSTALLED)],
                   check=True, env=offline_pip_env())
    shutil.copytree(DATA / "google", site_packages(folder) / "google")
    subprocess.run([folder / "bin" / "python", "-c", "import ipykernel.kernelapp, ipywidgets, "
                    "matplotlib.pyplot, pandas, scipy.stats, nbformat, jinja2, pydantic"],
                   check=True, cwd=folder, env=dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1"))
    return folder


def fresh_runtime(base, folder, course_package):
    """A copy of `base` at `folder` with a kernel spec `colab` below `folder/jupyter`;
    the setup cell installs the course package from `course_package` (a URL).
    Returns the folder to put on JUPYTER_PATH."""
    subprocess.run(["cp", "-al", str(base), str(folder)], check=True)
    spec = folder / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    env = {key: value for key, value in offline_pip_env().items() if key.startswith("PIP_")}
    env.update(DYNAQ_COURSE_PACKAGE=course_package, PYDEVD_DISABLE_FILE_VALIDATION="1")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(folder / "bin" / "python"), "-m", "ipykernel_launcher",
                 "-f", "{connection_file}", "--ext=google.colab"],
        "display_name": "Simulated Colab", "language": "python", "env": env}))
    return folder / "jupyter"


def installed(runtime):
    """`{name: version}` of the distributions installed in `runtime`."""
    listing = subprocess.run(
        [runtime / "bin" / "python", "-c", "from importlib import metadata; print('\\n'.join("
         "f'{d.metadata[\"Name\"]}=={d.version}' for d in metadata.distributions()))"],
        check=True, capture_output=True, text=True, cwd=runtime).stdout
    return dict((canonical(name), version)
                for name, version in (line.split("==") for line in listing.split()))
