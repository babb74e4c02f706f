"""A student's feedback file: every check of a question on its own line, with its points,
so the question's score is explained line by line; a function the notebook does not
define is said once. (End to end, on real graded notebooks: tests/test_grading.py.)"""

from autograder.gradebook import feedback_text
from autograder.results import CheckResult, Outcome, QuestionResult, Status, not_defined

MISSING = "NameError: " + not_defined("dyna_q_planning")


def feedback(checks, possible=2.5):
    score = sum(check.points for check in checks if check.passed)
    outcome = Outcome(Status.GRADED, questions={"dyna_q_planning": QuestionResult(score, possible, checks)})
    return feedback_text("ann", "02_planning", outcome, [("dyna_q_planning", possible, False)])


def test_every_check_is_listed_with_its_points_and_how_it_went():
    text = feedback([
        CheckResult("test_k_zero", True, False, 1.0, "", "With k = 0 no value changes."),
        CheckResult("test_update", False, True, 1.0, "got 0.75\nexpected 0.7", "each update is Q-learning"),
        CheckResult("test_sequential_updates", True, True, 0.5),
    ])
    assert "## dyna_q_planning: 1.5 / 2.5\n\nChecks:\n" \
           "- ✓ passed, 1 of 1 point (public check): With k = 0 no value changes.\n" \
           "- ✗ failed, 0 of 1 point (hidden check): each update is Q-learning\n" \
           "  - got 0.75\n    expected 0.7\n" \
           "- ✓ passed, 0.5 of 0.5 points (hidden check): sequential updates\n" in text


def test_a_failed_check_without_a_message_says_so():
    text = feedback([CheckResult("test_update", False, False, 1.0, "", "an update")])
    assert "- ✗ failed, 0 of 1 point (public check): an update\n  - no details" in text


def test_a_missing_function_is_said_once_and_every_check_names_it():
    checks = [CheckResult("test_public", False, False, 1.0, MISSING, "public example",
                          "dyna_q_planning"),
              CheckResult("test_hidden", False, True, 1.5,
                          f"your dyna_q_planning raised {MISSING} when called with k=3.", "hidden",
                          "dyna_q_planning")]
    text = feedback(checks)
    assert text.count("is not defined in your notebook") == 1
    assert "**`dyna_q_planning` is not defined in your notebook: did you delete, rename or not " \
           "run the cell that defines it?**" in text
    assert "- ✗ failed (`dyna_q_planning` is not defined), 0 of 1 point (public check): public " \
           "example\n- ✗ failed (`dyna_q_planning` is not defined), 0 of 1.5 points (hidden " \
           "check): hidden\n" in text


def test_a_name_missing_inside_the_function_is_said_once_too():
    message = "your dyna_q_planning raised NameError: name 'q_learning' is not defined when called."
    text = feedback([CheckResult(f"test_{n}", False, True, 1.0, message, f"check {n}", "q_learning")
                     for n in "ab"])
    assert text.count("`q_learning` is not defined in your notebook") == 1
    assert "raised" not in text


def test_an_undefined_name_is_read_from_the_exception_and_never_from_its_message():
    from autograder.grade_one import undefined_name
    from autograder.sandbox import MissingName
    try:
        try:
            MissingName("dyna_q_planning")()
        except NameError:
            raise AssertionError("dyna_q_planning raised an error")  # as a check words it
    except AssertionError as failure:
        assert undefined_name(failure) == "dyna_q_planning"
    assert undefined_name(AssertionError("NameError: name 'q_update' is not defined")) == ""
