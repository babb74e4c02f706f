"""nbgrader's autograde, scored by the course's own sandboxed grader.

The generated `nbgrader_config.py` (autograder/nbgrader_course.py) puts these
preprocessors into `nbgrader autograde`:

- `GradeWithCourseGrader` replaces nbgrader's Execute step. It first grades the
  submission with the grader behind `make grade` (`grade_one.grade`: the notebook's code
  runs in a sandboxed process, isolated as `autograder.isolation` chooses, and the Otter
  tests of the course's autograder zip run in the grader, calling the student's functions
  through proxies), before any of the submission's code runs in nbgrader's kernel. Then it
  executes the notebook in the student's kernel as Execute does, so the feedback shows its
  outputs, but it skips the autograder test cells: each one gets, as its output, the
  result of the check it stands for (a failure as an error output, which nbgrader scores
  0). Nothing the student's kernel does can change a score, and the scores are those of
  `make grade` by construction. The kernel itself runs contained as the grader's
  sandbox is (`ContainedKernelManager`): in a scratch copy of the notebook's folder, its
  only writable one, without the course directory, the gradebook or the grader in view
  (bubblewrap) or as the leased sandbox account, and nothing it started outlives it.
- `OverwriteCellsOfTheRelease` replaces OverwriteCells: it takes a hidden test cell that
  is exactly as released (its hidden region stripped) as untouched. nbgrader stores a
  hidden test cell's checksum before it strips the region and the released cell's after,
  so plain OverwriteCells warns "Attribute 'checksum' ... has changed!" for every hidden
  test cell of every submission (jupyter/nbgrader#1961).

`make nbgrader` copies this module, the grader it needs (the modules the Gradescope zips
ship, `build.GRADER_MODULES`) and the autograder zips into the course directory, so
nbgrader finds them without the repository.
"""

import ast
import copy
import functools
import os
import pathlib
import shutil
import tempfile

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, Execute, OverwriteCells
from traitlets import Unicode

from . import grade_one
from . import isolation as isolation_module
from . import tiers
from .results import Status

ZIPS = pathlib.Path(__file__).with_name("zips")
PASSED = "passed: {title} (checked by the course grader)\n"


def question_of(grade_id):
    """The Otter question an nbgrader grade_id belongs to."""
    return grade_id.split("-", 1)[0]


def is_test_cell(cell):
    """Whether `cell` is an nbgrader autograder test cell (a code grade cell, no answer)."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def check_name(source):
    """The name of the test function an autograder test cell defines, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names = [node.name for node in tree.body
             if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]
    return names[0] if len(names) == 1 else None


def otter_submission(nb):
    """The submission as the Colab/Otter release would hold it: its cells without their
    nbgrader metadata and without the autograder test cells."""
    plain = copy.deepcopy(nb)
    plain.cells = [cell for cell in plain.cells if not is_test_cell(cell)]
    for cell in plain.cells:
        cell.metadata.pop("nbgrader", None)
    return plain


@functools.cache
def chosen_isolation(unsafe):
    """The isolation of this grading process (probed once), as `make grade` chooses it."""
    try:
        return tiers.choose(unsafe or None)
    except isolation_module.IsolationUnavailable as why:
        raise RuntimeError(tiers.refusal(
            why, 'add `c.GradeWithCourseGrader.unsafe = "<why>"` to nbgrader_config.py')) from None


def grade_submission(nb, notebook, unsafe=""):
    """The course grader's Outcome for the nbgrader submission `nb` of course notebook
    `notebook`."""
    with tempfile.TemporaryDirectory(prefix="nbgrader-submission-") as folder:
        path = pathlib.Path(folder) / f"{notebook}.ipynb"
        nbformat.write(otter_submission(nb), path)
        return grade_one.grade(str(ZIPS / f"{notebook}.zip"), str(path),
                               grade_one.SUBMISSION_SECONDS, chosen_isolation(unsafe))


def _error(name, text):
    return NotebookNode(output_type="error", ename=name, evalue=text,
                        traceback=[f"{name}: {text}"])


def check_output(outcome, cell):
    """The output of autograder test cell `cell`: the result of its check in `outcome`."""
    if outcome.status is not Status.GRADED:
        return _error("NotGraded", outcome.status_text())
    question = outcome.questions.get(question_of(cell.metadata.nbgrader.get("grade_id", "")))
    name = check_name(cell.source)
    found = [check for check in (question.checks if question else []) if check.name == name]
    if len(found) != 1:
        return _error("NotGraded", f"the course grader has no check {name} for this cell")
    [check] = found
    if check.passed:
        return NotebookNode(output_type="stream", name="stdout",
                            text=PASSED.format(title=check.title))
    return _error("CheckFailed", check.message or f"failed: {check.title}")


