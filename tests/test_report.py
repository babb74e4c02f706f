"""The class report from outcomes and gradebook rows built here (no grading): a stub left
as given is "not attempted", not a misconception; written answers still to grade by hand
are shown as pending."""

import re

from autograder.gradebook import MANUAL_STATUS, Kind, Row
from autograder.hand_grading import GRADED_BY_HAND, NEEDS_REGRADING
from autograder.report import check_shares, report_html
from autograder.results import CheckResult, Outcome, QuestionResult, Status

CHECK = "test_planning_makes_k_updates"
FAILURES = {  # what a hidden check says of each student's dyna_q_planning
    "ann": "your dyna_q_planning raised NotImplementedError: Student exercise: implement it",
    "ben": "your dyna_q_planning raised TypeError: 'ellipsis' object cannot be interpreted "
           "as an integer when called with k=1",
    "cy": "dyna_q_planning made 2 updates with k=1; it should make 1",
    "dee": "",  # passed
}


def planning_outcome(message):
    check = CheckResult(CHECK, passed=not message, hidden=True, points=1, message=message,
                        description="makes k updates")
    return Outcome(Status.GRADED, questions={"dyna_q_planning": QuestionResult(
        float(not message), 1, [check])})


def outcomes_and_rows():
    outcomes = {(student, "02_planning"): planning_outcome(message)
                for student, message in FAILURES.items()}
    rows = [Row(student, "02_planning", "dyna_q_planning", float(not message), 1, "graded",
                Kind.AUTOGRADED)
            for student, message in FAILURES.items()]
    return outcomes, rows


def test_a_stub_left_as_given_is_not_attempted_not_a_misconception():
    outcomes, rows = outcomes_and_rows()
    [share] = check_shares(outcomes)
    assert (share.failed, share.not_attempted, share.attempted, share.graded) == (1, 2, 2, 4)
    assert share.share == 0.5 and share.sample == FAILURES["cy"]
    page = report_html(outcomes, rows)
    [row] = re.findall(r'<tr data-check="02_planning/(\w+)" data-failed="(\d+)" data-graded="(\d+)" '
                       r'data-not-attempted="(\d+)"', page)
    assert row == (CHECK, "1", "4", "2")
    assert re.search(r'<tr data-not-attempted="02_planning/dyna_q_planning"><td>02_planning</td>'
                     r'<td>dyna_q_planning</td><td>2</td>', page)


def test_a_class_that_only_left_stubs_has_no_misconception():
    outcomes = {(s, "02_planning"): planning_outcome(FAILURES[s]) for s in ("ann", "ben")}
    page = report_html(outcomes, [])
    assert "No hidden check failed." in page and 'data-not-attempted="02_planning/' in page


def test_written_answers_still_to_grade_by_hand_or_again_are_shown_pending():
    outcomes, rows = outcomes_and_rows()
    written = {"ann": (2, GRADED_BY_HAND, Kind.GRADED_BY_HAND),
               "ben": (0, MANUAL_STATUS, Kind.AWAITING_HAND),
               "cy": (0, NEEDS_REGRADING, Kind.NEEDS_REGRADING)}
    for student, (score, status, kind) in written.items():
        outcomes[student, "01_model_update"] = Outcome(Status.GRADED)
        rows.append(Row(student, "01_model_update", "model_limits", score, 2, status, kind))
    page = report_html(outcomes, rows)
    assert re.search(r"id='hand-progress' data-done='1' data-total='3' data-pending='2' "
                     r"data-again='1'", page)
    assert "class='pending' data-pending='2'" in page  # beside the notebook's totals
    # the question's mean is over the one answer scored, and its two pending are shown
    assert "<td>model_limits</td><td>2.00</td><td>2</td><td>1</td><td>2</td>" in page
