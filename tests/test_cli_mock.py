"""`quizapp report` on a seeded store, and `quizapp mock`'s one-line errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_report import START, sample_report
from tui_helpers import BASIC_PACKS

from quizapp import locations
from quizapp.cli import main
from quizapp.store.db import Store
from quizapp.study.report import build_report, to_json


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(argv)
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 1), out, err


def seed_two_reports() -> None:
    older = sample_report()
    newer = build_report(
        older.items[:1], START + timedelta(days=1), START + timedelta(days=1, minutes=2)
    )
    with Store.open(locations.db_path()) as store:
        for report in (older, newer):
            store.save_mock(
                report.started_at, report.finished_at, to_json(report), report.score, 0.0
            )


def test_report_prints_the_latest_as_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    seed_two_reports()
    code, out, err = run(["report"], capsys)
    assert code == 0 and err == ""
    assert out.startswith("Mock interview, 2025-03-02 09:00 UTC\nScore 100% · 1 questions")


def test_report_n_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    seed_two_reports()
    code, out, _ = run(["report", "2", "--markdown"], capsys)
    assert code == 0
    assert out.startswith("# Mock interview, 2025-03-01 09:00 UTC")
    assert "| cfg | 2 | 50% |" in out
    assert "- **Trap:** That is the conditional output alone." in out
    code, out, _ = run(["report", "2"], capsys)
    assert "cfg-scale [cfg]: wrong" in out and "# " not in out


def test_no_report_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["report"], capsys)
    assert code == 2 and out == ""
    assert err == "quizapp: error: no mock interview yet: start one with `quizapp mock`\n"
    seed_two_reports()
    code, _, err = run(["report", "3"], capsys)
    assert code == 2 and err == "quizapp: error: no report 3: 2 mock interview(s) stored\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pack", "nope"], "unknown pack 'nope'"),
        (["--topic", "nope"], "no question matches --topic nope"),
        (["--questions", "0"], "--questions"),
        (["--executed", "140"], "--executed"),
    ],
)
def test_mock_user_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["--packs", str(BASIC_PACKS), "mock", *args], capsys)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
