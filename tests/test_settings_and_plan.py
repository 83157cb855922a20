"""Settings (store + `quizapp config`), the interview plan on a fixed clock, `quizapp plan`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from test_cli_study import run
from tui_helpers import BASIC_PACKS

from quizapp import locations
from quizapp.packs.registry import Registry
from quizapp.store.db import Store
from quizapp.study import scheduling
from quizapp.study.active_plan import active_plan, practice_plan
from quizapp.study.plan import (
    LIGHT_DAY_CAP,
    MAX_PLAN_DAYS,
    PlanError,
    build_plan,
    plan_retention,
)
from quizapp.study.plan_text import plan_lines
from quizapp.study.planning import StudyItem
from quizapp.study.settings import SettingError, load_settings, set_setting

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def test_settings_default_parse_and_reset(store: Store) -> None:
    assert load_settings(store).desired_retention == 0.9
    assert set_setting(store, "desired_retention", "0.85", TODAY) == "0.85"
    assert set_setting(store, "interview_date", "2025-03-20", TODAY) == "2025-03-20"
    settings = load_settings(store)
    assert settings.desired_retention == 0.85
    assert settings.interview_date == date(2025, 3, 20)
    assert settings.model().desired_retention == 0.85
    with pytest.raises(SettingError, match=r"between 0\.7 and 0\.98"):
        set_setting(store, "desired_retention", "0.5", TODAY)
    with pytest.raises(SettingError, match=r"YYYY-MM-DD"):
        set_setting(store, "interview_date", "next week", TODAY)
    with pytest.raises(SettingError, match="needs 21 numbers"):
        set_setting(store, "fsrs_parameters", "1, 2", TODAY)
    with pytest.raises(SettingError, match="unknown setting"):
        set_setting(store, "colour", "blue", TODAY)
    assert set_setting(store, "interview_date", "none", TODAY) == "none"
    assert load_settings(store).interview_date is None


def test_config_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["config"], capsys)
    assert code == 0 and "desired_retention = 0.9" in out
    code, out, _ = run(["config", "desired_retention", "0.95"], capsys)
    assert (code, out) == (0, "desired_retention = 0.95\n")
    code, out, _ = run(["config", "desired_retention"], capsys)
    assert out == "0.95\n"
    code, out, err = run(["config", "desired_retention", "high"], capsys)
    assert code == 2 and err == "quizapp: error: desired_retention must be a number, got 'high'\n"
    code, _, err = run(["config", "nope"], capsys)
    assert code == 2 and "unknown setting 'nope'" in err


def test_plan_retention_rises_before_the_interview() -> None:
    assert plan_retention(10, 0.9) == 0.95
    assert plan_retention(30, 0.9) == 0.93
    assert plan_retention(30, 0.96) == 0.96


def test_build_plan_spreads_work_with_mocks_and_a_light_last_day() -> None:
    interview = TODAY + timedelta(days=7)
    forecast = [5, 1, 0, 2, 0, 0, 30]
    plan = build_plan(TODAY, interview, 0.9, forecast, at_risk=8, new_available=13)
    assert plan.retention == 0.95
    assert [d.day for d in plan.days] == [TODAY + timedelta(days=n) for n in range(7)]
    # 6 busy days: 13 new -> 3,2,2,2,2,2; 8 at risk -> 2,2,1,1,1,1.
    assert [d.new for d in plan.days] == [3, 2, 2, 2, 2, 2, 0]
    assert [d.brought_forward for d in plan.days] == [2, 2, 1, 1, 1, 1, 0]
    assert [d.due for d in plan.days] == [5, 1, 0, 2, 0, 0, LIGHT_DAY_CAP]
    assert [d.mock for d in plan.days] == [False, False, True, False, False, True, False]
    assert [d.light for d in plan.days] == [False] * 6 + [True]
    assert plan.days[0].questions == 10
    with pytest.raises(PlanError, match="in the past"):
        build_plan(TODAY, TODAY - timedelta(days=1), 0.9, [], 0, 0)
    (only,) = build_plan(TODAY, TODAY, 0.9, [4], 0, 3).days
    assert only.light and only.new == 0 and only.due == 4


def test_practice_follows_an_active_plan(store: Store) -> None:
    items = [StudyItem(p.id, q) for p, q in Registry.load([BASIC_PACKS]).questions()]
    assert practice_plan(items, store, NOW) is None
    # One card due, one learned long ago (at risk by the interview), the rest new.
    due_card, _ = scheduling.review(None, 3, NOW - timedelta(days=3))
    store.save_card(*items[0].key, due_card, NOW - timedelta(hours=1))
    old, due = scheduling.review(None, 3, NOW - timedelta(days=30))
    old, due = scheduling.review(old, 3, due)
    store.save_card(*items[1].key, old, NOW + timedelta(days=60))
    set_setting(store, "interview_date", (TODAY + timedelta(days=4)).isoformat(), TODAY)
    planned, model = practice_plan(items, store, NOW) or ([], None)
    assert model is not None and model.desired_retention == 0.95
    keys = [item.key for item in planned]
    assert keys[0] == items[0].key  # due first
    assert keys[1] == items[1].key  # at risk, brought forward
    # 5 new questions over 3 busy days: 2 today.
    assert len(keys) == 4


def test_a_card_due_before_the_interview_is_not_brought_forward() -> None:
    from quizapp.store.rows import CardRow
    from quizapp.study.plan import at_risk_keys
    from quizapp.study.scheduling import MemoryModel

    interview = TODAY + timedelta(days=10)
    # Reviewed just now: due in a few days, before the interview, so reviewed then anyway.
    fresh, fresh_due = scheduling.review(None, 3, NOW)
    # Learned long ago with a long interval: next due after the interview.
    old, due = scheduling.review(None, 3, NOW - timedelta(days=60))
    old, _ = scheduling.review(old, 3, due)
    cards = {
        ("p", "fresh"): CardRow("p", "fresh", fresh, fresh_due),
        ("p", "old"): CardRow("p", "old", old, NOW + timedelta(days=40)),
    }
    assert fresh_due < NOW + timedelta(days=10)
    risky = at_risk_keys(cards, interview, 0.95, MemoryModel(desired_retention=0.95))
    assert set(risky) == {("p", "old")}


def test_a_second_session_the_same_day_adds_no_new_questions(store: Store) -> None:
    items = [StudyItem(p.id, q) for p, q in Registry.load([BASIC_PACKS]).questions()]
    set_setting(store, "interview_date", (TODAY + timedelta(days=4)).isoformat(), TODAY)
    first, _ = practice_plan(items, store, NOW) or ([], None)
    # No cards: every question is new, spread front-loaded over 3 busy days.
    assert len(items) == 7 and len(first) == 3
    for item in first:
        store.record_review(*item.key, "x", True, 3, 4.0, "practice", NOW)
        card, due = scheduling.review(None, 3, NOW)
        store.save_card(*item.key, card, due)
    later, _ = practice_plan(items, store, NOW + timedelta(hours=2)) or ([], None)
    assert not {item.key for item in later} - {item.key for item in first}
    plan = active_plan(store, {i.key for i in items}, NOW, load_settings(store))
    assert plan is not None and plan.new_done_today == 3 and plan.days[0].new == 3
    assert "3 new done today" in plan_lines(plan, TODAY)[1]
    assert "new done today" not in plan_lines(plan, TODAY)[2]
    # Tomorrow the quota is tomorrow's: 4 left over 2 busy days.
    tomorrow = NOW + timedelta(days=1)
    fresh = [i for i in practice_plan(items, store, tomorrow)[0] if i.key not in store.cards()]
    assert len(fresh) == 2


def test_plan_command(capsys: pytest.CaptureFixture[str]) -> None:
    interview = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()
    code, out, _ = run(["--packs", str(BASIC_PACKS), "plan", "--interview", interview], capsys)
    assert code == 0 and f"interview {interview} (in 5 day(s))" in out
    assert "light: review only" in out and "mock interview" in out
    code, out, _ = run(["--packs", str(BASIC_PACKS), "plan", "--json"], capsys)
    data = json.loads(out)
    assert data["interview"] == interview and len(data["days"]) == 5
    with Store.open(locations.db_path()) as store:
        assert load_settings(store).interview_date == date.fromisoformat(interview)
    code, _, err = run(["plan", "--interview", "2000-01-01"], capsys)
    assert code == 2 and "in the past" in err
    code, _, err = run(["plan", "--interview", "soon"], capsys)
    assert code == 2 and "expected a date as YYYY-MM-DD" in err
    code, out, _ = run(["plan", "--clear"], capsys)
    assert code == 0 and "cleared" in out
    code, _, err = run(["plan"], capsys)
    assert code == 2 and "no interview planned" in err


def test_scheduling_uses_the_learners_retention_and_the_plans(store: Store) -> None:
    from quizapp.grading.result import GradeResult
    from quizapp.study.active_plan import memory_model
    from quizapp.study.practice import PracticeOptions, PracticeSession

    assert memory_model(store, NOW).desired_retention == 0.9
    set_setting(store, "interview_date", (TODAY + timedelta(days=3)).isoformat(), TODAY)
    assert memory_model(store, NOW).desired_retention == 0.95
    set_setting(store, "interview_date", "none", TODAY)

    items = [StudyItem(p.id, q) for p, q in Registry.load([BASIC_PACKS]).questions()]
    learned, due = scheduling.review(None, 3, NOW - timedelta(days=20))
    learned, due = scheduling.review(learned, 3, due)

    def interval_at(retention: str) -> timedelta:
        set_setting(store, "desired_retention", retention, TODAY)
        store.save_card(*items[0].key, learned, NOW - timedelta(hours=1))
        session = PracticeSession.plan(items, store, lambda: NOW, PracticeOptions(new_limit=0))
        assert session.model.desired_retention == float(retention)
        session.show()
        session.record("a", GradeResult(True, "a", "a"), seconds=60.0)
        card = store.card(*items[0].key)
        assert card is not None
        return card.due - NOW

    assert interval_at("0.75") > interval_at("0.9") > interval_at("0.97")


@pytest.mark.parametrize(
    ("when", "why"),
    [("9999-12-31", "days away; a plan covers at most 366 days"), ("0001-01-01", "in the past")],
)
def test_an_interview_date_is_bounded_in_config_and_plan(
    when: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["config", "interview_date", when], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"quizapp: error: interview_date: the interview date {when} is ")
    assert why in err and err.count("\n") == 1
    code, out, err = run(["plan", "--interview", when], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"quizapp: error: --interview {when}: the interview date {when} is ")
    assert why in err and err.count("\n") == 1
    with Store.open(locations.db_path()) as store:
        assert load_settings(store).interview_date is None
    farthest = (datetime.now(UTC).date() + timedelta(days=MAX_PLAN_DAYS)).isoformat()
    assert run(["config", "interview_date", farthest], capsys)[0] == 0


def test_a_far_interview_written_by_hand_plans_nothing(store: Store) -> None:
    store.write_setting("interview_date", "9999-12-31")
    assert active_plan(store, set(), NOW, load_settings(store)) is None
    with pytest.raises(PlanError, match="a plan covers at most 366 days"):
        build_plan(TODAY, date(9999, 12, 31), 0.9, [], 0, 0)
