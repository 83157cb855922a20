"""Start confined runs: the process layout, and the order the locks go on.

    zygote ─fork→ keeper-side (outside; waits, then exits as PID 1 did)
      └─ PID 1 of new PID, network and IPC namespaces (`enter_namespaces`): forks the runs
           └─ runner, one per run (`start`), confined

A process cannot move itself into a new PID namespace: its next child is the namespace's
PID 1, so entering forks once, when the zygote starts, not once per run. After each run
PID 1 kills whatever is left in the namespace (`reap_leftovers`): nothing a run starts
outlives it, even if the seccomp filter that forbids forking were missing. The runner
keeps only the descriptors it is given, then, in order: limits (address space, CPU, file
size, no core), no capabilities, no_new_privs, Landlock, seccomp. Seccomp goes last
because it forbids nothing the earlier steps need.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
from dataclasses import dataclass

from quizapp.engine.confine import landlock, namespaces, paths, privileges, seccomp
from quizapp.engine.confine.support import support

#: The runner's exit code when it spent its CPU time (it exits from a SIGXCPU handler).
EXIT_CPU = 128 + signal.SIGXCPU
#: Bytes one file in the run's folder may grow to (a run cannot fill the disk).
FILE_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one run may use.

    Attributes:
        memory_mb: Address space beyond what the warm process maps at the fork.
        cpu_seconds: CPU time, all threads together.
    """

    memory_mb: int
    cpu_seconds: int


_STATE = {"pid1": False}


def enter_namespaces() -> bool:
    """Move the rest of this process's life into new namespaces, as their PID 1.

    The caller forks here: the original process waits for the new one and exits as it
    does (it holds nothing: every descriptor above 2 is closed), the new one returns True.
    Returns False, without forking, where the kernel offers no namespaces.
    """
    if not support().namespaces:
        return False
    namespaces.isolate()
    pid = os.fork()
    if pid:
        _keep(pid)
    privileges.die_with_parent()
    _STATE["pid1"] = True
    return True


def reap_leftovers() -> None:
    """In PID 1 of the runs' namespace: kill and reap every process a run left behind."""
    if not _STATE["pid1"] or os.getpid() != 1:
        return  # kill(-1) anywhere else would reach every process of the user
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        while True:
            pid, _ = os.waitpid(-1, 0)
            if pid == 0:
                break


def start(workdir: str, output: int | None, keep: tuple[int, ...], limits: Limits) -> int:
    """Fork a run: returns 0 in the runner (confined as far as the kernel allows), else
    the runner's pid.

    The runner's stdin is /dev/null, its stdout and stderr `output` (or /dev/null), and
    `keep` are the only other descriptors it holds; the caller closes its own copies.
    """
    if any(fd < 3 for fd in (*keep, output or 3)):
        raise ValueError("the run's descriptors must not be 0, 1 or 2 (they become its stdio)")
    pid = os.fork()
    if pid:
        return pid
    try:
        os.setpgid(0, 0)  # a kill of the run reaches its whole group
        privileges.die_with_parent()
        confine(workdir, output, keep, limits)
        return 0
    except BaseException:
        os._exit(70)  # the runner never returns into the caller's code on failure


def _keep(child: int) -> None:
    """Hold nothing, wait for `child`, exit the way it did."""
    os.closerange(3, _max_fd())
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            os._exit(70)
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 70)


def confine(workdir: str, output: int | None, keep: tuple[int, ...], limits: Limits) -> None:
    """Lock the calling (single-threaded, freshly forked) process down, as far as it can."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null if output is None else output, 1)
    os.dup2(null if output is None else output, 2)
    _close_all_but({0, 1, 2, *keep})
    os.chdir(workdir)
    os.environ["TMPDIR"] = workdir
    _limit(limits)
    available = support()
    if not available.complete:
        return  # run as before, with the limits only; the server has said so once
    readable = (*paths.readable(), "/proc/self")  # opened here, it names the runner
    privileges.drop_capabilities()
    seccomp.set_no_new_privs()
    landlock.restrict(readable, (workdir, "/dev/null"), available.landlock_abi)
    seccomp.install()


def _limit(limits: Limits) -> None:
    mapped = _mapped_bytes()
    if mapped is not None:
        cap = mapped + limits.memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = limits.cpu_seconds
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    signal.signal(signal.SIGXCPU, lambda *_: os._exit(EXIT_CPU))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _mapped_bytes() -> int | None:
    """VmSize of this process: the warm state the cap comes on top of."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    except (OSError, StopIteration, ValueError):
        return None


def _close_all_but(keep: set[int]) -> None:
    try:
        open_fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        open_fds = list(range(_max_fd()))
    for fd in open_fds:
        if fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _max_fd() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if 0 < soft < 1 << 20 else 4096
