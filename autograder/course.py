"""The course in one place: its notebooks in order, the functions students write in
each, and the hidden check module that grades each function.

Everything else (build, grading, release, nbgrader, benchmarks, tests) reads the course
from here and from the masters in solutions/ (see `autograder.masters`). A new notebook
needs its master and its lines below; a new graded function also needs its checks in
`autograder/hidden/<module>.py` under `CHECKS[<function>]` (built on `check_kit`, the
toolkit, and where they fit on `shared_checks`, the model-update and planning checks the
planners share; a zip ships the hidden modules its check modules import).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Notebook:
    """A notebook of the course: its file name (without .ipynb) and what it teaches."""
    name: str
    summary: str          # one line for the student release's README
    bonus: bool = False   # core notebooks are done in order, bonus ones in any order


@dataclass(frozen=True)
class Function:
    """A function students write: graded in its home notebook by the hidden checks
    `CHECKS[name]` of module `checks`; later notebooks that need it ask students to
    paste it again into the question `pasted_as` (public checks only, no points)."""
    name: str
    notebook: str
    checks: str
    pasted_as: str = ""


NOTEBOOK_LIST = (
    Notebook("01_model_update", "a world model and `dyna_q_model_update`"),
    Notebook("02_planning", "planning with `dyna_q_planning`"),
    Notebook("03_how_much_to_plan", "how much planning is worth"),
    Notebook("04_shortcut", "when the world changes"),
    Notebook("05_q_planning_and_sample_models",
             "planning without acting, and a model for a slippery world", bonus=True),
    Notebook("06_dyna_q_plus", "an exploration bonus for a world that changes", bonus=True),
    Notebook("07_prioritized_sweeping", "choosing what to plan", bonus=True),
    Notebook("08_decision_time_planning",
             "planning at each step (random shooting, tree search)", bonus=True),
)

FUNCTIONS = (
    Function("dyna_q_model_update", "01_model_update", "dynaq_checks", "pasted_model_update"),
    Function("dyna_q_planning", "02_planning", "dynaq_checks", "pasted_planning"),
    Function("first_settled_episode", "03_how_much_to_plan", "analysis_checks"),
    Function("planning_updates", "03_how_much_to_plan", "analysis_checks"),
    Function("episodes_to_exploit", "04_shortcut", "analysis_checks"),
    Function("sample_model_update", "05_q_planning_and_sample_models", "sample_model_checks"),
    Function("sample_model_planning", "05_q_planning_and_sample_models", "sample_model_checks"),
    Function("dyna_q_plus_planning", "06_dyna_q_plus", "dyna_q_plus_checks"),
    Function("priority", "07_prioritized_sweeping", "prioritized_sweeping_checks"),
    Function("predecessors", "07_prioritized_sweeping", "prioritized_sweeping_checks"),
    Function("rollout_return", "08_decision_time_planning", "decision_time_checks"),
    Function("ucb_score", "08_decision_time_planning", "decision_time_checks"),
)

NOTEBOOKS = tuple(notebook.name for notebook in NOTEBOOK_LIST)
CORE_NOTEBOOKS = tuple(notebook.name for notebook in NOTEBOOK_LIST if not notebook.bonus)
BONUS_NOTEBOOKS = tuple(notebook.name for notebook in NOTEBOOK_LIST if notebook.bonus)


def function(name):
    """The Function called `name`; LookupError naming the course's functions if there is
    none."""
    for found in FUNCTIONS:
        if found.name == name:
            return found
    raise LookupError(f"no graded function {name!r} in the course: it has "
                      f"{', '.join(f.name for f in FUNCTIONS)}")


def graded_in(notebook):
    """The functions written (and graded) in `notebook`, in course order."""
    return [f for f in FUNCTIONS if f.notebook == notebook]
