"""What the runner may read: Python, the installed packages, the loaded libraries, no more.

Built from what this process has loaded (every module's package, every mapped shared
library) rather than from `sys.path`, which holds the working directory: run from the home
folder, `sys.path[0]` is the home folder. Nothing inside the sealed folders is granted (the
user's data, which holds the store and the profiles; the bundled packs, which hold the
reference solutions), and the home folder is never granted whole: a folder that contains
one of these is granted child by child, so a Python installed under the home folder
(pyenv) is readable, the rest of the home is not.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import sysconfig
from pathlib import Path

from quizapp import locations

#: Device files a Python process reads (or writes, for /dev/null) in normal operation.
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")
#: Kernel files torch and OpenMP read to size their thread pools; not writable, no secrets.
#: (`/proc/self` is granted by the runner itself: resolved here it would name this process.)
SYSTEM = ("/proc/cpuinfo", "/proc/meminfo", "/sys/devices/system/cpu")
#: Where the dynamic loader looks for a library a lazily imported extension needs.
LIBRARIES = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib", "/etc/ld.so.cache")


def sealed() -> list[Path]:
    """Folders no grant may reach into."""
    return [locations.data_dir().resolve(), locations.content_dir().resolve()]


def never_whole() -> list[Path]:
    """Folders that are not granted whole (the sealed ones, and the home folder)."""
    home = os.environ.get("HOME")
    return [*sealed(), *([Path(home).resolve()] if home else [])]


@functools.cache
def readable() -> tuple[str, ...]:
    """Paths to grant read access to, for a runner forked from this process.

    Cached: the warm process computes it once, and every runner forked after inherits it.
    """
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
    wanted.update(Path(p) for p in (*LIBRARIES, *DEVICES, *SYSTEM))
    granted: set[str] = set()
    for path in wanted:
        granted.update(_grants(path.resolve(), sealed(), never_whole()))
    # The tiny models are data, not answers, though they sit beside the bundled packs.
    granted.add(str(locations.models_dir().resolve()))
    # One rule per folder: drop what a granted folder already holds.
    return tuple(
        path
        for path in sorted(granted)
        if not any(_inside(Path(path), Path(other)) for other in granted if other != path)
    )


def _grants(path: Path, closed: list[Path], split: list[Path], depth: int = 0) -> list[str]:
    """`path` itself, or the parts of it that reach neither into `closed` nor hold `split`."""
    if any(_inside(path, folder) for folder in closed) or not path.exists():
        return []
    if path.is_file() or not any(_inside(folder, path) for folder in split):
        return [str(path)]  # a file grants nothing beside itself
    if depth > 8:
        return []
    found: list[str] = []
    with contextlib.suppress(OSError):
        for child in path.iterdir():
            found += _grants(child, closed, split, depth + 1)
    return found


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _top_level(name: str, location: Path) -> Path:
    """The folder of the module's top-level package, or its own file when it has none."""
    depth = name.count(".") + (location.name == "__init__.py")
    if not 0 < depth <= len(location.parents):
        return location  # a top-level module, or a __name__ that does not match its path
    return location.parents[depth - 1]


def _mapped_libraries() -> list[str]:
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            fields = [line.split(maxsplit=5) for line in maps]
    except OSError:
        return []
    return sorted({f[5].strip() for f in fields if len(f) == 6 and f[5].startswith("/")})
