"""How a student's process is contained while it is graded: bubblewrap, as a container
would contain it.

Each submission's Python process runs in a sandbox of its own, built by two bubblewrap
(`bwrap`) calls:

1. the view: a mount namespace holding only what the student's Python needs, read-only
   (the system's `/usr` and its `/bin`, `/lib` links, the dynamic linker's cache, the
   font configuration, the interpreter's prefixes, the `helpers` package) and the
   grader's staging folder (the notebook and the worker) read-only at /grading. Nothing
   else of the machine is there: not the project, the submissions, the gradebook folder
   or any home folder. This call runs as the grader's user, who can read the runtime;
   when that user is root it then hands over to the `nobody` account with `setpriv`
   (the kernel does not enforce RLIMIT_NPROC for root, so a fork bomb could not be
   stopped otherwise). It has a PID namespace of its own that dies with the grader,
   taking everything in it along (a change of user clears the parent-death signal that
   would otherwise stop the jail);
2. the jail: new user, PID, network, IPC, UTS and cgroup namespaces (no further user
   namespaces), a new session, a size-capped writable scratch folder (`SCRATCH`), its own
   /proc and /dev (read-only).

The worker then limits itself (`limits`) before any student code runs: memory, CPU time,
file size, open files and, inside the jail, processes. The process count is counted per
user namespace, so a fork bomb fills only its own sandbox.

Not contained by rlimits: memory that several processes, System V shared memory or
memory-backed files hold together (only a cgroup bounds a submission's total, which
needs root or systemd's delegation, and is not set up here); the kernel itself.
"""

import dataclasses
import importlib.util
import os
import pathlib
import pwd
import shutil
import subprocess
import sys
import tempfile

# Where the jail sees the grader's staging folder (read-only) and its only writable
# folder: under a top folder of their own, so that no path the sandbox exposes (a project
# or a Python installed under /tmp, say) is hidden by them.
SANDBOX_TOP = "/sandbox"
STAGING = f"{SANDBOX_TOP}/grading"
SCRATCH = f"{SANDBOX_TOP}/scratch"
SCRATCH_BYTES = 128 * 1024 ** 2
MEMORY_BYTES = 2 * 1024 ** 3
FILE_BYTES = 16 * 1024 ** 2
PROCESSES = 32
OPEN_FILES = 128
ACCOUNT = "nobody"  # who student code runs as when the grader is root
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc/ld.so.cache", "/etc/fonts")
LIMITS = (f"{PROCESSES} processes, {MEMORY_BYTES >> 30} GiB memory and CPU time per process, "
          f"{FILE_BYTES >> 20} MiB per file, {OPEN_FILES} open files")
HOW_TO_ENABLE = (
    "install bubblewrap (Debian or Ubuntu: `sudo apt-get install bubblewrap`; `make` and "
    "`make test` install it when run as root) and allow unprivileged user namespaces "
    "(Debian 10 and older: `sudo sysctl kernel.unprivileged_userns_clone=1`; Ubuntu 24.04 "
    "and later: `sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`, or an AppArmor "
    "profile that allows bwrap)")

# Run in a new sandbox before grading: what a submission will see.
PROBE = """\
import os, socket, sys
import numpy, IPython, helpers
problems = []
if os.getpid() > 3:
    problems.append('its PIDs are not private')
if [name for _, name in socket.if_nameindex() if name != 'lo']:
    problems.append('it has a network interface')
if os.path.exists(sys.argv[1]):
    problems.append('it sees the grader')
try:
    open(os.path.join(sys.prefix, '.isolation-probe'), 'w')
    problems.append('the runtime is writable')
except OSError:
    pass
print('; '.join(problems) or 'isolated')
"""


class IsolationUnavailable(Exception):
    """Why this machine cannot isolate student processes."""


@dataclasses.dataclass(frozen=True)
class Isolation:
    """How student processes run: in bubblewrap sandboxes, or (`bwrap` None) not isolated.
    `summary` is the line the grader prints and records."""
    summary: str
    bwrap: str = None
    setpriv: str = None
    account: tuple = None  # (uid, gid) student code runs as, when the grader is root
    exposed: tuple = ()    # host paths the student's process sees, read-only

    @property
    def isolated(self):
        return self.bwrap is not None

    def folders(self, staging):
        """Where the student's process finds `staging`, and its writable folder."""
        return (STAGING, SCRATCH) if self.isolated else (str(staging), str(staging))

    def exposes(self, path):
        """Whether the student's process can see the file or folder `path`."""
        path = os.path.realpath(path)
        return any(path == shown or path.startswith(shown.rstrip("/") + "/")
                   for shown in map(os.path.realpath, self.exposed))

    def owner(self, staging):
        """The (uid, gid) the student's process for `staging` runs as; None: the grader's."""
        return self.account

    def command(self, staging, argv, shared=None):
        """The command that runs `argv` (written with the paths of `folders`) contained.
        With `shared`, a host folder owned by `owner`, that folder is its writable one
        instead, at its own path (nbgrader's feedback kernel, `nbgrader_grading.py`)."""
        if not self.isolated:
            return list(argv)
        writable = (["--bind", shared, shared, "--chdir", shared] if shared else
                    ["--size", str(SCRATCH_BYTES), "--tmpfs", SCRATCH, "--chdir", SCRATCH])
        # the jail's bwrap mounts its new root on /tmp: the view holds that folder, empty
        # unless something exposed lies under it
        view = [self.bwrap, "--die-with-parent", "--unshare-pid", "--dir", "/tmp",
                *_view_arguments(self.exposed), "--perms", "0755", "--dir", SANDBOX_TOP, "--ro-bind", str(staging), STAGING,
                "--bind", "/proc", "/proc", "--dev", "/dev", "--dir", SCRATCH,
                *(_writable_arguments(shared) if shared else [])]
        if self.account is not None:
            uid, gid = self.account
            view += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                     "--", self.setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
        jail = [self.bwrap, "--unshare-all", "--unshare-user", "--disable-userns",
                "--die-with-parent", "--new-session", "--ro-bind", "/", "/", "--proc", "/proc",
                "--dev", "/dev", "--remount-ro", "/dev", *writable]
        return [*view, "--", *jail, "--", *argv]

    def limits(self, seconds):
        """The resource limits (resource module names) the worker sets on itself.

        The process count only inside the jail: outside a user namespace of its own the
        kernel counts every process of the user, and does not enforce it for root."""
        limits = {"RLIMIT_AS": MEMORY_BYTES, "RLIMIT_CPU": int(seconds) + 1,
                  "RLIMIT_FSIZE": FILE_BYTES, "RLIMIT_NOFILE": OPEN_FILES, "RLIMIT_CORE": 0}
        return {**limits, "RLIMIT_NPROC": PROCESSES} if self.isolated else limits

    def prepare(self, staging):
        """Let the student's account read the staging folder (owned by the grader)."""
        if self.account is not None:
            for path in (staging, *pathlib.Path(staging).iterdir()):
                os.chown(path, *self.account)

    def finish(self, staging):
        """After the student's process ended: nothing to do, its PID namespace took
        everything it started along."""


