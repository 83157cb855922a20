"""The app `quizapp preview PATH` runs: the browse screen on one pack file, watching it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType

from quizapp import startup_gc
from quizapp.app_crash import CrashToLog
from quizapp.grading.service import GradingService
from quizapp.screens.browse import BrowseScreen


class PreviewApp(CrashToLog):
    """Shows `path` in the browse screen, reloaded on every save; leaving it quits.

    Args:
        path: The pack file being written.
        grading: Computes executed references and grades tries; the caller owns it.
    """

    TITLE = "quizapp preview"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(self, path: Path, grading: GradingService) -> None:
        super().__init__()
        self.path = path
        self.grading = grading

    def on_mount(self) -> None:
        self.sub_title = str(self.path)
        browse = BrowseScreen(self.path, self.grading, watch=True)
        self.push_screen(browse, lambda _: self.exit())
        # After the first frame: see startup_gc.
        self.call_after_refresh(startup_gc.settle)
