"""Typed grading results: what grading one submission produced, per question and per
check, and the status that says how it went. The summary, the gradebook, the feedback
files and Gradescope's results all read these fields; none parses a status text.

Outcomes travel as JSON (the grader's cache in OUT/results/, the `grade_one` command):
`Outcome.to_json()` and `Outcome.from_json()` are each other's inverse.
"""

import enum
from dataclasses import asdict, dataclass, field, fields


class Status(enum.Enum):
    """How grading one submission went."""
    GRADED = "graded"                      # the tests ran (some cells may have failed)
    TIMED_OUT = "timed out"                # the notebook used up its time before the tests ran
    CRASHED = "crashed"                    # its process ended or broke the protocol
    INVALID = "invalid notebook"           # not a readable .ipynb
    WRONG_ASSIGNMENT = "wrong assignment"  # a notebook of another assignment
    WRONG_RELEASE = "wrong release"        # a notebook of the nbgrader (JupyterHub) release
    GRADER_ERROR = "grading error"         # a fault of the grader itself
    MISSING = "missing"                    # an expected notebook nobody handed in


@dataclass
class CheckResult:
    """One Otter test case of a question: its test function's name and what it checks in
    plain words (its docstring), passed or failed, with its points."""
    name: str
    passed: bool
    hidden: bool
    points: float
    message: str = ""
    description: str = ""
    missing: str = ""  # a name the notebook does not define that made the check fail

    @property
    def title(self):
        """What the check checks in plain words: its description, else its name in words."""
        return self.description or readable(self.name)


@dataclass
class QuestionResult:
    """A question's score out of its possible points, and its checks in order."""
    score: float
    possible: float
    checks: list = field(default_factory=list)


@dataclass(frozen=True)
class CacheKey:
    """What a cached Outcome depends on, part by part: digests of the submission's bytes,
    of the autograder's (its tests, hidden checks and graded code) and of the isolation
    it was graded in."""
    submission: str
    autograder: str
    isolation: str

    def changed(self, other):
        """The names of the parts that differ from `other`'s, in order."""
        return [part.name for part in fields(self)
                if getattr(self, part.name) != getattr(other, part.name)]


@dataclass
class Outcome:
    """Everything grading one submission produced.

    `detail` is the plain-words reason shown to people: why a submission was not
    graded, or what went wrong while it was (empty when nothing did).
    """
    status: Status
    detail: str = ""
    questions: dict = field(default_factory=dict)
    cell_errors: list = field(default_factory=list)
    output: str = ""
    key: CacheKey = None  # set once the grader caches it

    @property
    def graded(self):
        return self.status is Status.GRADED

    def status_text(self):
        """The status as the gradebook and the feedback print it."""
        if self.graded:
            if self.detail:
                return f"graded, but {self.detail}"
            if self.cell_errors:
                return f"graded; cells raised {', '.join(sorted(set(self.cell_errors)))}"
            return "graded"
        return self.detail or self.status.value

    def to_json(self):
        data = asdict(self)
        data["status"] = self.status.value
        return data

    @classmethod
    def from_json(cls, data):
        questions = {name: QuestionResult(q["score"], q["possible"],
                                          [CheckResult(**c) for c in q["checks"]])
                     for name, q in data.get("questions", {}).items()}
        key = data.get("key")
        return cls(**{**data, "status": Status(data["status"]), "questions": questions,
                      "key": key and CacheKey(**key)})


def readable(test_name):
    """A test function's name in words: test_k_zero_changes_nothing -> k zero changes nothing."""
    return test_name.removeprefix("test_").replace("_", " ")


def not_defined(name):
    """What grading says when the notebook does not define `name` (as it should be shown)."""
    return (f"{name} is not defined in your notebook: did you delete, rename or not run the "
            "cell that defines it?")


def not_graded(status, detail):
    """The outcome of a submission that could not be graded, and why."""
    return Outcome(status, detail)
