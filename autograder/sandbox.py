"""The grader's side of a student's sandboxed process.

`StudentProcess` runs a submission in `sandbox_worker.py`: a separate Python process,
contained as `autograder.isolation` says (by default a bubblewrap sandbox of its own),
with resource limits, time limits and capped output. The tests run here, in the grader,
and reach the student's functions through `StudentFunction` proxies that exchange plain
data only, so a submission that patches numpy, the helpers or the checks changes nothing
but itself.
"""

import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import threading
import time

import numpy as np

from . import wire
from .results import Status, not_defined

WORKER = pathlib.Path(__file__).with_name("sandbox_worker.py")
OUTPUT_CAP = 64 * 1024
# One BLAS thread per process: graders already run one submission per core, and
# threads count against the sandbox's process limit.
SINGLE_THREADED = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                          "MKL_NUM_THREADS")}


# The student processes running now, so that an interrupted batch can end them all.
_running = set()
_running_lock = threading.Lock()
_stopped = threading.Event()


def stop_all():
    """End every running student process at once, and start no new one until
    `allow_starts` (an interrupted batch)."""
    _stopped.set()
    with _running_lock:
        processes = list(_running)
    for process in processes:
        process.kill()


def allow_starts():
    """Let student processes start again (a new batch)."""
    _stopped.clear()


def stopped():
    """Whether `stop_all` has ended the batch."""
    return _stopped.is_set()


class StudentProcessError(Exception):
    """The student's process cannot be used: it timed out, died, or broke the protocol.
    `status` says which (Status.TIMED_OUT or Status.CRASHED)."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def _call_request(args, kwargs):
    return {"args": [wire.encode(a) for a in args],
            "kwargs": {k: wire.encode(v) for k, v in kwargs.items()}}


def _student_exception(kind, message, undefined=None):
    """An exception of the student's exception type name `kind`, raised in the grader; a
    NameError for a name the student's code does not define (`undefined`) knows it."""
    if undefined:
        return NameError(message, name=undefined)
    return type(kind, (Exception,), {})(message)


class StudentProcess:
    """A submission running in its own process, ready to answer for its functions."""

    def __init__(self, notebook_path, workdir, total_seconds, cell_seconds, call_seconds,
                 isolation):
        if stopped():
            raise StudentProcessError("grading was interrupted", Status.CRASHED)
        self.workdir = pathlib.Path(workdir)
        self.total_seconds = total_seconds
        self.deadline = time.monotonic() + total_seconds
        self.call_seconds = call_seconds
        self.output = bytearray()
        self.dead = None  # why the process can no longer be used
        self.dead_status = None
        self.hung = set()
        notebook_name = pathlib.Path(notebook_path).name
        shutil.copy(notebook_path, self.workdir / notebook_name)
        shutil.copy(WORKER, self.workdir / WORKER.name)
        shutil.copy(pathlib.Path(__file__).with_name("wire.py"), self.workdir / "wire.py")
        isolation.prepare(self.workdir)
        inside, scratch = isolation.folders(self.workdir)
        self._sock, child = socket.socketpair()
        # unbuffered: the output kept is what the notebook printed until it stopped
        env = {"PATH": os.environ.get("PATH", ""), "HOME": scratch, "MPLBACKEND": "Agg",
               "TMPDIR": scratch, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
               "MPLCONFIGDIR": scratch, **SINGLE_THREADED}
        worker = [sys.executable, f"{inside}/{WORKER.name}", f"{inside}/{notebook_name}",
                  str(child.fileno()), str(cell_seconds), str(call_seconds),
                  json.dumps(isolation.limits(total_seconds))]
        self._isolation = isolation
        try:
            self._process = subprocess.Popen(
                isolation.command(self.workdir, worker), cwd=self.workdir, env=env,
                pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, start_new_session=True)
        except BaseException:
            isolation.finish(self.workdir)
            raise
        with _running_lock:
            _running.add(self)
        if stopped():  # interrupted while it started
            self.kill()
        child.close()
        self._reader = threading.Thread(target=self._keep_output_head, daemon=True)
        self._reader.start()

    def _keep_output_head(self):
        """Drain the student's output, keeping only its first OUTPUT_CAP bytes."""
        for chunk in iter(lambda: self._process.stdout.read1(65536), b""):
            if len(self.output) < OUTPUT_CAP:
                self.output += chunk[:OUTPUT_CAP - len(self.output)]

    def wait_ready(self):
        """Wait until the notebook's cells have run; return the errors they raised."""
        reply = self._exchange(None, self.total_seconds, "while running the notebook's cells")
        return list(reply.get("cell_errors", []))

    def seed(self, seed):
        """Seed the student's global generators (NumPy's and Python's) with `seed`."""
        self._exchange({"op": "seed", "seed": int(seed)}, self.call_seconds, "while seeding")

    def lookup(self, name):
        """A proxy for the student's function `name`, its value, or None if undefined."""
        reply = self._exchange({"op": "lookup", "name": name}, self.call_seconds,
                               f"while looking up {name}")
        if reply.get("missing"):
            return None
        if reply.get("callable"):
            return StudentFunction(self, name)
        return wire.decode(reply["value"])

    def call(self, name, args, kwargs):
        """Call the student's function `name`; its result, or its exception raised here."""
        self._check_not_hung(name)
        reply = self._exchange({"op": "call", "name": name, **_call_request(args, kwargs)},
                               self.call_seconds + 5, f"while running {name}")
        return self._result(name, args, reply)

    def call_many(self, name, calls):
        """Call the student's function `name` once per `(args, kwargs)` in `calls`, in
        order, in one exchange. Returns each call's result, or the exception it raised
        (the list ends at the first exception), as `call` would give them one by one."""
        self._check_not_hung(name)
        reply = self._exchange({"op": "call_many", "name": name,
                                "calls": [_call_request(args, kwargs) for args, kwargs in calls]},
                               (self.call_seconds + 5) * len(calls), f"while running {name}")
        outcomes = []
        for (args, _), one in zip(calls, reply["replies"]):
            try:
                outcomes.append(self._result(name, args, one))
            except Exception as error:  # the student's exception, rebuilt here
                outcomes.append(error)
                break
        return outcomes

    def _check_not_hung(self, name):
        if name in self.hung:
            raise _student_exception(wire.TIME_LIMIT, f"{name} ran past its time limit of "
                                     f"{self.call_seconds} s on an earlier call")

    def _result(self, name, args, reply):
        """The result of one call's reply; arrays the call changed are changed in `args`."""
        if "error" in reply:
            if reply["error"] == wire.TIME_LIMIT:
                self.hung.add(name)
            undefined = reply.get("name") if reply["error"] == "NameError" else None
            raise _student_exception(str(reply["error"]), str(reply.get("message", "")),
                                     undefined if isinstance(undefined, str) else None)
        for arg, after in zip(args, reply.get("args") or []):
            if isinstance(arg, np.ndarray) and after is not None:
                changed = wire.decode(after)
                if isinstance(changed, np.ndarray) and changed.shape == arg.shape:
                    arg[...] = changed
        return wire.decode(reply["result"], args)

    def _exchange(self, request, seconds, doing):
        if self.dead:
            raise StudentProcessError(self.dead, self.dead_status)
        seconds = min(seconds, self.deadline - time.monotonic())
        if seconds <= 0:
            self._give_up(f"the notebook used up its {self.total_seconds} s {doing}",
                          Status.TIMED_OUT)
        try:
            self._sock.settimeout(seconds)
            if request is not None:
                wire.send(self._sock, request)
            reply = wire.receive(self._sock)
        except socket.timeout:
            self._give_up(f"the notebook did not finish {doing} within {seconds:.0f} s",
                          Status.TIMED_OUT)
        except (OSError, ValueError) as error:
            self._give_up(f"the notebook's process broke the grading protocol ({error})",
                          Status.CRASHED)
        if not isinstance(reply, dict):
            self._give_up(f"the notebook's Python process ended {doing} "
                          "(sys.exit, os._exit, a crash or running out of memory)", Status.CRASHED)
        return reply

    def _give_up(self, reason, status):
        """Stop the process for good and raise StudentProcessError(reason, status); it
        never returns."""
        self.dead, self.dead_status = reason, status
        self.close()
        raise StudentProcessError(reason, status)

    def kill(self):
        """End the process and everything in its session, from any thread."""
        if self._process.returncode is not None:  # reaped: its id may be another's now
            return
        try:
            os.killpg(self._process.pid, 9)
        except ProcessLookupError:  # already gone
            pass

    def close(self):
        """Stop the process and everything it started (isolated: `isolation.finish`);
        keep its output."""
        if self._process.poll() is None:
            self.kill()
        self._process.wait()
        self._isolation.finish(self.workdir)
        with _running_lock:
            _running.discard(self)
        self._sock.close()
        self._reader.join(timeout=2)  # the rest of the output, unless a survivor holds it

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class StudentFunction:
    """Calls the student's function in the student's process, with copies of the
    arguments; arrays the function changed in place are changed here too. `call_many`
    makes many calls in one exchange (the hidden checks' statistical tests use it), and
    `seed_generators` seeds the student's process when a check seeds its generators."""

    def __init__(self, process, name):
        self._process, self.__name__ = process, name

    def __call__(self, *args, **kwargs):
        return self._process.call(self.__name__, args, kwargs)

    def call_many(self, arg_lists):
        return self._process.call_many(self.__name__, [(args, {}) for args in arg_lists])

    def seed_generators(self, seed):
        """Seed the global generators where the function runs, as a check seeds its own
        before calling it (in a student's kernel, under nbgrader, they are the same)."""
        self._process.seed(seed)


class StudentNamespace(dict):
    """What Otter's test cases see as the notebook's globals: names are looked up in
    the student's process on first use."""

    def __init__(self, process):
        super().__init__()
        self._process = process

    def get(self, name, default=None):
        if name not in self:
            found = self._process.lookup(name)
            self[name] = MissingName(name) if found is None else found
        return self[name]


class MissingName:
    """Stands in for a name the notebook does not define; calling it says so."""

    def __init__(self, name):
        self.name = name

    def __call__(self, *args, **kwargs):
        raise NameError(not_defined(self.name), name=self.name)
