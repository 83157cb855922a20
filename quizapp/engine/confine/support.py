"""What this machine can confine, probed once, and the one line that says so."""

from __future__ import annotations

import contextlib
import functools
import os
import platform
from dataclasses import dataclass

from quizapp.engine.confine import landlock, namespaces, seccomp
from quizapp.engine.confine._libc import LINUX

#: Landlock's ABI 2 (Linux 5.19) is the first that handles renames and links (REFER); below
#: it a runner could move a file out of its folder.
MIN_LANDLOCK_ABI = 2


@dataclass(frozen=True)
class Support:
    """The confinement primitives the kernel offers.

    Attributes:
        landlock_abi: Landlock's ABI version, 0 when absent.
        seccomp: A seccomp filter can be loaded (and this architecture has a table).
        namespaces: New PID, network and IPC namespaces can be made.
        reason: Why something is missing, in a few words ("" when nothing is).
    """

    landlock_abi: int
    seccomp: bool
    namespaces: bool
    reason: str = ""

    @property
    def complete(self) -> bool:
        """Every primitive is there: files, network, processes and memory are confined."""
        return self.landlock_abi >= MIN_LANDLOCK_ABI and self.seccomp and self.namespaces

    def summary(self) -> str:
        """One line: what confines learner code here, or why it runs unconfined."""
        if self.complete:
            return (
                f"learner code is confined (Landlock ABI {self.landlock_abi}, seccomp, "
                "PID and network namespaces)"
            )
        return f"learner code runs unconfined here: {self.reason}"


@functools.cache
def support() -> Support:
    """Probe once per process (the namespace probe forks a short-lived child)."""
    if not LINUX:
        return Support(0, False, False, f"confinement needs Linux, this is {platform.system()}")
    version = landlock.abi()
    filters = seccomp.supported() and _seccomp_filters()
    spaces = _namespaces_work()
    missing = []
    if version < MIN_LANDLOCK_ABI:
        kernel = platform.release()
        missing.append(
            f"Landlock ABI {version} (kernel {kernel}; ABI {MIN_LANDLOCK_ABI}+ is needed)"
            if version
            else f"no Landlock (kernel {kernel}, or not in the boot's lsm= list)"
        )
    if not filters:
        missing.append(f"no seccomp filter for {platform.machine()}")
    if not spaces:
        missing.append("namespaces refused (user namespaces disabled?)")
    return Support(version, filters, spaces, "; ".join(missing))


def _seccomp_filters() -> bool:
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        return any(line.startswith("Seccomp_filters:") for line in status)
    return False


def _namespaces_work() -> bool:
    """Fork a child that unshares the run's namespaces; True when it could."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            namespaces.isolate()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
