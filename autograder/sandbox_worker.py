"""The student's side of grading, run in its own sandboxed process: set the resource
limits it is given, execute the submission's code cells with IPython, then answer the
grader's requests (seed the generators, look a name up, call a function, once or many
times in one message) over the socket it was handed. The grader trusts nothing it says.

Usage (started by `autograder.sandbox`):
`python sandbox_worker.py NOTEBOOK FD CELL_S CALL_S LIMITS_JSON`, where LIMITS_JSON maps
`resource` limit names to values, set as hard limits that student code cannot raise.
"""

import json
import random
import resource
import signal
import socket
import sys

import numpy as np

import wire

SEED = 12345  # global generators are seeded before the grader's first call: regrades agree

# Cells Otter writes into every student notebook; grading does not need them.
_OTTER_CELL_MARKERS = ("otter.Notebook(", "grader.check(", "grader.check_all(")


class TimeLimit(Exception):
    """Raised inside student code that runs past its time limit."""


def _on_alarm(signum, frame):
    raise TimeLimit("ran past its time limit")


def gradable_cells(notebook):
    """Sources of the code cells to run: not Otter's own, not tagged `otter_ignore`
    (expensive experiments that no test needs). Reads the notebook's JSON directly."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        if "otter_ignore" in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if any(marker in source for marker in _OTTER_CELL_MARKERS):
            continue
        yield source


def run_cells(notebook, cell_seconds):
    """Run the cells in one IPython namespace; return it and the errors raised."""
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance(colors="nocolor")
    errors = []
    for source in gradable_cells(notebook):
        signal.setitimer(signal.ITIMER_REAL, cell_seconds)
        try:
            result = shell.run_cell(source, store_history=False)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        failure = result.error_before_exec or result.error_in_exec
        if failure is not None:
            errors.append(error_name(failure))
    return shell.user_ns, errors


def error_name(error):
    """The name the grader receives for `error`: its type's, wire.TIME_LIMIT for a time limit."""
    return wire.TIME_LIMIT if isinstance(error, TimeLimit) else type(error).__name__


def seed_generators(seed):
    np.random.seed(seed)
    random.seed(seed)


def answer(request, namespace, call_seconds):
    """Reply to one request from the grader: seed the global generators (as a check about
    to call the student's functions seeds its own), look a name up, call a function, or
    call it once per argument list (`call_many`, stopping at the first error)."""
    if request["op"] == "seed":
        seed_generators(int(request["seed"]))
        return {"seeded": True}
    name = request["name"]
    if name not in namespace:
        return {"missing": True}
    value = namespace[name]
    if request["op"] == "lookup":
        return {"callable": True} if callable(value) else {"value": wire.encode(value)}
    if request["op"] == "call":
        return call(value, request, call_seconds)
    replies = []
    for one in request["calls"]:
        replies.append(call(value, one, call_seconds))
        if "error" in replies[-1]:
            break
    return {"replies": replies}


def call(function, request, call_seconds):
    """Call `function` with the request's arguments within `call_seconds`; the reply holds
    the result and the array arguments as they are after the call, or the error."""
    args = [wire.decode(a) for a in request["args"]]
    kwargs = {str(k): wire.decode(v) for k, v in request.get("kwargs", {}).items()}
    signal.setitimer(signal.ITIMER_REAL, call_seconds)
    try:
        result = function(*args, **kwargs)
    except BaseException as error:  # SystemExit and KeyboardInterrupt are answers too
        undefined = {"name": error.name} if isinstance(error, NameError) and error.name else {}
        return {"error": error_name(error), "message": str(error)[:500], **undefined}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return {"result": wire.encode(result, args),
            "args": [wire.encode(a) if isinstance(a, np.ndarray) else None for a in args]}


def limit_resources(limits):
    """Set each `resource` limit name to its value, soft and hard."""
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


def main(notebook_path, fd, cell_seconds, call_seconds, limits):
    limit_resources(json.loads(limits))
    sock = socket.socket(fileno=int(fd))
    signal.signal(signal.SIGALRM, _on_alarm)
    with open(notebook_path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    namespace, errors = run_cells(notebook, float(cell_seconds))
    seed_generators(SEED)
    wire.send(sock, {"ready": True, "cell_errors": errors})
    while (request := wire.receive(sock)) is not None:
        try:
            reply = answer(request, namespace, float(call_seconds))
            wire.send(sock, reply)
        except TimeLimit:
            wire.send(sock, {"error": wire.TIME_LIMIT, "message": "ran past its time limit"})
        except Exception as error:  # a reply that cannot be encoded, for instance
            wire.send(sock, {"error": type(error).__name__, "message": str(error)[:500]})


if __name__ == "__main__":
    main(*sys.argv[1:])
