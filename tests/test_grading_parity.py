"""The same submission gets the same score per function in the four grading paths:
`make grade`, the Gradescope entry point, `nbgrader autograde` and the sandbox-account
tier in Gradescope's container, measured on every notebook's whole corpus of correct
and buggy answers.

The batch packs the corpus: submission i of notebook N carries the i-th corpus answer of
each function N grades (a shorter corpus starts again from its first answer), and the
masters' solutions everywhere else, so each notebook has as many submissions as its
largest corpus.

- `make grade`: `autograder.grade.grade_batch` on the whole batch.
- Gradescope: the entry point grades with the same function as `make grade`
  (`grade_one.grade_unpacked`) and converts the outcome with `gradescope.results`. Every
  outcome of the batch goes through that conversion, and the zip's own `run_otter.py`
  runs as Gradescope runs it on one submission of every notebook (and on the truncated
  upload); regrading all of them through it would time the same function twice.
- nbgrader, with its own CLI (generate_assignment, autograde, export): the course from
  `make nbgrader` grades one corpus submission of every notebook and the special
  hand-ins. Its autograde takes every test cell's result from the course grader
  (`autograder.nbgrader_grading`), so the whole corpus is scored on the hub's way from
  the outcomes of `make grade`: each test cell of the nbgrader notebook gets the output
  the preprocessor would give it, and nbgrader's own rule scores it.
- The sandbox-account tier, in the simulated Gradescope container
  (tests/gradescope_container.py: bubblewrap refused as Docker refuses it):
  tests/packed_grading.py grades the whole corpus there with the zips' own test files,
  one student process per notebook holding every submission's answers under names of
  their own, so one process start serves them all.

Differences by design, asserted where they show: a written answer (Otter leaves it to
hand grading, nbgrader scores an unchanged answer 0 at once and Gradescope leaves it to
its own manual grading), an unreadable upload, and nbgrader's CSV rows for notebooks a
student never handed in.
"""

import csv
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from autograder import course, gradescope, nbgrader_course, nbgrader_grading, tiers
from autograder.results import Status
from autograder.grade import grade_batch
from autograder.gradebook import MANUAL_STATUS
from autograder.masters import check_module, questions, reference_sources
from autograder.submissions import fill_notebook, write_submission
from conftest import ROOT, gradescope_run, nbgrader
from test_gradescope_container import CONTAINER

CORPUS = ROOT / "tests" / "corpus"
ZIPS = ROOT / "autograder" / "zips"
NOISY_MODEL_UPDATE = '''
import sys

def dyna_q_model_update(model, state, action, reward, next_state):
    print("debug: updating", state, action, file=sys.stderr)   # correct, but noisy
    model[state, action] = reward, next_state
    return model
'''
# students beside the corpus: (student, notebook) -> functions replacing the solutions
SPECIAL = {("noisy", "01_model_update"): {"dyna_q_model_update": NOISY_MODEL_UPDATE},
           ("crashing", "02_planning"): {"dyna_q_planning": "raise RuntimeError('my cell is broken')"},
           ("fakes_the_kit", "02_planning"): {
               "dyna_q_planning": (CORPUS / "dyna_q_planning/buggy/ignores_gamma.py").read_text()}}
TRUNCATED = ("truncated", "02_planning")  # an upload cut short: not a readable notebook
FAKE_CHECK_KIT = "def assert_passes(*args):\n    pass\n"  # a check_kit passing every check


def corpus(function):
    """(verdict, path) of every corpus answer of `function`, correct ones first."""
    return [(verdict, path) for verdict in ("correct", "buggy")
            for path in sorted((CORPUS / function / verdict).glob("*.py"))]


def packed_batch():
    """{(student, notebook): {function: (verdict, corpus path)}} for the whole corpus."""
    batch = {}
    for notebook in course.NOTEBOOKS:
        answers = {f.name: corpus(f.name) for f in course.graded_in(notebook)}
        for i in range(max(len(entries) for entries in answers.values())):
            batch[f"n{notebook[:2]}-{i:02d}", notebook] = {
                function: entries[i % len(entries)] for function, entries in answers.items()}
    return batch


BATCH = packed_batch()


def sources_of(key):
    """The function sources handed in by submission `key`."""
    if key in SPECIAL:
        return {**reference_sources(), **SPECIAL[key]}
    return {**reference_sources(), **{f: path.read_text() for f, (_, path) in BATCH[key].items()}}


def expected_failures(path):
    return sorted(name.strip() for name in path.read_text().splitlines()[0].split(":", 1)[1].split(","))


# --- the three graders ---------------------------------------------------------------

