"""Reference solution notebooks for students who are stuck: the student notebook of one
course notebook with the master's solutions of *its own* exercises filled in and its
written questions answered by the master's model answers.

Nothing else from the master goes in: no hidden test, no Otter markup, and no solution of
a function another notebook teaches (the cells where students paste their earlier
functions keep their stubs). `autograder.release` writes these on request, after a
notebook's deadline.
"""

import re

import nbformat

from .course import graded_in
from .masters import read_master, solution_source, walk
from .submissions import STUDENT_NOTEBOOKS, fill_notebook

HEADER = """**Reference solution**, released by your instructor: this notebook with its exercises
solved and model answers to its written questions. Functions from earlier notebooks are
not included: paste your own into their cells, or the reference solutions of those
notebooks if your instructor has released them."""

_PROMPT_BLOCK = re.compile(r'\n *""" # BEGIN PROMPT\n.*?""" # END PROMPT', re.DOTALL)
_MARKER_LINE = re.compile(r"\n *# (BEGIN SOLUTION NO PROMPT|END SOLUTION) *(?=\n|$)")


def solution_code(source):
    """A master's answer cell as plain code: the solution, without the students' prompt
    and without Otter's markers."""
    return _MARKER_LINE.sub("", _PROMPT_BLOCK.sub("", source))


def model_answers(name):
    """The model answers of master `name`'s written questions, in order (Markdown)."""
    return [place.cell.source for place in walk(read_master(name))
            if place.part == "SOLUTION" and place.cell.cell_type == "markdown"
            and place.question.get("manual", False)]


def solution_notebook(name, notebooks=STUDENT_NOTEBOOKS):
    """The reference solution notebook of course notebook `name`."""
    own = {function.name: solution_code(solution_source(name, function.name))
           for function in graded_in(name)}
    notebook = fill_notebook(name, own, notebooks)
    answer_cells = [cell for cell in notebook.cells if cell.cell_type == "markdown"
                    and "otter_answer_cell" in cell.metadata.get("tags", [])]
    answers = model_answers(name)
    if len(answers) != len(answer_cells):
        raise RuntimeError(f"{name}: {len(answers)} model answers for {len(answer_cells)} questions")
    for cell, answer in zip(answer_cells, answers):
        cell.source = f"**Model answer.** {answer}"
    notebook.cells.insert(1, nbformat.v4.new_markdown_cell(HEADER))
    notebook.cells[1].pop("id", None)
    return notebook
