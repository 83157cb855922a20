"""Child process of the TUI benchmarks: run one app headless until its first frame, then exit.

    python bench/tui_child.py home|home-loaded|bare

`home` exits at the home screen's first frame (interactive; packs may still be loading in the
background), `home-loaded` once the pack table with its counts has been painted. Both go
through the real entry point, `quizapp.cli.main([])`, as the `quizapp` command does (the
only differences: Textual runs headless at 120x40 instead of in a terminal, and the
terminal check is skipped).

Prints one JSON line: peak RSS (KiB), and whether torch/diffusers were imported.
The home app runs with the default registry and store of `$QUIZAPP_HOME`, as `quizapp` does.
"""

from __future__ import annotations

import json
import resource
import sys


def run_bare() -> None:
    """The baseline: a bare Textual app with Header, Static, Footer.

    Textual is imported here, not at the top: `quizapp` imports its own entry point first,
    and so does `run_home`.
    """
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class BareApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self.exit)

    BareApp().run(headless=True, size=(120, 40))


def run_home(loaded: bool) -> None:
    """`quizapp` with no arguments, exiting once the wanted frame is painted."""
    from quizapp import startup_gc
    from quizapp.cli import main as quizapp_main

    # `main` does this before anything imports Textual; the patches below need the app's
    # classes first, so do it here as the first thing too.
    startup_gc.defer_collection()
    from quizapp.app import QuizApp
    from quizapp.commands import terminal
    from quizapp.screens.home import HomeScreen

    hook = "refresh_packs" if loaded else "on_mount"
    original = getattr(HomeScreen, hook)

    def hooked(screen: HomeScreen, *args: object) -> None:
        # Textual passes the event to a handler that takes *args; `on_mount` takes none.
        original(screen, *(args if loaded else ()))
        # Exit once what `hook` drew has been painted.
        screen.call_after_refresh(screen.app.exit)

    setattr(HomeScreen, hook, hooked)
    run = QuizApp.run

    def headless_run(app: QuizApp) -> None:
        run(app, headless=True, size=(120, 40))

    QuizApp.run = headless_run  # type: ignore[method-assign, assignment]
    # Headless needs no terminal; the check itself is a couple of isatty calls.
    terminal.require_terminal = lambda: None
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
        run_bare()
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
