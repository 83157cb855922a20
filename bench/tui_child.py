"""Child process of the TUI benchmarks: run one app headless until its first frame, then exit.

    python bench/tui_child.py home|home-loaded|bare

`home` exits at the home screen's first frame (interactive; packs may still be loading in the
background), `home-loaded` once the pack table with its counts has been painted.

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


def home_app(loaded: bool) -> App[None]:
    from quizapp.app import QuizApp
    from quizapp.screens.home import HomeScreen

    hook = "refresh_packs" if loaded else "on_mount"
    original = getattr(HomeScreen, hook)

    def hooked(screen: HomeScreen) -> None:
        original(screen)
        # Exit once what `hook` drew has been painted.
        screen.call_after_refresh(screen.app.exit)

    setattr(HomeScreen, hook, hooked)
    return QuizApp()


def main() -> None:
    which = sys.argv[1]
    app = home_app(which == "home-loaded") if which.startswith("home") else BareApp()
    app.run(headless=True, size=(120, 40))
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
