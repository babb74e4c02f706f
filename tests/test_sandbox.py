"""The grader's side of a student's process, without starting one: how a reply becomes
a result or the student's exception, and how a process that cannot go on is given up."""

import time

import pytest

from autograder import wire
from autograder.results import Status
from autograder.sandbox import StudentProcess, StudentProcessError


def idle_process(seconds_left):
    """A StudentProcess object with no process behind it, `seconds_left` before its deadline."""
    process = StudentProcess.__new__(StudentProcess)
    process.dead = process.dead_status = None
    process.total_seconds, process.deadline = 5, time.monotonic() + seconds_left
    process.hung, process.call_seconds = set(), 1
    process.close = lambda: None
    return process


def test_a_process_past_its_deadline_is_given_up_for_good():
    process = idle_process(-1)
    for _ in range(2):  # and stays given up
        with pytest.raises(StudentProcessError) as raised:
            process._exchange({"op": "seed", "seed": 1}, 5, "while seeding")
        assert raised.value.status is Status.TIMED_OUT
    assert process.dead and process.dead_status is Status.TIMED_OUT


def test_a_name_the_students_code_does_not_define_arrives_with_the_name():
    reply = {"error": "NameError", "message": "name 'q_update' is not defined", "name": "q_update"}
    with pytest.raises(NameError) as raised:
        idle_process(5)._result("dyna_q_planning", (), reply)
    assert raised.value.name == "q_update"


def test_a_call_past_its_time_limit_marks_the_function_and_stops_later_calls():
    process = idle_process(5)
    with pytest.raises(Exception) as first:
        process._result("dyna_q_planning", (), {"error": wire.TIME_LIMIT, "message": "slow"})
    with pytest.raises(Exception) as later:
        process._check_not_hung("dyna_q_planning")
    assert type(first.value).__name__ == type(later.value).__name__ == wire.TIME_LIMIT
    assert process.hung == {"dyna_q_planning"}
