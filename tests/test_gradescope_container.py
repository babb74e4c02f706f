"""Gradescope's container, simulated (tests/gradescope_container.py: root, Docker's
default capabilities, a seccomp filter refusing new namespaces, so bubblewrap cannot
run): the zip's own entry point `run_autograder` grades a wrong answer of notebook 01,
once plainly and once beside each hostile cell below. Every hostile cell would turn the
wrong answer into a right one if its attack worked ("stolen"); each keeps the wrong
answer's honest score, changes nothing outside its sandbox and leaves no process behind.
"""

import hashlib
import json
import os
import pathlib
import secrets
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from autograder.masters import reference_sources
from autograder.sandbox_account import FIRST_UID
from autograder.submissions import fill_notebook
from conftest import ROOT
from hostile import processes_naming, tree_state

CONTAINER = ROOT / "tests" / "gradescope_container.py"
ZIP = ROOT / "autograder" / "zips" / "01_model_update.zip"
WRONG = "def dyna_q_model_update(model, state, action, reward, next_state):\n    return model\n"

# Each hostile cell sets `stolen` when its attack worked; MARKER and SECRET are filled in.
PRELUDE = f'''\
import glob, json, os, signal, subprocess, sys
if os.getuid() < {FIRST_UID}:
    raise SystemExit("not a sandbox account: the attack is not run")
stolen = False

def worked(action):
    """Whether `action` succeeded (an attack that raises did not)."""
    global stolen
    try:
        action()
    except OSError:
        return
    stolen = True
'''
ATTACKS = {
    # a detached process and a double-forked one wait to rewrite the results file
    "rewrites_the_results_later": '''
REWRITE = """# MARKER
import json, time
for _ in range(600):
    try:
        with open("/autograder/results/results.json") as handle:
            results = json.load(handle)
        for test in results["tests"]:
            test["score"] = test["max_score"]
        with open("/autograder/results/results.json", "w") as handle:
            json.dump(results, handle)
    except (OSError, ValueError):
        pass
    time.sleep(0.05)
"""
subprocess.Popen([sys.executable, "-c", REWRITE], start_new_session=True, stdin=subprocess.DEVNULL,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", REWRITE])
    os._exit(0)
''',
    "reads_the_tests": '''
def read_all():
    for path in ["/autograder/source/tests/dyna_q_model_update.py",
                 "/autograder/source/files/dynaq_checks.py",
                 "/autograder/source/files/autograder/grade_one.py",
                 "/autograder/submission_metadata.json",
                 f"/proc/{os.getppid()}/cwd/source/tests/dyna_q_model_update.py",
                 *glob.glob("/autograder/**/*.py", recursive=True)]:
        worked(lambda: open(path).read())
read_all()
''',
    "writes_source_and_results": '''
worked(lambda: open("/autograder/source/tests/dyna_q_model_update.py", "w").write("test = {}"))
worked(lambda: open("/autograder/source/files/dynaq_checks.py", "a").write("# tampered"))
worked(lambda: open("/autograder/source/PWNED", "w").write("x"))
worked(lambda: open("/autograder/results/results.json", "w").write('{"score": 6}'))
worked(lambda: open("/autograder/results/forged.json", "w").write('{"score": 6}'))
''',
    "kills_the_grader": '''
worked(lambda: os.kill(os.getppid(), signal.SIGKILL))
for pid in (path.rsplit("/", 1)[1] for path in glob.glob("/proc/[0-9]*")):
    try:
        command = open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        continue
    if int(pid) != os.getpid() and (b"run_otter" in command or b"run_autograder" in command):
        worked(lambda: os.kill(int(pid), signal.SIGKILL))
''',
    "reads_secrets": '''
def steal(text):
    global stolen
    stolen = stolen or "SECRET" in text
steal(repr(dict(os.environ)))
for pid in (path.rsplit("/", 1)[1] for path in glob.glob("/proc/[0-9]*")):
    try:
        steal(open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace"))
    except OSError:
        pass
''',
}


