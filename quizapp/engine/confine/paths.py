"""What the runner may read: Python, the installed packages, the loaded libraries, no more.

Built from what this process has loaded (every module's package, every mapped shared
library) rather than from `sys.path`, which holds the working directory: run from the home
folder, `sys.path[0]` is the home folder. A root that holds the user's data or the home
folder is never granted whole; a module that sits directly in such a folder is granted as
its own file.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

from quizapp import locations

#: Device files a Python process reads (or writes, for /dev/null) in normal operation.
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")
#: Kernel files torch and OpenMP read to size their thread pools; not writable, no secrets.
SYSTEM = ("/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/sys/devices/system/cpu")
#: Where the dynamic loader looks for a library a lazily imported extension needs.
LIBRARIES = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib", "/etc/ld.so.cache")


def protected() -> list[Path]:
    """Folders no grant may contain: the user's data (the store, profiles) and the home."""
    found = [locations.data_dir().resolve()]
    home = os.environ.get("HOME")
    if home:
        found.append(Path(home).resolve())
    return found


def readable(extra: tuple[str, ...] = ()) -> list[str]:
    """Paths to grant read access to, for the runner forked from this process."""
    keep = protected()
    wanted: set[Path] = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        value = sysconfig.get_paths().get(key)
        if value:
            wanted.add(Path(value))
    for module in list(sys.modules.values()):
        location = getattr(module, "__file__", None)
        if isinstance(location, str):
            wanted.add(_top_level(module.__name__, Path(location)))
    wanted.update(Path(p).parent for p in _mapped_libraries())
    wanted.update(Path(p) for p in (*LIBRARIES, *DEVICES, *SYSTEM, *extra))
    # A module file in a protected folder (a script in the home folder) is granted alone:
    # a file grants nothing beside itself.
    granted = {str(path) for path in wanted if path.is_file() or not _holds_any(path, keep)}
    return sorted(granted)


def _top_level(name: str, location: Path) -> Path:
    """The folder of the module's top-level package, or its own file when it has none."""
    depth = name.count(".") + (location.name == "__init__.py")
    if not 0 < depth <= len(location.parents):
        return location  # a top-level module, or a __name__ that does not match its path
    return location.parents[depth - 1]


def _holds_any(path: Path, keep: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == folder or resolved in folder.parents for folder in keep)


def _mapped_libraries() -> list[str]:
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            fields = [line.split(maxsplit=5) for line in maps]
    except OSError:
        return []
    return sorted({f[5].strip() for f in fields if len(f) == 6 and f[5].startswith("/")})