def bubblewrap():
    """This machine's bubblewrap isolation, after a probe sandbox showed it holds; raises
    IsolationUnavailable saying why it cannot be had."""
    program = shutil.which("bwrap")
    if program is None:
        raise IsolationUnavailable("bubblewrap (bwrap) is not installed")
    setpriv, account, runs_as = None, None, "the grader's user"
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        try:
            user = pwd.getpwnam(ACCOUNT)
        except KeyError:
            raise IsolationUnavailable(f"the grader runs as root and there is no {ACCOUNT!r} "
                                       "account for student code") from None
        if setpriv is None:
            raise IsolationUnavailable("the grader runs as root and setpriv (util-linux) "
                                       "is not installed")
        account, runs_as = (user.pw_uid, user.pw_gid), ACCOUNT
    version = subprocess.run([program, "--version"], capture_output=True, text=True).stdout.strip()
    summary = (f"isolation: {version or 'bubblewrap'}, no network, private PIDs, read-only "
               f"runtime, {SCRATCH_BYTES >> 20} MiB scratch, student code as {runs_as}; "
               f"limits: {LIMITS}")
    isolation = Isolation(summary, program, setpriv, account,
                          runtime_paths(program, setpriv))
    hidden = [path for path in isolation.exposed if (path + "/").startswith(SANDBOX_TOP + "/")]
    if hidden:
        raise IsolationUnavailable(f"{hidden[0]} lies in {SANDBOX_TOP}, where each sandbox "
                                   "mounts its own folders: move the project or its Python")
    probe(isolation, PROBE)
    return isolation


def probe(isolation, code):
    """Run `code` as a submission would run under `isolation`, given the grader's folder;
    raise IsolationUnavailable unless it reports 'isolated'."""
    with tempfile.TemporaryDirectory(prefix="isolation-probe-") as staging:
        try:
            isolation.prepare(staging)
            argv = [sys.executable, "-c", code, str(pathlib.Path(__file__).parent)]
            done = subprocess.run(isolation.command(staging, argv), capture_output=True,
                                  text=True, stdin=subprocess.DEVNULL, timeout=60,
                                  env={"PATH": os.environ.get("PATH", ""),
                                       "HOME": isolation.folders(staging)[1]})
        except subprocess.TimeoutExpired:
            raise IsolationUnavailable("a test sandbox did not finish within 60 s") from None
        except (OSError, RuntimeError) as error:
            raise IsolationUnavailable(f"a test sandbox could not be made: {error}") from None
        finally:
            isolation.finish(staging)
    said = (done.stdout.strip() or done.stderr.strip() or f"exit status {done.returncode}")
    if done.returncode != 0 or said != "isolated":
        raise IsolationUnavailable(f"a test sandbox failed: {said.splitlines()[-1][:300]}")


def runtime_paths(*programs):
    """The host paths the student's Python needs (outermost only): the system's, the
    interpreter's prefixes, the `helpers` package and the sandbox programs."""
    helpers = importlib.util.find_spec("helpers")  # None if missing: the probe says so
    paths = [*SYSTEM_PATHS, sys.base_prefix, sys.prefix,
             *(helpers.submodule_search_locations if helpers else ()), *(p for p in programs if p)]
    paths = sorted({os.path.abspath(p) for p in paths if os.path.lexists(p)})
    return tuple(p for p in paths
                 if not any(p.startswith(q.rstrip("/") + "/") for q in paths if q != p))


def _writable_arguments(path):
    """bwrap arguments mounting `path` writable at the same place, its parent folders
    readable by anyone."""
    parents = reversed([str(parent) for parent in pathlib.Path(path).parents if str(parent) != "/"])
    return [*(a for parent in parents for a in ("--perms", "0755", "--dir", parent)),
            "--bind", path, path]


def _view_arguments(paths):
    """bwrap arguments mounting `paths` read-only at the same place (links as links),
    their parent folders readable by anyone."""
    parents = sorted({str(parent) for p in paths for parent in pathlib.Path(p).parents
                      if str(parent) != "/"})
    arguments = [a for parent in parents for a in ("--perms", "0755", "--dir", parent)]
    for path in paths:
        if os.path.islink(path):
            arguments += ["--symlink", os.readlink(path), path]
        else:
            arguments += ["--ro-bind", path, path]
    return arguments
