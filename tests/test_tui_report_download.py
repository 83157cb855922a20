"""In a browser (`quizapp serve`) the report's `m` downloads the Markdown (deliver_text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_report import sample_report
from tui_helpers import make_app

from quizapp import locations
from quizapp.screens.report import ReportScreen
from quizapp.store.db import Store

pytestmark = pytest.mark.anyio


async def test_export_in_the_browser_is_a_download(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(store)
    delivered: list[tuple[str, dict[str, Any]]] = []

    def deliver_text(file: Any, **options: Any) -> str:
        delivered.append((file.read(), options))
        return "key"

    monkeypatch.setattr(type(app), "is_web", property(lambda self: True))
    monkeypatch.setattr(app, "deliver_text", deliver_text)
    report = sample_report()
    async with app.run_test() as pilot:
        app.push_screen(ReportScreen(report))
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
    assert len(delivered) == 1
    text, options = delivered[0]
    assert text.startswith("# Mock interview")
    assert options["mime_type"] == "text/markdown"
    assert options["save_filename"] == f"mock-{report.started_at:%Y%m%d-%H%M%S}.md"
    # Nothing written on the server's disk.
    assert not Path(locations.reports_dir()).exists()
