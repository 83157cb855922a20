"""`quizapp serve` as a user meets it: a real headless Chromium answers a question.

Debian's chromium is driven through Playwright's `executable_path`: no browser is ever
downloaded. The page draws the terminal on a canvas, so the test reads what the app sends
down the websocket (the terminal stream) to know what is on screen, and the store to know
that the answer was recorded.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_helpers import PACKS, Served
from tui_helpers import first_review_letter

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).parent / "output"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("needs Debian's chromium (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
# A real `quizapp serve` process and a real browser each.
pytestmark = pytest.mark.slow


class Terminal:
    """The page's terminal: keys in, the app's output stream (escapes stripped) out."""

    def __init__(self, page: sync_api.Page) -> None:
        self.page = page
        self.frames: list[str] = []
        page.on("websocket", self._attach)

    def _attach(self, websocket: sync_api.WebSocket) -> None:
        def received(payload: str | bytes) -> None:
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
            self.frames.append(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text))

        websocket.on("framereceived", received)

    def wait_for(self, text: str, seconds: float = 60) -> None:
        """Until the app has drawn `text` since the last `press`."""
        deadline = time.monotonic() + seconds
        while text not in "".join(self.frames):
            if time.monotonic() > deadline:
                tail = "".join(self.frames)[-400:]
                raise AssertionError(f"{text!r} never drawn; last output: {tail!r}")
            self.page.wait_for_timeout(50)

    def settle(self, quiet: float = 0.5) -> None:
        """Until the app has drawn nothing for `quiet` seconds (it is waiting for a key)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            seen = len(self.frames)
            self.page.wait_for_timeout(quiet * 1000)
            if len(self.frames) == seen:
                return
        raise AssertionError("the app never stopped redrawing")

    def press(self, *keys: str) -> None:
        """Each key once the app is idle, so none arrives while focus is still moving."""
        for key in keys:
            self.settle()
            self.frames.clear()
            self.page.keyboard.press(key)


@pytest.fixture
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def reviews(database: Path) -> list[tuple[str, str, int]]:
    if not database.exists():
        return []
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT pack_id, question_id, correct FROM reviews")
        return [tuple(row) for row in rows]


def answer_the_web_pack_question(terminal: Terminal) -> None:
    """From home: highlight the test pack (loaded after the bundled ones), answer it right."""
    from quizapp import locations
    from quizapp.packs.registry import pack_files

    terminal.wait_for("Browser test pack")
    terminal.page.locator(".xterm-helper-textarea").focus()
    bundled = len(pack_files(locations.content_dir()))
    terminal.press(*["ArrowDown"] * bundled, "Enter")
    terminal.wait_for("epsilon-prediction")
    right = first_review_letter(PACKS / "one-question.yaml", "noise")  # choices are shuffled
    terminal.press(right, "Enter")


def wait_for_review(database: Path) -> list[tuple[str, str, int]]:
    deadline = time.monotonic() + 30
    while not (found := reviews(database)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def test_answer_in_the_browser_reaches_the_store(
    browser: sync_api.Browser, quizapp_home: Path
) -> None:
    served = Served([], quizapp_home)
    try:
        assert served.banner[0].startswith(f"quizapp is served on http://127.0.0.1:{served.port}/")
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        terminal = Terminal(page)
        page.goto(served.url)
        terminal.wait_for("Browser test pack")
        terminal.settle()
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "serve-home.png"))
        answer_the_web_pack_question(terminal)
        assert wait_for_review(quizapp_home / "quizapp.db") == [("web-one", "noise", 1)]
        page.close()
    finally:
        served.stop()


def test_off_localhost_the_page_asks_for_the_token_and_profiles_stay_apart(
    browser: sync_api.Browser, quizapp_home: Path
) -> None:
    served = Served(["--host", "0.0.0.0", "--profile", "alice"], quizapp_home)
    try:
        token_line = next(line for line in served.banner if line.startswith("token: "))
        token = token_line.removeprefix("token: ").strip()
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        terminal = Terminal(page)
        response = page.goto(served.url)
        assert response is not None and response.status == 401
        page.fill("#token", "not-the-token")
        page.press("#token", "Enter")
        page.wait_for_selector("text=Wrong token.")
        assert terminal.frames == []
        page.fill("#token", token)
        page.press("#token", "Enter")
        answer_the_web_pack_question(terminal)
        profile_db = quizapp_home / "profiles" / "alice" / "quizapp.db"
        assert wait_for_review(profile_db) == [("web-one", "noise", 1)]
        # The shared store never saw alice's answer.
        assert reviews(quizapp_home / "quizapp.db") == []
        page.close()
    finally:
        served.stop()


def test_the_page_says_why_a_session_ended(browser: sync_api.Browser, quizapp_home: Path) -> None:
    served = Served([], quizapp_home)
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        terminal = Terminal(page)
        page.goto(served.url)
        terminal.wait_for("Browser test pack")
        (app,) = served.app_processes()
        os.kill(app, signal.SIGKILL)
        page.wait_for_selector("text=its app process stopped")
        message = page.locator(".closed-dialog .message").inner_text()
        assert message.startswith("The quizapp session ended: its app process stopped")
        page.close()
    finally:
        served.stop()
