"""Grade a folder of submissions into a gradebook.

`python -m autograder.grade SUBMISSIONS OUT [--jobs N] [--timeout S] [--regrade] [--unsafe]`
grades every `SUBMISSIONS/<student>/<notebook>.ipynb` against
`autograder/zips/<notebook>.zip`, in parallel; each submission runs in its own sandboxed
process with time, resource and output limits (see `autograder.sandbox`), isolated from
the machine (see `autograder.isolation`). Without isolation it refuses to grade, unless
given `--unsafe` or the folder is the course's own examples. It prints the isolation it
got and writes it to `OUT/isolation.txt`, then writes `OUT/gradebook.csv` (one row per
question) and `OUT/feedback/<student>/<notebook>.md`. Finished submissions are remembered
in `OUT/results/`, so an interrupted run resumes.
"""

import argparse
import hashlib
import json
import os
import pathlib
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import NamedTuple

from tqdm import tqdm

from . import exports, grade_one, gradebook, hand_grading, report, review_pages
from . import isolation as isolation_module
from .course import NOTEBOOKS
from .masters import ROOT, questions, written_questions
from .results import Outcome, Status, not_graded

ZIPS = ROOT / "autograder" / "zips"


class Graded(NamedTuple):
    """What grading a batch gave: the Outcomes by (student, notebook), the gradebook's
    rows, and the problems found in OUT/manual_scores.csv (one line each)."""
    outcomes: dict
    rows: list
    problems: list
EXAMPLES = ROOT / "examples" / "submissions"  # written by `make course`: the course's own
DEFAULT_TIMEOUT = 300


def find_submissions(folder):
    """`(student, notebook, path)` for every `<student>/<notebook>.ipynb` under `folder`,
    plus `(student, None, path)` for files that match no course notebook."""
    found = []
    for student_dir in sorted(p for p in pathlib.Path(folder).iterdir() if p.is_dir()):
        for path in sorted(student_dir.iterdir()):
            notebook = path.stem if path.suffix == ".ipynb" and path.stem in NOTEBOOKS else None
            found.append((student_dir.name, notebook, path))
    return found


def fingerprint(content, zip_path, isolation):
    """What a cached result depends on: the submission's and the autograder's bytes, and
    the isolation it was graded in."""
    digest = hashlib.sha256(content)
    digest.update(pathlib.Path(zip_path).read_bytes())
    digest.update(isolation.summary.encode())
    return digest.hexdigest()


def grade_safely(zip_path, filename, content, timeout, isolation):
    """Grade one submission (its bytes, read when the batch started); never raises."""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        copy = pathlib.Path(tmp) / filename
        copy.write_bytes(content)
        try:
            return grade_one.grade(str(zip_path), str(copy), timeout, isolation)
        except Exception as error:  # a fault of the grader: report it, grade the rest
            return not_graded(Status.GRADER_ERROR,
                              f"grading error: {type(error).__name__}: {error}"[:300])


def cached_outcome(path, key):
    """The Outcome remembered at `path` if it was graded from the same bytes, else None."""
    try:
        data = json.loads(path.read_text())
        return Outcome.from_json(data) if data.get("key") == key else None
    except (OSError, ValueError, KeyError, TypeError):  # absent, or written by another version
        return None


def grade_batch(submissions_dir, out_dir, isolation, jobs=None, timeout=DEFAULT_TIMEOUT,
                regrade=False, progress=True):
    """Grade every submission, each contained by `isolation`, and write the gradebook and
    the files beside it (see `write_results`); return a Graded."""
    out_dir = pathlib.Path(out_dir)
    for folder in (submissions_dir, out_dir, ROOT):
        if isolation.exposes(folder):
            raise ValueError(f"{folder} lies inside what student code may read "
                             f"({', '.join(isolation.exposed)}): move it elsewhere")
    cache = out_dir / "results"
    cache.mkdir(parents=True, exist_ok=True)
    gradebook.write_atomically(out_dir / "isolation.txt", isolation.summary + "\n")
    found = find_submissions(submissions_dir)
    outcomes, contents, todo = {}, {}, []
    for student, notebook, path in found:
        if notebook is None:
            outcomes[student, path.name] = not_graded(
                Status.NOT_A_NOTEBOOK, f"not a course notebook (expected one of {', '.join(NOTEBOOKS)})")
            continue
        content = contents[student, notebook] = path.read_bytes()  # now: nothing can change it
        key = fingerprint(content, ZIPS / f"{notebook}.zip", isolation)
        cached = cache / student / f"{notebook}.json"
        remembered = None if regrade else cached_outcome(cached, key)
        if remembered is not None:
            outcomes[student, notebook] = remembered
        else:
            todo.append((student, notebook, path.name, content, key, cached))

    def run(job):
        student, notebook, filename, content, key, cached = job
        outcome = grade_safely(ZIPS / f"{notebook}.zip", filename, content, timeout, isolation)
        outcome.key = key
        gradebook.write_atomically(cached, json.dumps(outcome.to_json()))
        return student, notebook, outcome

    with ThreadPoolExecutor(jobs or os.cpu_count()) as pool, \
            tqdm(total=len(todo), desc="grading", unit="notebook", disable=not progress) as bar:
        for future in as_completed([pool.submit(run, job) for job in todo]):
            student, notebook, outcome = future.result()
            outcomes[student, notebook] = outcome
            bar.update()
    return write_results(out_dir, outcomes, contents)


