"""Where `quizapp install` takes packs from: a YAML file, a folder of them, or a git repo.

A git source is cloned (shallow, no prompts, with a deadline) into a temporary folder that
the caller removes; paths in errors are then shown relative to the repository, after its URL.

Only regular files are taken: a link (`x.yaml -> /etc/shadow`, in a folder or a repository)
would be followed by the loader and its lines echoed in errors, and a FIFO or device named
`x.yaml` would block or never end. Either refuses the whole source, with its own message.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from quizapp.oneline import one_line
from quizapp.packs.files import PACK_SUFFIXES, pack_files

#: URL schemes git clones from, and scp-like `user@host:path`.
_GIT_URL = re.compile(r"^(?:(?:https?|ssh|git|file)://|[\w.-]+@[\w.-]+:)")
_CLONE_SECONDS = 120


class SourceError(Exception):
    """A source that cannot be read or cloned; the message is one line."""


@dataclass(frozen=True)
class Fetched:
    """Pack files ready to validate, and how to describe where they came from.

    Attributes:
        files: The pack files (inside `root`).
        root: The folder they are in (a clone's checkout, or the source folder).
        source: What the user named (a resolved path, or the URL as given).
        commit: The cloned commit, for a git source.
    """

    files: list[Path]
    root: Path
    source: str
    commit: str | None = None


def is_git_url(source: str) -> bool:
    """True for what git clones from a URL (https, ssh, git, file, or `user@host:path`)."""
    return bool(_GIT_URL.match(source))


def is_bare_repo(path: Path) -> bool:
    """A folder that is a git repository without a working tree (`repo.git`)."""
    return path.is_dir() and (path / "HEAD").is_file() and (path / "objects").is_dir()


def fetch(source: str, scratch: Path) -> Fetched:
    """The pack files of `source`; a git source is cloned into `scratch` (which must be empty).

    Raises:
        SourceError: no such path, not a pack file, no pack in the folder, or clone failed.
    """
    path = Path(source).expanduser()
    if is_git_url(source) or is_bare_repo(path):
        return _clone(source, scratch)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        if path.suffix not in PACK_SUFFIXES:
            raise SourceError(f"{source}: not a pack file (expected .yaml or .yml)")
        return _only_regular(Fetched([path], path.parent, str(path.resolve())))
    if path.is_dir():
        files = pack_files(path)
        if not files:
            raise SourceError(f"{source}: no pack files (*.yaml, *.yml) in this folder")
        return _only_regular(Fetched(files, path, str(path.resolve())))
    raise SourceError(f"{source}: no such file or folder, and not a git URL")


def _only_regular(fetched: Fetched) -> Fetched:
    """`fetched`, unless one of its files is a link or not a regular file (SourceError)."""
    for file in fetched.files:
        # A clone's files live in a temporary folder: name them inside the repository.
        where = str(file) if fetched.commit is None else f"{fetched.source}:{file.name}"
        try:
            mode = file.lstat().st_mode
        except OSError as error:
            raise SourceError(f"{where}: cannot read: {error.strerror}") from None
        if stat.S_ISLNK(mode):
            raise SourceError(
                f"{where} is a symbolic link; install takes the pack file itself, not a link"
            )
        if not stat.S_ISREG(mode):
            raise SourceError(f"{where} is not a regular file (a FIFO, device or socket)")
    return fetched


def _clone(source: str, scratch: Path) -> Fetched:
    checkout = scratch / "clone"
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    command = ["git", "clone", "--quiet", "--depth", "1", "--", source, str(checkout)]
    try:
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            text=True,
            timeout=_CLONE_SECONDS,
            env=environment,
        )
        head = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
            timeout=_CLONE_SECONDS,
        )
    except FileNotFoundError:
        raise SourceError("git is not installed: cannot clone " + source) from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"{source}: git clone took over {_CLONE_SECONDS} s") from None
    except subprocess.CalledProcessError as error:
        reason = one_line(error.stderr or "") or f"exit status {error.returncode}"
        raise SourceError(f"{source}: git clone failed: {reason}") from None
    files = pack_files(checkout)
    if not files:
        raise SourceError(f"{source}: no pack files (*.yaml, *.yml) at the repository's top")
    return _only_regular(Fetched(files, checkout, source, head.stdout.strip()))
