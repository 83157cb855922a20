"""New PID, network and IPC namespaces for the run (and a user namespace when not root).

The runner is PID 1 of its PID namespace: when it exits, the kernel kills every process
left in it, a double-forked `setsid` daemon included. A new network namespace has only a
loopback interface, down, and its own abstract unix sockets. Unprivileged, the user
namespace comes first (the kernel creates it before the others) and maps the user to itself.
"""

from __future__ import annotations

import os

from quizapp.engine.confine._libc import unshare

CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000


def isolate() -> None:
    """Unshare the namespaces; the next child this process forks is PID 1 of the new one.

    Raises:
        OSError: the kernel refused (no namespaces, or user namespaces disabled).
    """
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
    if uid != 0:
        flags |= CLONE_NEWUSER
    unshare(flags)
    if uid != 0:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
