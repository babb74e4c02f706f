"""Launcher of a student's process in the sandbox-account tier (`autograder.sandbox_account`):
started as root, it drops to the leased account and narrows what that account may reach,
then executes the worker. It never executes anything it could not confine.

`python -I -S confine.py SETTINGS_JSON -- PROGRAM ARGS...`, where the settings hold `uid`
and `gid` (the account), `read` (paths it may read), `write` (paths it may change),
`chdir` and `landlock` (the Landlock ABI version to use, 0 for none). In order: no
supplementary groups, the account's gid and uid (real, effective and saved), no new
privileges (setuid programs gain nothing), then, with Landlock, a ruleset that allows
reading only `read`, writing only under `write`, no TCP (ABI 4) and no signals or
abstract sockets outside the sandbox (ABI 6). The process is already a session leader
(the grader starts it in a new session). Standard library only: the account cannot read
the grader, so this file runs before the switch.
"""

import ctypes
import json
import os
import stat
import sys

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # x86_64 and arm64
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38
# filesystem rights: execute, write, read file, read dir, then 9 kinds of change (ABI 1),
# refer (2), truncate (3), device ioctl (5)
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1, 2, 4, 8
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | (1 << 14) | (1 << 15)
_READ = _EXECUTE | _READ_FILE | _READ_DIR
_NET_TCP = 0b11         # bind and connect (ABI 4)
_SCOPES = 0b11          # abstract unix sockets and signals (ABI 6)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _syscall(number, *args):
    result = _libc.syscall(number, *args)
    if result < 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))
    return result


def landlock_abi():
    """The Landlock ABI version this kernel (and seccomp profile) offers; 0 without it."""
    try:
        return _syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0),
                        ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except OSError:
        return 0


def handled_rights(abi):
    """The filesystem rights a ruleset of `abi` handles (denied unless a rule allows)."""
    rights = (1 << 13) - 1
    for since, bit in ((2, 13), (3, 14), (5, 15)):
        if abi >= since:
            rights |= 1 << bit
    return rights


def _ruleset(abi, read, write):
    """A Landlock ruleset's file descriptor: `read` readable, `write` fully usable."""
    handled = handled_rights(abi)
    attr = _RulesetAttr(handled, _NET_TCP if abi >= 4 else 0, _SCOPES if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                       ctypes.c_uint32(0))
    for paths, rights in ((read, _READ), (write, handled)):
        for path in paths:
            fd = os.open(path, os.O_PATH)
            try:
                allowed = rights if stat.S_ISDIR(os.fstat(fd).st_mode) else rights & _FILE_RIGHTS
                rule = _PathBeneathAttr(allowed & handled, fd)
                _syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule),
                         ctypes.c_uint32(0))
            finally:
                os.close(fd)
    return ruleset


def confine(settings):
    """Become the account of `settings` and narrow its view; raise OSError if any step fails."""
    abi = int(settings["landlock"])
    ruleset = _ruleset(abi, settings["read"], settings["write"]) if abi else None
    os.setgroups([])
    os.setresgid(settings["gid"], settings["gid"], settings["gid"])
    os.setresuid(settings["uid"], settings["uid"], settings["uid"])
    if os.getuid() == 0 or os.geteuid() == 0:
        raise OSError("still root after setresuid")
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, *map(ctypes.c_ulong, (1, 0, 0, 0))) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if ruleset is not None:
        _syscall(_SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0))
        os.close(ruleset)
    os.chdir(settings["chdir"])


def main(argv):
    settings, separator, *program = argv
    if separator != "--" or not program:
        sys.exit("usage: confine.py SETTINGS_JSON -- PROGRAM ARGS...")
    try:
        confine(json.loads(settings))
    except OSError as error:
        sys.exit(f"sandbox account: could not confine the student's process: {error}")
    os.execv(program[0], program)


if __name__ == "__main__":
    main(sys.argv[1:])