def grade_with_make(folder, out):
    for student, notebook in [*BATCH, *SPECIAL]:
        write_submission(folder, student, notebook, sources_of((student, notebook)))
    (folder / TRUNCATED[0]).mkdir()
    (folder / TRUNCATED[0] / f"{TRUNCATED[1]}.ipynb").write_text('{"cells": [  (a truncated upload)')
    outcomes, rows, *_ = grade_batch(folder, out, tiers.choose(), jobs=2, progress=False)
    return outcomes, {(r.student, r.notebook, r.question): (float(r.score), float(r.max_score), r.status)
                      for r in rows}


def hand_in(folder, student, notebook, assignment, source_notebook):
    path = folder / "submitted" / student / assignment / f"{notebook}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook, path)
    return path


def autograde(folder, assignments):
    """Autograde and export the course in `folder`; return (scores by (student, notebook,
    question) as [score, max, needs manual grading], the autograde process, CSV rows)."""
    from nbgrader.api import Gradebook

    autograded = nbgrader(folder, "autograde", "*")
    failed = [line for line in autograded.stderr.splitlines()
              if "error processing" in line and TRUNCATED[0] not in line]
    assert not failed, "\n".join(failed[:20])  # only the truncated upload may fail
    exported = nbgrader(folder, "export", "--to", "grades.csv")
    assert exported.returncode == 0, exported.stderr
    with open(folder / "grades.csv", newline="") as handle:
        csv_rows = list(csv.DictReader(handle))
    notebook_of = {assignment: notebook for notebook, assignment in assignments.items()}
    scores = {}
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        for assignment in assignments.values():
            for submission in gradebook.assignment_submissions(assignment):
                for grade in submission.notebooks[0].grades:
                    key = (submission.student.id, notebook_of[assignment],
                           nbgrader_grading.question_of(grade.name))
                    entry = scores.setdefault(key, [0.0, 0.0, False])
                    entry[0] += grade.score
                    entry[1] += grade.max_score
                    entry[2] |= grade.needs_manual_grade
    return scores, autograded, csv_rows


def new_course(folder, sources=None):
    """An nbgrader course from `make nbgrader` in `folder`, its assignments generated;
    `sources` ({notebook: source notebook}) replaces the converted ones. Returns
    {notebook: assignment}."""
    assignments = nbgrader_course.write_course(folder)
    for notebook, source in (sources or {}).items():
        nbformat.write(source, folder / "source" / assignments[notebook] / f"{notebook}.ipynb")
    generated = nbgrader(folder, "generate_assignment", "*")
    assert generated.returncode == 0 and "ERROR" not in generated.stderr, generated.stderr
    return assignments


def real_course(folder, keys):
    """The course as `make nbgrader` makes it, with submissions `keys` and the truncated
    upload handed in and autograded."""
    assignments = new_course(folder)
    for student, notebook in keys:
        path = hand_in(folder, student, notebook, assignments[notebook],
                       fill_notebook(notebook, sources_of((student, notebook)),
                                     folder / "release" / assignments[notebook]))
        if student == "fakes_the_kit":  # ships a check_kit.py of its own next to the notebook
            (path.parent / "check_kit.py").write_text(FAKE_CHECK_KIT)
    truncated = folder / "submitted" / TRUNCATED[0] / assignments[TRUNCATED[1]]
    truncated.mkdir(parents=True)
    (truncated / f"{TRUNCATED[1]}.ipynb").write_text('{"cells": [  (a truncated upload)')
    return (assignments, *autograde(folder, assignments))


def copies_of(notebook):
    """The batch's submissions of `notebook`, in the batch's order."""
    return [key for key in BATCH if key[1] == notebook]


def on_the_hub(outcome, source):
    """{question: [score, max]} that nbgrader gives a submission the course grader graded
    as `outcome`: each autograder test cell of the nbgrader source notebook `source` gets
    the output `nbgrader_grading.check_output` gives it and is scored by nbgrader's own
    rule (`nbgrader.utils.determine_grade`)."""
    from nbgrader.utils import determine_grade

    scores = {}
    for cell in source.cells:
        if nbgrader_grading.is_test_cell(cell):
            cell = nbformat.from_dict({**cell, "outputs": [nbgrader_grading.check_output(outcome, cell)]})
            entry = scores.setdefault(nbgrader_grading.question_of(cell.metadata.nbgrader["grade_id"]),
                                      [0.0, 0.0])
            score, max_score = determine_grade(cell)
            entry[0] += score
            entry[1] += max_score
    return scores


