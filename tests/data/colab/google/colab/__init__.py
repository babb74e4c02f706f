"""Stands in for Colab's own `google.colab` package in the simulated Colab runtime of
tests/test_colab.py, doing the two things of it that the course meets:

- its kernel loads this package as an IPython extension at start-up, and by then
  ipywidgets is imported (the setup cell, in turn, tells Colab by `google.colab` being in
  `sys.modules`);
- `%pip` runs pip as a shell command and prints only what pip prints, as colabtools'
  `_installation_commands._pip_magic` does (IPython's own `%pip` adds a note about
  restarting the kernel; Colab's does not).
"""

import sys

import ipywidgets  # noqa: F401  (imported when Colab's kernel starts)


def load_ipython_extension(ipython):
    def pip(line):
        ipython.system(f"{sys.executable} -m pip {line}")

    ipython.register_magic_function(pip, magic_kind="line", magic_name="pip")