def write_results(out_dir, outcomes, contents):
    """Write everything a batch's `outcomes` give, with the hand scores of
    OUT/manual_scores.csv: the gradebook, the feedback files, the review pages of the
    written answers, the class report and the wide CSV. Returns a Graded."""
    rows = []
    for (student, notebook), outcome in sorted(outcomes.items()):
        if notebook in NOTEBOOKS:
            rows += gradebook.rows_for(student, notebook, questions(notebook), outcome)
        else:
            rows.append(gradebook.Row(student, notebook, "", 0, 0, outcome.status_text()))
    waiting = hand_grading.gradable(rows)
    scores, problems = hand_grading.read_scores(out_dir / hand_grading.SCORES_FILE, rows)
    rows = hand_grading.apply(rows, scores)
    for (student, notebook), outcome in outcomes.items():
        if notebook in NOTEBOOKS:
            hand = {q: s for (st, nb, q), s in scores.items() if (st, nb) == (student, notebook)}
            gradebook.write_feedback(out_dir, student, notebook, outcome, questions(notebook), hand)
    gradebook.write_csv(out_dir / "gradebook.csv", rows)
    answers = {}
    for student, notebook, question in waiting:
        written = hand_grading.written_answers(contents[student, notebook], notebook)
        answers.setdefault((notebook, question), {})[student] = written.get(question)
    review_pages.write_pages(out_dir / "manual", [q for notebook in NOTEBOOKS if any(
        nb == notebook for _, nb in outcomes) for q in written_questions(notebook)], answers, scores)
    exports.write_wide_csv(out_dir / "grades_wide.csv", rows)
    report.write_report(out_dir / "report.html", outcomes, rows)
    return Graded(outcomes, rows, problems)


def isolation_for(submissions_dir, unsafe):
    """The isolation to grade `submissions_dir` in: none when `unsafe`; else bubblewrap
    or, for the course's own examples only, none where bubblewrap cannot be had. Raises
    IsolationUnavailable otherwise."""
    examples = pathlib.Path(submissions_dir).resolve() == EXAMPLES
    return isolation_module.choose(
        "UNSAFE=1 asked for none" if unsafe else None,
        "grading the course's own example submissions anyway" if examples else None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions")
    parser.add_argument("out")
    parser.add_argument("--jobs", type=int, default=None, help="parallel graders (default: all cores)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help="seconds allowed per notebook (default %(default)s)")
    parser.add_argument("--regrade", action="store_true", help="ignore remembered results")
    parser.add_argument("--unsafe", action="store_true",
                        help="grade without isolation: student code runs with your rights")
    args = parser.parse_args(argv)
    try:
        isolation = isolation_for(args.submissions, args.unsafe)
    except isolation_module.IsolationUnavailable as why:
        sys.exit(isolation_module.refusal(
            why, f"make grade SUBMISSIONS={args.submissions} OUT={args.out} UNSAFE=1 (or --unsafe)"))
    print(isolation.summary, flush=True)
    try:
        graded = grade_batch(args.submissions, args.out, isolation, jobs=args.jobs,
                             timeout=args.timeout, regrade=args.regrade)
    except ValueError as error:  # a folder student code could read
        sys.exit(f"Not grading: {error}")
    print(gradebook.summary(graded.outcomes.values(), graded.rows))
    for problem in graded.problems:
        print(f"hand scores: {problem}")
    out = pathlib.Path(args.out)
    print(f"gradebook: {out / 'gradebook.csv'}; class report: {out / 'report.html'}; written "
          f"answers to grade by hand: {out / 'manual'} (open them with `make review OUT={out}`)")


if __name__ == "__main__":
    main()
