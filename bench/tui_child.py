"""Child process of the TUI benchmarks: run one app headless until its first frame, then exit.

    python bench/tui_child.py home|home-loaded|bare

`home` exits at the home screen's first frame (interactive; packs may still be loading in the
background), `home-loaded` once the pack table with its counts has been painted. Both go
through the real entry point, `quizapp.cli.main([])`, as the `quizapp` command does (the
only difference: Textual runs headless at 120x40 instead of in a terminal).

Prints one JSON line: peak RSS (KiB), and whether torch/diffusers were imported.
The home app runs with the default registry and store of `$QUIZAPP_HOME`, as `quizapp` does.
"""

from __future__ import annotations

import json
import resource
import sys

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class BareApp(App[None]):
    """The baseline: a bare Textual app with Header, Static, Footer."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("hello")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)


def run_home(loaded: bool) -> None:
    """`quizapp` with no arguments, exiting once the wanted frame is painted."""
    from quizapp.app import QuizApp
    from quizapp.cli import main as quizapp_main
    from quizapp.screens.home import HomeScreen

    hook = "refresh_packs" if loaded else "on_mount"
    original = getattr(HomeScreen, hook)

    def hooked(screen: HomeScreen, *args: object) -> None:
        original(screen, *args)
        # Exit once what `hook` drew has been painted.
        screen.call_after_refresh(screen.app.exit)

    setattr(HomeScreen, hook, hooked)
    run = QuizApp.run

    def headless_run(app: QuizApp) -> None:
        run(app, headless=True, size=(120, 40))

    QuizApp.run = headless_run  # type: ignore[method-assign, assignment]
    try:
        quizapp_main([])
    except SystemExit as done:
        if done.code not in (0, None):
            raise


def main() -> None:
    which = sys.argv[1]
    if which.startswith("home"):
        run_home(which == "home-loaded")
    else:
        BareApp().run(headless=True, size=(120, 40))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rss_kib": peak,
                "torch": "torch" in sys.modules,
                "diffusers": "diffusers" in sys.modules,
            }
        )
    )


if __name__ == "__main__":
    main()
