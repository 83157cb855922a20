"""Located pack errors: `path:line:col: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quizapp.textsafe import safe_text


@dataclass(frozen=True, order=True)
class PackError:
    """One problem in a pack file, at a 1-based line and column (0 when unknown)."""

    path: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        # A file name (or a message quoting the file) may hold control codes: shown inert.
        return safe_text(f"{self.path}:{self.line}:{self.col}: {self.message}")


class PackLoadError(Exception):
    """A pack file that could not be loaded; `errors` holds every problem found."""

    def __init__(self, errors: list[PackError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors
