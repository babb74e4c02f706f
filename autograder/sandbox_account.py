"""The sandbox-account tier: how student code is contained where bubblewrap cannot run and
the grader is root, as in Gradescope's Docker container (Docker's default seccomp profile
refuses `unshare` and `clone` with namespace flags, so no sandbox can be built there).

Each submission's process runs as an unprivileged account of its own, leased for that
submission from `FIRST_UID` on (a lock file per account, so that parallel graders, even
in other processes, never share one), in a session of its own, with the same resource
limits as in a bubblewrap sandbox; its process count is enforced by the kernel, since the
account is not root. `confine.py` makes the switch and, where the kernel and the seccomp
profile offer Landlock, narrows what the account can reach: it reads only the runtime and
its notebook, writes only its scratch folder, and can neither use TCP (Landlock ABI 4)
nor signal anything outside (ABI 6). Whatever Landlock offers or not, the account cannot
change root's files, signal the grader or read another user's process environment; the
grader keeps its own folders unreadable to others (`gradescope.py`).

When its grading ends, every process of the account is killed (`kill_all`) before the
grader writes any result: nothing a submission started, detached or not, outlives it.
"""

import dataclasses
import fcntl
import json
import os
import pathlib
import pwd
import signal
import sys
import tempfile
import time

from .confine import landlock_abi
from .isolation import LIMITS, Isolation, probe, runtime_paths

FIRST_UID = 61000
ACCOUNTS = 1000
LOCKS = pathlib.Path(tempfile.gettempdir()) / "dynaq-sandbox-accounts"
CONFINE = pathlib.Path(__file__).with_name("confine.py")
DEVICES_READ = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")
KILL_SECONDS = 10


@dataclasses.dataclass(frozen=True)
class AccountIsolation(Isolation):
    """Student code as a leased account (see the module's docstring); `landlock` is the
    Landlock ABI version used, 0 for none. `prepare` leases an account for a staging
    folder and `finish` kills all its processes and gives it back."""
    landlock: int = 0
    leases: dict = dataclasses.field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def isolated(self):
        return True

    def folders(self, staging):
        return str(staging), os.path.join(staging, "scratch")

    def prepare(self, staging):
        """Lease an account for `staging`: the folder and its files readable by it, and a
        scratch folder that only it can use."""
        lease = Lease()
        self.leases[str(staging)] = lease
        os.chmod(staging, 0o755)
        for path in pathlib.Path(staging).iterdir():
            os.chmod(path, 0o644)
        scratch = self.folders(staging)[1]
        os.mkdir(scratch, 0o700)
        os.chown(scratch, lease.uid, lease.uid)

    def owner(self, staging):
        lease = self.leases[str(staging)]
        return lease.uid, lease.uid

    def command(self, staging, argv, shared=None):
        lease = self.leases[str(staging)]
        scratch = shared or self.folders(staging)[1]
        settings = {"uid": lease.uid, "gid": lease.uid, "chdir": scratch, "landlock": self.landlock,
                    "read": [*self.exposed, str(staging), *DEVICES_READ],
                    "write": [scratch, "/dev/null"]}
        return [sys.executable, "-I", "-S", str(CONFINE), json.dumps(settings), "--", *argv]

    def finish(self, staging):
        """Kill every process of the account leased for `staging`, then give it back."""
        lease = self.leases.pop(str(staging), None)
        if lease is not None:
            try:
                kill_all(lease.uid)
            finally:
                lease.release()


class Lease:
    """An account (uid, same gid) held by this grader until `release`: the lowest free
    one from FIRST_UID with no user of that id, locked with flock. Anything an earlier
    holder left running is killed first."""

    def __init__(self):
        _lock_folder()
        for uid in range(FIRST_UID, FIRST_UID + ACCOUNTS):
            if _has_user(uid):
                continue
            handle = open(LOCKS / f"{uid}.lock", "a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            self.uid, self._handle = uid, handle
            kill_all(uid)
            return
        raise RuntimeError(f"all {ACCOUNTS} sandbox accounts from uid {FIRST_UID} are in use")

    def release(self):
        self._handle.close()


def _has_user(uid):
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def _lock_folder():
    """The folder of the accounts' lock files: root's alone, so no account can take one."""
    LOCKS.mkdir(mode=0o700, exist_ok=True)
    info = LOCKS.lstat()
    if info.st_uid != os.geteuid() or info.st_mode & 0o077 or not LOCKS.is_dir():
        raise RuntimeError(f"{LOCKS} must be a folder of the grader's alone")


def kill_all(uid):
    """Kill every process running as `uid`, and wait until none is left running.

    A child process becomes `uid` and sends SIGKILL to every process it may signal
    (kill -1): the account's processes, and nothing else. The kernel signals them all at
    once, so none can fork past it. Raises RuntimeError if one survives KILL_SECONDS."""
    deadline = time.monotonic() + KILL_SECONDS
    while True:
        pid = os.fork()
        if pid == 0:  # the child: nothing but these calls, then exit
            try:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:  # nothing to kill
                pass
            except BaseException:
                os._exit(1)
            os._exit(0)
        if os.waitpid(pid, 0)[1] != 0:
            raise RuntimeError(f"could not act as sandbox account {uid} to end its processes")
        for _ in range(20):  # killed processes take a moment to be gone
            if not running_as(uid):
                return
            time.sleep(0.005)
        if time.monotonic() > deadline:
            raise RuntimeError(f"processes of sandbox account {uid} survived SIGKILL")


def running_as(uid):
    """PIDs of the processes (zombies aside) whose real user is `uid`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = pathlib.Path(f"/proc/{pid}/status").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith(("Z", "X")):
            found.append(int(pid))
    return found


def account_tier(why_not_bubblewrap):
    """The sandbox-account tier of this machine (the grader must be root), after a probe
    showed that it holds; raises IsolationUnavailable saying why it cannot be had."""
    abi = landlock_abi()
    narrowed = (f"Landlock ABI {abi}: reads only the runtime and its notebook, writes only "
                f"its scratch folder" + (", no TCP" if abi >= 4 else "")
                + (", no signals outside" if abi >= 6 else "")) if abi else \
        "no Landlock (files as the account's rights allow)"
    summary = (f"isolation: sandbox account (bubblewrap cannot run: {why_not_bubblewrap}); "
               f"student code as an unprivileged account of its own, in a session of its own, "
               f"all its processes killed before results are written; {narrowed}; "
               f"limits: {LIMITS}")
    paths = runtime_paths()
    tier = AccountIsolation(summary, exposed=paths, landlock=abi)
    probe(tier, ACCOUNT_PROBE)
    return tier


# Run as the account before grading: what a submission will see.
ACCOUNT_PROBE = """\
import os, sys
import numpy, IPython, helpers
problems = []
if os.getuid() == 0 or os.geteuid() == 0:
    problems.append('it runs as root')
try:
    os.listdir(sys.argv[1])
    problems.append('it sees the grader')
except OSError:
    pass
try:
    open(os.path.join(sys.prefix, '.isolation-probe'), 'w')
    problems.append('the runtime is writable')
except OSError:
    pass
open('written', 'w').write('scratch')
print('; '.join(problems) or 'isolated')
"""
