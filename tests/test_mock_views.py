"""Mock-interview views without a running app: plain-text report, practice target, clocks."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from test_report import START, answered, sample_report

from quizapp.store.rows import MockRow
from quizapp.study.planning import Filters
from quizapp.study.report import build_report, practice_command, practice_target
from quizapp.study.report_text import to_text
from quizapp.widgets.mock_history import history_text, sparkline
from quizapp.widgets.timer import clock_text


def test_plain_text_report_has_scores_answers_traps_and_explanations() -> None:
    text = to_text(sample_report())
    assert text.startswith("Mock interview, 2025-03-01 09:00 UTC")
    assert "By topic" in text and "By objective" in text
    assert "denoising-step/cfg-formula" in text
    assert "cfg-scale [cfg]: wrong" in text
    assert "trap:     That is the conditional output alone." in text
    assert "timesteps-list [timesteps]: skipped" in text
    assert "67% of the rubric" in text
    assert "paused 1:00" in text
    assert "```" not in text and "| ---" not in text  # not Markdown


def test_practice_target_follows_the_suggestion() -> None:
    report = sample_report()
    target = practice_target(report)
    assert target == Filters(pack="denoising-step", objective="cfg-formula")
    assert target is not None and practice_command(target) in report.suggestion
    perfect = build_report([answered("a", True)], START, START + timedelta(minutes=1))
    assert practice_target(perfect) is None
    no_objective = build_report([answered("b", False, topic="vae")], START, START)
    assert practice_target(no_objective) == Filters(topic="vae")


def test_clock_text_rounds_up_and_shows_overtime() -> None:
    assert clock_text(0) == "00:00"
    assert clock_text(59.2) == "01:00"
    assert clock_text(754) == "12:34"
    assert clock_text(-12.5) == "+00:12"


def test_history_shows_latest_change_best_and_trend() -> None:
    def row(n: int, score: float) -> MockRow:
        at = START + timedelta(days=n)
        return MockRow(n, at, at, "{}", score, 0.0)

    assert sparkline([0.0, 0.5, 1.0]) == "▁▅█"
    text = history_text([row(3, 0.75), row(2, 0.5), row(1, 0.25)]).plain
    assert "Mock interviews: 3 · latest 75% (+25%) · best 75%" in text
    assert "▃▅▆" in text
    assert "none yet" in history_text([]).plain


def test_interviews_ended_early_are_counted_but_left_out_of_the_trend() -> None:
    def row(n: int, score: float, early: bool) -> MockRow:
        at = START + timedelta(days=n)
        return MockRow(n, at, at, json.dumps({"ended_early": early}), score, 0.0)

    text = history_text([row(3, 0.1, True), row(2, 0.5, False), row(1, 0.25, False)]).plain
    assert "Mock interviews: 3 (1 ended early, not in the trend) · latest 50% (+25%)" in text
    assert "▃▅" in text and "▁" not in text
    only_early = history_text([row(1, 0.0, True)]).plain
    assert only_early == "Mock interviews: 1 (1 ended early, not in the trend)"


def test_the_report_shows_its_seed_and_how_to_replay_it() -> None:
    from quizapp.study.report import from_json, replay_command, to_json
    from quizapp.study.report_markdown import to_markdown

    report = build_report([answered("a", True)], START, START, seed=1234)
    assert replay_command(report) == "quizapp mock --seed 1234"
    assert "Seed 1234: quizapp mock --seed 1234" in to_text(report)
    assert "**Seed:** 1234" in to_markdown(report)
    assert from_json(to_json(report)).seed == 1234
    assert replay_command(build_report([answered("a", True)], START, START)) is None


def test_read_setup_reads_the_fields_or_names_the_bad_one() -> None:
    from quizapp.screens.mock_setup import SetupError, read_setup

    options = read_setup("6", "", "50", Filters(pack="p"))
    assert (options.questions, options.minutes, options.executed_share) == (6, None, 0.5)
    assert options.seed is None and options.filters == Filters(pack="p")
    assert read_setup("6", "12.5", "0", Filters()).minutes == 12.5
    for fields, message in [
        (("x", "", "40"), "questions: a whole number"),
        (("0", "", "40"), "questions: 1 to 100"),
        (("6", "soon", "40"), "minutes: a number or empty"),
        (("6", "-1", "40"), "minutes: more than 0"),
        (("6", "", "140"), "executed share: 0 to 100%"),
    ]:
        try:
            read_setup(*fields, Filters())
        except SetupError as error:
            assert str(error).startswith(message)
        else:
            raise AssertionError(f"{fields} read")


def test_mock_defaults_round_trip_and_survive_bad_values(tmp_path: Path) -> None:
    from quizapp.store.db import Store
    from quizapp.study.interview import MockOptions
    from quizapp.study.mock_defaults import load_mock_defaults, save_mock_defaults
    from quizapp.study.mock_plan import EXECUTED_SHARE

    with Store.open(tmp_path / "s.db") as store:
        assert load_mock_defaults(store) == MockOptions()
        chosen = MockOptions(Filters(topic="cfg"), 5, 12.0, 99, 0.25)
        save_mock_defaults(store, chosen)
        assert load_mock_defaults(store) == MockOptions(Filters(topic="cfg"), 5, 12.0, None, 0.25)
        save_mock_defaults(store, MockOptions())
        assert load_mock_defaults(store) == MockOptions()
        store.write_setting("mock.questions", "lots")
        store.write_setting("mock.executed_share", "7")
        defaults = load_mock_defaults(store)
        assert defaults.questions == 8 and defaults.executed_share == EXECUTED_SHARE


def test_the_by_objective_table_lists_the_objectives_of_the_mock_s_questions() -> None:
    from quizapp.screens.report import score_table

    items = [
        answered("a", True, covers=("cfg-formula",)),
        answered("b", False, covers=("cfg-batch",), status="skipped"),  # asked, not answered
        answered("c", True, topic="vae"),  # no objective
    ]
    report = build_report(items, START, START + timedelta(minutes=2), ended_early=True)
    assert list(report.by_objective) == ["denoising-step/cfg-batch", "denoising-step/cfg-formula"]
    assert score_table("By objective", report.by_objective).row_count == 2
