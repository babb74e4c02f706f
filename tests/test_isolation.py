"""Grading refuses to run where submissions cannot be isolated, unless asked to
(UNSAFE=1), says why and how to enable isolation, records what it used, and grades the
course's own examples in any case. A root grader without bubblewrap grades in the
sandbox-account tier instead. Honest submissions only: the hostile ones are graded,
isolated, in test_grading_safety.py and test_gradescope_container.py."""

import csv
import dataclasses
import os
import shutil
import subprocess
import sys

import pytest

from autograder import isolation
from autograder import grade
from autograder.grade import EXAMPLES, grade_batch, isolation_for
from autograder.submissions import write_correct_submissions
from conftest import ROOT

MAKE = shutil.which("make")
NAMESPACES_REFUSED = ("bwrap: No permissions to creating new namespace, likely because the "
                      "kernel does not allow non-privileged user namespaces.")


@pytest.fixture(scope="module")
def one_student(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one")
    write_correct_submissions(folder, "ann", names=("01_model_update",))
    return folder


@pytest.fixture
def previous_out(tmp_path):
    """An OUT folder holding an earlier gradebook, which a refusal must leave alone."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "gradebook.csv").write_text("the previous gradebook\n")
    return out


def make_grade(submissions, out, path, *settings):
    """`make grade` with `path` as PATH, where the grader looks for bwrap."""
    return subprocess.run([MAKE, "-s", "grade", f"SUBMISSIONS={submissions}", f"OUT={out}",
                           *settings], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PATH": path})


def refused_grading(monkeypatch, submissions, out, path):
    """What the grader says when, not root, it finds `path` as its PATH: its exit message."""
    monkeypatch.setenv("PATH", path)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # a user's grader: no sandbox account
    with pytest.raises(SystemExit) as refusal:
        grade.main([str(submissions), str(out)])
    return str(refusal.value.code)


def assert_refused(said, out, why):
    assert why in said
    assert "apt-get install bubblewrap" in said and "unprivileged user namespaces" in said
    assert "UNSAFE=1" in said and "the grader is not root" in said
    assert (out / "gradebook.csv").read_text() == "the previous gradebook\n"
    assert sorted(p.name for p in out.iterdir()) == ["gradebook.csv"]


def test_grading_refuses_without_bubblewrap_and_says_how_to_enable_it(monkeypatch, one_student,
                                                                      previous_out, tmp_path):
    said = refused_grading(monkeypatch, one_student, previous_out, str(tmp_path / "no-programs-here"))
    assert_refused(said, previous_out, "bubblewrap (bwrap) is not installed")


def test_grading_refuses_where_a_sandbox_cannot_be_made_and_says_why(monkeypatch, one_student,
                                                                     previous_out, tmp_path):
    fake = tmp_path / "bin" / "bwrap"  # bubblewrap on a kernel without user namespaces
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\necho '{NAMESPACES_REFUSED}' >&2\nexit 1\n")
    fake.chmod(0o755)
    said = refused_grading(monkeypatch, one_student, previous_out,
                           f"{fake.parent}:{os.environ['PATH']}")
    assert_refused(said, previous_out, NAMESPACES_REFUSED)


def test_a_root_grader_without_bubblewrap_grades_as_a_sandbox_account(one_student, tmp_path):
    assert os.geteuid() == 0, "the sandbox-account tier needs a root grader, as CI's"
    out = tmp_path / "out"
    done = make_grade(one_student, out, str(tmp_path / "no-programs-here"))
    assert done.returncode == 0, done.stderr[-2000:]
    record = (out / "isolation.txt").read_text()
    assert record.startswith("isolation: sandbox account (bubblewrap cannot run: bubblewrap "
                             "(bwrap) is not installed); student code as an unprivileged account")
    assert done.stdout.count("isolation:") == 1 and record.strip() in done.stdout
    [row] = [r for r in csv.DictReader((out / "gradebook.csv").open())
             if r["question"] == "dyna_q_model_update"]
    assert row["score"] == row["max_score"] and row["status"] == "graded"


def test_unsafe_grading_runs_without_isolation_and_records_it(one_student, tmp_path):
    out = tmp_path / "out"
    done = make_grade(one_student, out, str(tmp_path / "no-programs-here"), "UNSAFE=1")
    assert done.returncode == 0, done.stderr[-2000:]
    record = (out / "isolation.txt").read_text()
    assert record == "isolation: none (UNSAFE=1 asked for none)\n"
    assert done.stdout.count("isolation:") == 1 and record.strip() in done.stdout
    [row] = [r for r in csv.DictReader((out / "gradebook.csv").open())
             if r["question"] == "dyna_q_model_update"]
    assert row["score"] == row["max_score"] and row["status"] == "graded"


def test_the_course_examples_are_graded_without_isolation_and_say_so(monkeypatch, one_student):
    monkeypatch.setenv("PATH", "")  # no bwrap
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # and no sandbox account
    chosen = isolation_for(EXAMPLES, unsafe=False)
    assert not chosen.isolated
    assert chosen.summary == ("isolation: none (bubblewrap (bwrap) is not installed; the grader "
                              "is not root, so student code cannot run as an account of its own "
                              "either: it runs with the grader's rights; grading the course's "
                              "own example submissions anyway)")
    with pytest.raises(isolation.IsolationUnavailable, match="not installed"):
        isolation_for(one_student, unsafe=False)


def test_a_folder_that_student_code_could_read_is_not_graded(tmp_path):
    bubblewrap = isolation.bubblewrap()
    assert bubblewrap.exposes(ROOT / "helpers" / "__init__.py")
    assert not bubblewrap.exposes(ROOT / "autograder") and not bubblewrap.exposes(tmp_path)
    with pytest.raises(ValueError, match="inside what student code may read"):
        grade_batch(tmp_path, ROOT / ".venv" / "gradebook", bubblewrap)
    assert not (ROOT / ".venv" / "gradebook").exists()


def test_a_runtime_under_tmp_stays_visible_in_the_sandbox(tmp_path):
    """A project (or a Python) cloned under /tmp: the sandbox's own folders hide none of it."""
    package = tmp_path / "course_under_tmp"
    package.mkdir()
    (package / "__init__.py").write_text("ANSWER = 42\n")
    shown = isolation.bubblewrap()
    under_tmp = dataclasses.replace(shown, exposed=(*shown.exposed, str(package)))
    staging = tmp_path / "staging"
    staging.mkdir()
    under_tmp.prepare(staging)
    os.chmod(tmp_path, 0o755)
    code = (f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import course_under_tmp, os; "
            "open('written', 'w').write('x'); print(course_under_tmp.ANSWER, os.getcwd())")
    done = subprocess.run(under_tmp.command(staging, [sys.executable, "-c", code]),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["42", isolation.SCRATCH]