class ContainedKernelManager(AsyncKernelManager):
    """A kernel run as the course grader runs a submission (`contain` says how): its
    command wrapped by the isolation, its folder (a scratch copy of the notebook's) the
    only one it can write, unix sockets in that folder instead of TCP (no network
    needed), an environment of PATH and HOME only, the rlimits of `make grade` (prlimit,
    util-linux), interrupts sent as messages."""

    def contain(self, isolation, staging, folder):
        self.isolation, self.staging, self.folder = isolation, staging, str(folder)
        self.transport, self.connection_file = "ipc", os.path.join(folder, "kernel.json")
        self.ip = os.path.join(folder, "kernel-ipc")
        self.kernel_spec.interrupt_mode = "message"  # a signal stops at the sandbox

    def format_kernel_cmd(self, extra_arguments=None):
        limits = [f"--{name[len('RLIMIT_'):].lower()}={value}" for name, value
                  in self.isolation.limits(grade_one.SUBMISSION_SECONDS).items()]
        kernel = [shutil.which("prlimit") or "prlimit", *limits, "--",
                  *super().format_kernel_cmd(extra_arguments)]
        return self.isolation.command(self.staging, kernel, shared=self.folder)

    async def _async_pre_start_kernel(self, **kw):
        # independent: its parent PID, which the kernel would watch, is not in its view
        kw.update(cwd=self.folder, env={"PATH": os.environ.get("PATH", ""), "HOME": self.folder},
                  independent=True)
        command, kw = await super()._async_pre_start_kernel(**kw)
        hand_over(self.folder, self.isolation.owner(self.staging))  # the connection file
        return command, kw


def hand_over(folder, owner):
    """Make `owner` ((uid, gid), or None for the grader) own `folder` and all it holds."""
    if owner is not None:
        for path in (folder, *pathlib.Path(folder).rglob("*")):
            os.chown(path, *owner, follow_symlinks=False)


class GradeWithCourseGrader(Execute):
    """nbgrader's Execute, with every autograder test cell's result from the course's
    sandboxed grader instead of the student's kernel (see the module's docstring)."""

    unsafe = Unicode("", help="Why grading without isolation is acceptable here (empty: "
                              "refuse to grade without it, as `make grade` does)").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{"kernel_manager_class": ContainedKernelManager, **kwargs})

    def preprocess(self, nb, resources):
        outcome = grade_submission(nb, resources["nbgrader"]["notebook"], self.unsafe)
        self.log.info("course grader: %s", outcome.status_text())
        isolation = chosen_isolation(self.unsafe)
        with tempfile.TemporaryDirectory(prefix="nbgrader-feedback-") as staging:
            isolation.prepare(staging)
            try:
                folder = pathlib.Path(staging) / "notebook"  # the kernel's scratch copy
                shutil.copytree(resources["metadata"]["path"], folder, symlinks=True)
                os.chmod(folder, 0o700)
                hand_over(folder, isolation.owner(staging))
                self._kernel_folder = (isolation, staging, folder)
                nb, resources = super().preprocess(nb, resources)
            except DeadKernelError:  # os._exit, a crash: the feedback's outputs stop there
                self.log.warning("the student's kernel died while running the notebook")
            finally:  # the sandbox-account tier: every process of the account killed
                isolation.finish(staging)
        for cell in nb.cells:
            if is_test_cell(cell):
                cell.outputs = [check_output(outcome, cell)]
        return nb, resources

    def create_kernel_manager(self):
        manager = super().create_kernel_manager()
        manager.contain(*self._kernel_folder)
        return manager

    def preprocess_cell(self, cell, resources, index):
        if is_test_cell(cell):  # its result comes from the course grader
            return cell, resources
        return super().preprocess_cell(cell, resources, index)


def _released(cell, source):
    """`source` (of locked cell `cell`) as the release holds it: hidden tests stripped."""
    released = copy.deepcopy(cell)
    released.source = source
    ClearHiddenTests()._remove_hidden_test_region(released)
    return released.source


class OverwriteCellsOfTheRelease(OverwriteCells):
    """OverwriteCells that takes a locked cell exactly as released as untouched: the
    release strips hidden test regions, so such a cell is compared with its source
    stripped the same way, and restored from the gradebook without a warning."""

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and utils.is_locked(cell):
            try:
                stored = self.gradebook.find_source_cell(grade_id, self.notebook_id,
                                                         self.assignment_id).source
            except MissingEntry:  # OverwriteCells says so
                stored = None
            if stored is not None and _released(cell, stored) == cell.source:
                cell.source = stored
        return super().preprocess_cell(cell, resources, cell_index)
