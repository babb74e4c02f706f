"""Gradescope's container, simulated: run a command as root the way Docker runs an
autograder, so that bubblewrap cannot make a sandbox there.

`python gradescope_container.py FOLDER -- COMMAND...` (as root) mounts FOLDER at
/autograder in a mount namespace of its own, then, like Docker's default profile:

- a seccomp filter (libseccomp, through pyseccomp) refuses `unshare`, `setns`, `clone`
  with any namespace flag (EPERM) and `clone3` (ENOSYS, so that the C library falls back
  to `clone`, as Docker's profile makes it);
- the capability bounding set keeps Docker's default capabilities only, so that root
  has no others after exec (no CAP_SYS_ADMIN: no mounts, no namespaces).

It then executes COMMAND (the zip's `run_autograder`) as root.
"""

import ctypes
import errno
import os
import sys

import pyseccomp

CLONE_NAMESPACES = {"CLONE_NEWNS": 0x20000, "CLONE_NEWCGROUP": 0x2000000,
                    "CLONE_NEWUTS": 0x4000000, "CLONE_NEWIPC": 0x8000000,
                    "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
                    "CLONE_NEWNET": 0x40000000}
# Docker's default capabilities (moby's oci/caps/defaults.go)
DOCKER_CAPABILITIES = {0: "CHOWN", 1: "DAC_OVERRIDE", 3: "FOWNER", 4: "FSETID", 5: "KILL",
                       6: "SETGID", 7: "SETUID", 8: "SETPCAP", 10: "NET_BIND_SERVICE",
                       13: "NET_RAW", 18: "SYS_CHROOT", 27: "MKNOD", 29: "AUDIT_WRITE",
                       31: "SETFCAP"}
PR_CAPBSET_DROP = 24
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000

libc = ctypes.CDLL(None, use_errno=True)


def check(result, what):
    if result != 0:
        raise OSError(ctypes.get_errno(), f"{what}: {os.strerror(ctypes.get_errno())}")


def mount_autograder(folder):
    check(libc.unshare(CLONE_NAMESPACES["CLONE_NEWNS"]), "unshare")
    check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    check(libc.mount(os.fsencode(folder), b"/autograder", None, MS_BIND, None), "bind /autograder")


def docker_seccomp():
    refused = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    refused.set_attr(pyseccomp.Attr.CTL_NNP, 0)  # Docker does not set no_new_privs either
    for call in ("unshare", "setns"):
        refused.add_rule(pyseccomp.ERRNO(errno.EPERM), call)
    for flag in CLONE_NAMESPACES.values():
        refused.add_rule(pyseccomp.ERRNO(errno.EPERM), "clone",
                         pyseccomp.Arg(0, pyseccomp.MASKED_EQ, flag, flag))
    refused.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
    refused.load()


def docker_capabilities():
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for capability in range(last + 1):
        if capability not in DOCKER_CAPABILITIES:
            check(libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(capability), ctypes.c_ulong(0),
                             ctypes.c_ulong(0), ctypes.c_ulong(0)), f"drop capability {capability}")


def main(folder, separator, *command):
    assert separator == "--" and command and os.geteuid() == 0
    os.makedirs("/autograder", exist_ok=True)  # the mount point, empty on the host
    mount_autograder(folder)
    docker_seccomp()
    docker_capabilities()  # last: dropping them needs CAP_SETPCAP, which Docker keeps
    os.chdir("/autograder")
    os.execv(command[0], list(command))


if __name__ == "__main__":
    main(*sys.argv[1:])