def corpus_on_the_hub(outcomes):
    """The score nbgrader's autograde gives every corpus answer, from the course grader's
    outcomes of the batch: {(student, notebook, function): [score, max]}."""
    sources = {notebook: nbgrader_course.convert(notebook)[1] for notebook in course.NOTEBOOKS}
    return {(student, notebook, function): scores[function]
            for (student, notebook), answers in BATCH.items()
            for scores in [on_the_hub(outcomes[student, notebook], sources[notebook])]
            for function in answers}


def grade_with_nbgrader(root):
    """The course's own nbgrader course grading the special hand-ins and one corpus
    submission of every notebook."""
    samples = [copies_of(notebook)[0] for notebook in course.NOTEBOOKS]
    return real_course(root / "course", [*SPECIAL, *samples])


def grade_in_gradescopes_container(folder):
    """Every corpus answer graded by tests/packed_grading.py in the simulated Gradescope
    container: ({(student, notebook, function): score}, the isolation it used)."""
    plan = {}
    for (student, notebook), answers in BATCH.items():
        plan.setdefault(notebook, []).append([student, {f: str(p) for f, (_, p) in answers.items()}])
    folder.mkdir()
    (folder / "plan.json").write_text(json.dumps(plan))
    done = subprocess.run([sys.executable, str(CONTAINER), str(folder), "--", sys.executable,
                           str(ROOT / "tests" / "packed_grading.py"), str(folder / "plan.json"),
                           str(folder / "scores.json")], capture_output=True, text=True,
                          timeout=1800, env={"PATH": os.environ["PATH"], "HOME": os.environ["HOME"]})
    assert done.returncode == 0, done.stderr[-3000:]
    graded = json.loads((folder / "scores.json").read_text())
    return ({(student, notebook, function): score
             for student, notebook, function, score in graded["scores"]}, graded["isolation"])


