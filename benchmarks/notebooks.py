"""Section `notebooks`: the four master notebooks executed end to end with nbclient
(from kernel launch to the end of the last cell) against generated copies whose
experiments run the original tutorial's code (same imports, same plots, same printed
numbers)."""

import contextlib
import io
import os
import shutil
import sys
import tempfile

import nbformat

from autograder.course import CORE_NOTEBOOKS
from autograder.masters import ROOT, expanded
from benchmarks.report import format_time
from benchmarks.timing import side_by_side

NOTEBOOK_BUDGET = 4.0     # the same, executed end to end as notebooks


BASELINE_CELL = '''\
# Benchmark baseline: the experiments below run the original tutorial's code.
import sys
sys.path.insert(0, {root!r})
from benchmarks import original_tutorial as _original


def learn_environment(env, model_updater, planner, params, max_steps, n_episodes,
                      shortcut_episode=None):
    return _original.learn_environment(_original.OriginalQuentinsWorld(), _original.model_update,
                                       _original.planning, params, max_steps, n_episodes,
                                       shortcut_episode=shortcut_episode)


def run_planning_sweep(model_updater, planner, planning_steps=(0, 1, 10, 100),
                       n_experiments=10, n_episodes=100):
    return _original.planning_sweep(planning_steps, n_experiments, n_episodes)


def run_shortcut_experiment(model_updater, planner, planning_steps=(0, 10), n_episodes=400,
                            shortcut_episode=200):
    return _original.shortcut_experiment(planning_steps, n_episodes, shortcut_episode)
'''


def baseline_notebook(name):
    """The master notebook `name` (markers filled in) with one cell added after its setup
    cell that makes `learn_environment`, `run_planning_sweep` and `run_shortcut_experiment`
    run the original tutorial's code. Everything else (imports, plots, prints) is unchanged."""
    notebook = expanded(name)
    setup = next(i for i, cell in enumerate(notebook.cells)
                 if cell.cell_type == "code" and "from helpers import" in cell.source)
    notebook.cells.insert(setup + 1, nbformat.v4.new_code_cell(
        BASELINE_CELL.format(root=str(ROOT))))
    return notebook


def execute(notebook, name):
    """Execute `notebook` in a fresh python3 kernel, in a temporary folder that holds a
    copy of the master `name` (Otter's `otter.Notebook()` reads its own notebook file and
    writes a log next to it; the repository stays untouched).

    The time runs from launching the kernel to the end of the last cell, what a reader
    waits for: the kernel is then stopped at once (`shutdown_kernel="immediate"`) rather
    than asked to exit, which takes it about 0.5 s more (finalising the modules Otter
    imports) on both sides and is waited for by no one."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="bench-notebook-") as folder:
        shutil.copy(ROOT / "solutions" / f"{name}.ipynb", folder)
        client = NotebookClient(notebook, timeout=3600, kernel_name="python3",
                                shutdown_kernel="immediate",
                                resources={"metadata": {"path": folder}})
        with _quiet_stderr():  # the kernel's start-up warnings; errors still raise
            client.execute()
    return notebook


@contextlib.contextmanager
def _quiet_stderr():
    """Send file descriptor 2 (inherited by the kernel) to /dev/null meanwhile."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        with contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def experiment_stdout(notebook):
    """The printed output of the experiment cells (tagged otter_ignore)."""
    text = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and "otter_ignore" in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    raise AssertionError(f"an experiment cell raised {output.get('ename')}")
                if output.get("output_type") == "stream" and output.get("name") == "stdout":
                    text.append(output["text"])
    return "".join(text)


def bench_notebooks(report, settings):
    reps, heavy_reps = settings.reps, settings.heavy_reps
    report.header(
        "notebooks: the masters executed end to end (nbclient, from kernel launch to the "
        "end of the last cell)",
        ["baseline: the same notebook with one extra cell after the setup cell that "
         "makes learn_environment/run_planning_sweep/run_shortcut_experiment run "
         "benchmarks/original_tutorial.py (same imports, plots and prints)",
         "course:   solutions/<notebook>.ipynb as it is",
         f"printed experiment results compared for equality; median of {reps} runs "
         f"({heavy_reps} for 03)"])
    totals = [0.0, 0.0]
    fixed, baselines = None, {}
    for name in CORE_NOTEBOOKS:
        n = heavy_reps if name == "03_how_much_to_plan" else reps

        def check(theirs, ours, name=name):
            if experiment_stdout(theirs) != experiment_stdout(ours):
                raise AssertionError(f"{name}: the printed experiment results differ")

        theirs, mine, _ = side_by_side(report, name,
                                       lambda: execute(baseline_notebook(name), name),
                                       lambda: execute(expanded(name), name), n, check)
        totals[0] += theirs
        totals[1] += mine
        baselines[name] = theirs
        fixed = fixed or mine  # 01 runs first: the cost every notebook pays without compute
        label = f"{name} (no experiment)" if name == "01_model_update" else name
        report.row("notebooks", label, theirs, mine, "-", None)
    report.row("notebooks", "all four notebooks (sum of medians)", totals[0], totals[1],
               f">= {NOTEBOOK_BUDGET:g}x", totals[0] / totals[1] >= NOTEBOOK_BUDGET)
    report.say("   seed parity: the experiments printed identical numbers in every run")
    report.say(f"   the budget is for the four notebooks together. Alone, a notebook cannot beat "
               f"(its baseline time) / {format_time(fixed)}, the time of 01, which has no "
               "experiment: caps " + ", ".join(
                   f"{name[:2]} {base / fixed:.1f}x" for name, base in baselines.items()))
