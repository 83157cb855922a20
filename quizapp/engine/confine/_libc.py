"""The few libc calls confinement needs, through ctypes: `syscall`, `prctl`, `unshare`.

Each raises OSError with the errno, like the functions of `os`, so that a caller can tell a
kernel that refuses (EPERM, EINVAL, ENOSYS) from one that has not got the feature.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

LINUX = sys.platform.startswith("linux")

_libc: Any = ctypes.CDLL(None, use_errno=True) if LINUX else None


def _check(result: int) -> int:
    if result < 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number))
    return result


def syscall(number: int, *args: Any) -> int:
    """`syscall(number, *args)`; integers are passed as unsigned longs."""
    if _libc is None:
        raise OSError(38, "not Linux")
    call = _libc.syscall
    call.restype = ctypes.c_long
    converted = [ctypes.c_ulong(arg) if isinstance(arg, int) else arg for arg in args]
    return _check(int(call(ctypes.c_long(number), *converted)))


def prctl(option: int, *args: Any) -> int:
    """`prctl(option, ...)` with up to four more arguments."""
    if _libc is None:
        raise OSError(38, "not Linux")
    padded = [ctypes.c_ulong(a) if isinstance(a, int) else a for a in args]
    padded += [ctypes.c_ulong(0)] * (4 - len(padded))
    return _check(int(_libc.prctl(ctypes.c_int(option), *padded)))


def unshare(flags: int) -> None:
    """`unshare(flags)` (Python 3.12 has os.unshare; 3.11 does not)."""
    if _libc is None:
        raise OSError(38, "not Linux")
    _check(int(_libc.unshare(ctypes.c_int(flags))))