def hostile_answer(attack, marker, secret):
    """The cell of `attack`: the attack, then the right answer if it worked, else WRONG."""
    correct = reference_sources()["dyna_q_model_update"]
    code = (PRELUDE + ATTACKS[attack]).replace("MARKER", marker).replace("SECRET", secret)
    return f"{code}\n{correct}\nif not stolen:\n{textwrap.indent(WRONG, '    ')}"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_in_container(folder, notebook, secret, marker):
    """Lay out /autograder as Gradescope does, run `run_autograder` in the simulated
    container; return (results, results.json's digest then, its folder's files and the
    source tree's state after a while, the source tree's state before, the processes
    naming `marker` when the entry point returned and a while later)."""
    for sub in ("source", "submission", "results"):
        (folder / sub).mkdir(parents=True)
    zipfile.ZipFile(ZIP).extractall(folder / "source")
    shutil.copy(folder / "source" / "run_autograder", folder / "run_autograder")
    (folder / "run_autograder").chmod(0o755)  # as Gradescope's image has it
    (folder / "submission_metadata.json").write_text(json.dumps({"users": [{"email": secret}]}))
    nbformat.write(notebook, folder / "submission" / "01_model_update.ipynb")
    stub = folder.parent / f"{folder.name}-bin"
    stub.mkdir()
    (stub / "mamba").write_text("#!/bin/sh\nexit 0\n")  # the image's conda, already active
    (stub / "mamba").chmod(0o755)
    before = tree_state(folder / "source")
    done = subprocess.run(
        [sys.executable, str(CONTAINER), str(folder), "--", "/autograder/run_autograder"],
        capture_output=True, text=True, timeout=300,
        env={"PATH": f"{stub}:{pathlib.Path(sys.executable).parent}:/usr/bin:/bin",
             "HOME": os.environ["HOME"], "DYNAQ_SECRET": secret,
             "PYTHONDONTWRITEBYTECODE": "1"})  # only a submission could change the source
    survivors = processes_naming(marker)
    assert done.returncode == 0, done.stderr[-3000:]
    results = folder / "results" / "results.json"
    then = digest(results)
    time.sleep(1)  # a survivor rewriting the results would have done so by now
    return (json.loads(results.read_text()), then, digest(results),
            sorted(p.name for p in (folder / "results").iterdir()),
            before, tree_state(folder / "source"), survivors + processes_naming(marker))


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    root = tmp_path_factory.mktemp("container")
    secret = f"SECRET-{secrets.token_hex(8)}"
    markers = {name: f"dynaq-survivor-{secrets.token_hex(8)}" for name in ["wrong", *ATTACKS]}
    sources = reference_sources()
    notebooks = {"wrong": fill_notebook("01_model_update", {**sources, "dyna_q_model_update": WRONG})}
    for attack in ATTACKS:
        notebooks[attack] = fill_notebook("01_model_update", {
            **sources, "dyna_q_model_update": hostile_answer(attack, markers[attack], secret)})
    with ThreadPoolExecutor(2) as pool:
        runs = dict(zip(notebooks, pool.map(
            lambda name: run_in_container(root / name, notebooks[name], secret, markers[name]),
            notebooks)))
    return dict(runs=runs, secret=secret)


def scores(results):
    return [(t["name"], t["score"], t["max_score"]) for t in results["tests"]]


def test_bubblewrap_is_refused_there_and_the_sandbox_account_tier_grades(container):
    results = container["runs"]["wrong"][0]
    status, isolation = results["output"].splitlines()
    assert status == "Status: graded"
    assert isolation.startswith("isolation: sandbox account (bubblewrap cannot run: ")
    assert "Creating new namespace failed: Operation not permitted" in isolation
    assert "Landlock ABI" in isolation  # this kernel has Landlock: it is used


def test_the_wrong_answer_scores_what_it_earns(container):
    earned = sum(t["score"] for t in container["runs"]["wrong"][0]["tests"])
    assert 0 < earned < sum(t["max_score"] for t in container["runs"]["wrong"][0]["tests"])


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_every_attack_keeps_the_honest_score_and_changes_nothing(container, attack):
    results, then, later, files, before, after, survivors = container["runs"][attack]
    assert scores(results) == scores(container["runs"]["wrong"][0]), attack
    assert results["output"].startswith("Status: graded\nisolation: sandbox account")
    assert then == later, "the results changed after the grader wrote them"
    assert files == ["results.json"]
    assert before == after, "the autograder's source changed"
    assert container["secret"] not in json.dumps(results)
    assert survivors == [], "a process of the submission outlived its grading"
