"""Drop every capability, and die with the parent: the runner holds no power root would give.

Run as root (a container, this project's CI), the runner would otherwise keep capabilities
that Landlock does not cover (loading modules, changing the clock). The bounding set goes
first (that needs CAP_SETPCAP), then the effective, permitted and inheritable sets, by
`capset`, whose number differs between architectures.
"""

from __future__ import annotations

import contextlib
import ctypes
import platform
import signal

from quizapp.engine.confine._libc import prctl, syscall

_PR_SET_PDEATHSIG = 1
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_CAPSET = {"x86_64": 126, "aarch64": 91}
_CAP_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def die_with_parent() -> None:
    """SIGKILL this process when the thread that forked it exits."""
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def drop_capabilities() -> None:
    """Empty every capability set of this process.

    Raises:
        OSError: `capset` refused, or this architecture has no known number for it.
    """
    last = _last_capability()
    for number in range(last + 1):
        with contextlib.suppress(OSError):  # EPERM without CAP_SETPCAP: capset still clears
            prctl(_PR_CAPBSET_DROP, number)
    with contextlib.suppress(OSError):  # kernels before 4.3 have no ambient set
        prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL)
    machine = platform.machine()
    if machine not in _CAPSET:
        raise OSError(38, f"no capset number for {machine}")
    header = _CapHeader(_CAP_VERSION_3, 0)
    data = (_CapData * 2)()
    syscall(_CAPSET[machine], ctypes.byref(header), ctypes.byref(data))


def _last_capability() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as file:
            return int(file.read())
    except (OSError, ValueError):
        return 40