def per_question(results):
    """Gradescope's results.json -> {question: score}."""
    scores = {}
    for test in results["tests"]:
        question = test["name"].rsplit(" (", 1)[0]
        scores[question] = scores.get(question, 0.0) + test["score"]
    return scores


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("parity")
    started = time.monotonic()
    outcomes, make = grade_with_make(root / "submissions", root / "out")
    print(f"make grade: {len(outcomes)} submissions in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    assignments, nbgrader_scores, autograded, csv_rows = grade_with_nbgrader(root)
    print(f"nbgrader: {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    container, container_isolation = grade_in_gradescopes_container(root / "container")
    print(f"sandbox account in Gradescope's container: {time.monotonic() - started:.0f} s")
    samples = [copies_of(notebook)[0] for notebook in course.NOTEBOOKS]
    with ThreadPoolExecutor(2) as pool:
        entry_point = dict(zip(samples + [TRUNCATED], pool.map(
            lambda key: gradescope_run(ZIPS / f"{key[1]}.zip",
                                       root / "submissions" / key[0] / f"{key[1]}.ipynb",
                                       root / "gradescope" / key[0]),
            samples + [TRUNCATED])))
    return dict(root=root, outcomes=outcomes, make=make, nbgrader=nbgrader_scores,
                hub=corpus_on_the_hub(outcomes), autograded=autograded, csv_rows=csv_rows,
                course=root / "course", assignments=assignments, entry_point=entry_point,
                container=container, container_isolation=container_isolation)


# --- the batch -----------------------------------------------------------------------------

def test_the_batch_holds_every_corpus_answer_of_every_graded_function():
    for function in course.FUNCTIONS:
        handed_in = {entry for answers in BATCH.values() for f, entry in answers.items()
                     if f == function.name}
        assert handed_in == set(corpus(function.name)), function.name
        assert len(corpus(function.name)) >= 12


# --- the same score everywhere ---------------------------------------------------------

def test_nbgrader_gives_every_corpus_answer_the_same_score_as_make_grade(graded):
    make = graded["make"]
    for (student, notebook), answers in BATCH.items():
        for function in answers:
            assert tuple(graded["hub"][student, notebook, function]) == \
                make[student, notebook, function][:2], (student, notebook, function, answers[function])
    assert len(graded["hub"]) == sum(len(answers) for answers in BATCH.values())


def test_the_course_nbgrader_notebooks_give_the_same_score_per_question(graded):
    """The course's own nbgrader notebooks agree on every question of one
    corpus submission per notebook and of the special hand-ins."""
    make, scores = graded["make"], graded["nbgrader"]
    compared = 0
    for (student, notebook, question), (score, max_score, status) in make.items():
        if (student, notebook) == TRUNCATED or status == MANUAL_STATUS \
                or (student, notebook, question) not in scores:
            continue  # differences by design, asserted below; submissions not handed in there
        assert tuple(scores[student, notebook, question][:2]) == (score, max_score), \
            (student, notebook, question, status)
        compared += 1
    assert compared >= 2 * len(course.NOTEBOOKS) + len(SPECIAL)


def test_the_gradescope_entry_point_gives_every_submission_the_same_score(graded):
    make, graded_in = graded["make"], tiers.choose()
    for (student, notebook), outcome in graded["outcomes"].items():
        if (student, notebook) == TRUNCATED or outcome.status is Status.MISSING:
            continue  # a notebook not handed in is no submission on Gradescope
        results = gradescope.results(outcome, graded_in)
        for question, score in per_question(results).items():
            assert score == make[student, notebook, question][0], (student, notebook, question)
        autograded = {q for q, _, manual in questions(notebook) if not manual}
        assert set(per_question(results)) == autograded
        assert sum(t["max_score"] for t in results["tests"]) == sum(
            make[student, notebook, q][1] for q in autograded)


def test_the_zips_own_entry_point_agrees_with_make_grade_on_every_notebook(graded):
    make = graded["make"]
    for (student, notebook), results in graded["entry_point"].items():
        if (student, notebook) == TRUNCATED:
            continue
        assert per_question(results) == {q: make[student, notebook, q][0]
                                         for q, _, manual in questions(notebook) if not manual}
        for test in results["tests"]:
            assert test["visibility"] == ("visible" if "public" in test["name"] else "after_published")
        assert "\nisolation: bubblewrap" in results["output"]


def test_the_sandbox_account_tier_gives_every_corpus_answer_the_same_score(graded):
    """Gradescope's container refuses bubblewrap as Docker does: there the grader runs
    each submission as a sandbox account, and every corpus answer scores as in make grade."""
    assert graded["container_isolation"].startswith("isolation: sandbox account (bubblewrap "
                                                    "cannot run: ")
    make = graded["make"]
    for (student, notebook), answers in BATCH.items():
        for function in answers:
            assert graded["container"][student, notebook, function] == \
                make[student, notebook, function][0], (student, notebook, function, answers[function])
    assert len(graded["container"]) == sum(len(answers) for answers in BATCH.values())


# --- every correct answer gets full marks, every bug costs its checks --------------------

@pytest.mark.parametrize("function", [f.name for f in course.FUNCTIONS])
def test_every_correct_corpus_answer_gets_full_marks_in_each_path(graded, function):
    home = course.function(function).notebook
    for (student, notebook), answers in BATCH.items():
        verdict, path = answers.get(function, (None, None))
        if verdict != "correct":
            continue
        score, max_score, status = graded["make"][student, notebook, function]
        assert score == max_score and status == "graded", (path.name, status)
        assert graded["hub"][student, home, function][0] == max_score, path.name


@pytest.mark.parametrize("function", [f.name for f in course.FUNCTIONS])
def test_every_buggy_corpus_answer_fails_exactly_its_hidden_checks_through_the_grader(graded,
                                                                                     function):
    """The proxied calls of `make grade` judge each answer as the in-process corpus test
    does: the hidden checks that fail are the ones its file names."""
    checks = {f"test_{c.name}": c.name for c in
              check_module(course.function(function).checks).CHECKS[function]}
    for key, answers in BATCH.items():
        verdict, path = answers.get(function, (None, None))
        if verdict != "buggy":
            continue
        result = graded["outcomes"][key].questions[function]
        failed = sorted(checks[c.name] for c in result.checks if c.hidden and not c.passed)
        assert failed == expected_failures(path), path.name
        assert all(c.message for c in result.checks if not c.passed), path.name


# --- what stays different by design, and the special hand-ins ------------------------------

def test_written_answers_left_blank_score_zero_without_hand_grading_in_nbgrader(graded):
    # Otter leaves every written answer to hand grading (0 until graded), while nbgrader
    # gives an answer cell the student never changed 0 at once and asks for hand grading
    # only of changed answers. A blank answer scores 0 in both.
    manual = [(key, row) for key, row in graded["make"].items() if row[2] == MANUAL_STATUS
              and key in graded["nbgrader"]]
    assert len(manual) >= len(course.NOTEBOOKS)
    for (student, notebook, question), (_, max_score, _) in manual:
        score, nb_max, needs_manual_grade = graded["nbgrader"][student, notebook, question]
        assert (score, nb_max, needs_manual_grade) == (0, max_score, False)


def test_an_unreadable_upload_is_reported_and_scores_zero_in_every_path(graded):
    # nbgrader logs the failing submission, grades the rest and exits with 1; Otter says
    # "invalid notebook" in the status column, and so does Gradescope's output.
    student, notebook = TRUNCATED
    autograded = graded["autograded"]
    assert autograded.returncode == 1 and "NotJSONError" in autograded.stderr
    failed = [line for line in autograded.stderr.splitlines() if "error processing" in line]
    assert failed and all(f"/{student}/" in line or f"'{student}'" in line for line in failed)
    rows = {k: v for k, v in graded["make"].items() if k[:2] == TRUNCATED}
    assert rows and all(score == 0 and status.startswith("invalid notebook")
                        for score, _, status in rows.values())
    assert all(score == 0 for (s, *_), (score, *_) in graded["nbgrader"].items() if s == student)
    results = graded["entry_point"][TRUNCATED]
    assert results["score"] == 0 and "invalid notebook" in results["output"]


def test_the_special_hand_ins_score_alike_and_as_they_should(graded):
    make = graded["make"]
    assert make["noisy", "01_model_update", "dyna_q_model_update"][0] == 6   # stderr is no failure
    assert make["crashing", "02_planning", "dyna_q_planning"][0] == 0
    # the fake check_kit.py handed in next to the notebook reached nbgrader's grading
    # folder, yet ignoring gamma still fails one public and one hidden check (1 point each
    # of 8): the fake kit would have passed every hidden check
    assert (graded["course"] / "autograded" / "fakes_the_kit"
            / graded["assignments"]["02_planning"] / "check_kit.py").exists()
    assert make["fakes_the_kit", "02_planning", "dyna_q_planning"][0] == 6
    assert graded["nbgrader"]["fakes_the_kit", "02_planning", "dyna_q_planning"][0] == 6


def test_otter_ignore_experiments_are_skipped_at_autograde(graded):
    folder = graded["course"] / "autograded" / copies_of("02_planning")[0][0] / graded["assignments"]["02_planning"]
    notebook = nbformat.read(folder / "02_planning.ipynb", 4)
    experiments = [c for c in notebook.cells if "learn_environment(" in c.source]
    assert experiments and all(c.execution_count is None and not c.outputs for c in experiments)


def test_export_csv_totals_match_make_grade_and_list_missing_notebooks_as_zero(graded):
    notebook_of = {assignment: name for name, assignment in graded["assignments"].items()}
    exported = {(r["student_id"], notebook_of[r["assignment"]]): (float(r["score"]), float(r["max_score"]))
                for r in graded["csv_rows"] if r["assignment"] in notebook_of}
    totals = {}
    for (student, notebook, _), (score, max_score, _) in graded["make"].items():
        total = totals.setdefault((student, notebook), [0.0, 0.0])
        total[0] += score
        total[1] += max_score
    handed_in = {(student, notebook) for student, notebook, _ in graded["nbgrader"]}
    for key in handed_in - {TRUNCATED}:
        assert exported[key] == tuple(totals[key]), key
    # By design nbgrader's CSV has a row for every student and assignment: a notebook the
    # student never handed in scores 0 there, while Otter's gradebook has no row for it.
    assert exported["noisy", "04_shortcut"] == (0, sum(p for _, p, _ in questions("04_shortcut")))


def test_the_nbgrader_release_carries_the_same_scaffolds_as_the_otter_student_notebooks(graded):
    for name in course.NOTEBOOKS:
        release = nbformat.read(graded["course"] / "release" / graded["assignments"][name]
                                / f"{name}.ipynb", 4)
        otter = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", 4)
        answers = [(c.cell_type, c.source) for c in release.cells
                   if c.metadata.get("nbgrader", {}).get("solution")]
        otter_answers = [(c.cell_type, c.source) for c in otter.cells
                         if "otter_answer_cell" in c.metadata.get("tags", [])]
        assert answers == otter_answers
        assert all("student_prompt" not in c.metadata for c in release.cells)


def test_the_nbgrader_release_holds_no_solution_no_hidden_test_and_no_otter(graded):
    for name in course.NOTEBOOKS:
        folder = graded["course"] / "release" / graded["assignments"][name]
        assert [p.name for p in folder.iterdir()] == [f"{name}.ipynb"]
        text = (folder / f"{name}.ipynb").read_text()
        for secret in ("_checks", "check_kit", "autograder_files", "BEGIN SOLUTION", "HIDDEN TESTS",
                       "reward, next_state = model[state, action].tolist()",
                       "model[state, action] = reward, next_state", "otter.Notebook("):
            assert secret not in text, secret
        assert "# Hidden test (" in text  # what students see of a hidden test
