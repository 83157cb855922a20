"""Mock-interview reports: scores, rubric credit, weakest objective, Markdown, JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st
from study_factories import question

from quizapp.study.report import (
    MockReport,
    ReportItem,
    Score,
    build_report,
    from_json,
    to_json,
)
from quizapp.study.report_markdown import to_markdown

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
END = START + timedelta(minutes=14)


def answered(
    qid: str,
    correct: bool | None,
    *,
    type: str = "choice",
    topic: str = "cfg",
    covers: tuple[str, ...] = (),
    pack: str = "denoising-step",
    **kwargs: object,
) -> ReportItem:
    return ReportItem.from_question(
        pack,
        question(qid, type, topic=topic, covers=covers),
        answer=kwargs.pop("answer", "x"),  # type: ignore[arg-type]
        expected=kwargs.pop("expected", "y"),  # type: ignore[arg-type]
        correct=correct,
        seconds=kwargs.pop("seconds", 30.0),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def sample_report() -> MockReport:
    items = [
        answered("cfg-shape", True, topic="cfg", covers=("cfg-batch",), answer="[2, 4, 64, 64]"),
        answered(
            "cfg-scale",
            False,
            topic="cfg",
            covers=("cfg-batch", "cfg-formula"),
            trap="That is the conditional output alone.",
        ),
        answered(
            "explain-step",
            None,
            type="explain",
            topic="model-vs-scheduler",
            covers=("model-vs-scheduler",),
            rubric_ticked=[0, 2],
            answer="The scheduler owns the state.\nThe model predicts | noise.",
        ),
        answered(
            "timesteps-list", None, topic="timesteps", covers=("timesteps",), status="skipped"
        ),
        answered("not-graded", None, topic="timesteps", type="numeric"),  # the worker failed
    ]
    return build_report(items, START, END, paused_seconds=60.0)


def test_item_credit() -> None:
    assert answered("a", True).credit == 1.0
    assert answered("b", False).credit == 0.0
    assert answered("c", True, status="missed").credit == 0.0
    assert not answered("d", None).scored  # an objective answer with no grade
    assert answered("e", None, status="skipped").scored  # a skip counts as zero
    with pytest.raises(ValueError, match="credit"):
        ReportItem("p", "q", "t", (), "choice", "?", "a", "b", True, 1.5, 1.0, 60)


def test_rubric_partial_credit() -> None:
    item = answered("e", None, type="explain", rubric_ticked=[0, 2, 7, -1])  # 7, -1 ignored
    assert item.credit == pytest.approx(2 / 3)
    assert item.missed_rubric == ("names the shape",)
    assert item.scored
    none = answered("f", None, type="explain")
    assert none.credit == 0.0 and len(none.missed_rubric) == 3


def test_scores_by_topic_and_objective() -> None:
    report = sample_report()
    # Scored: 1 + 0 + 2/3 + 0 (skipped); the ungraded numeric is left out.
    assert report.score == pytest.approx((1 + 0 + 2 / 3 + 0) / 4)
    assert report.by_topic == {
        "cfg": Score(questions=2, credit=1.0),
        "model-vs-scheduler": Score(questions=1, credit=pytest.approx(2 / 3)),  # type: ignore[arg-type]
        "timesteps": Score(questions=1, credit=0.0),
    }
    assert list(report.by_topic) == sorted(report.by_topic)
    assert report.by_objective["denoising-step/cfg-batch"] == Score(2, 1.0)
    assert report.by_objective["denoising-step/cfg-formula"] == Score(1, 0.0)
    assert report.by_objective["denoising-step/cfg-batch"].fraction == 0.5
    assert [i.question_id for i in report.traps] == ["cfg-scale"]


def test_time_used_excludes_pauses() -> None:
    report = sample_report()
    assert report.elapsed_seconds == 13 * 60
    assert report.budget_seconds == sum(i.budget for i in report.items)


def test_weakest_objective_and_suggestion() -> None:
    report = sample_report()
    # cfg-formula and timesteps both score 0 with one question; ties go by name.
    assert report.weakest_objective == "denoising-step/cfg-formula"
    assert "cfg-formula" in report.suggestion
    assert "`quizapp practice --pack denoising-step --objective cfg-formula`" in report.suggestion


def test_weakest_prefers_more_evidence_among_equal_scores() -> None:
    items = [
        answered("a", False, covers=("one",)),
        answered("b", False, covers=("two",)),
        answered("c", False, covers=("two",)),
    ]
    assert build_report(items, START, END).weakest_objective == "denoising-step/two"


def test_no_weakest_objective_when_everything_is_right() -> None:
    report = build_report([answered("a", True, covers=("x",))], START, END)
    assert report.weakest_objective is None
    assert report.score == 1.0
    assert "Full marks" in report.suggestion


def test_weak_topic_without_objectives() -> None:
    report = build_report([answered("a", False, topic="vae")], START, END)
    assert report.weakest_objective is None
    assert "`quizapp practice --topic vae`" in report.suggestion


def test_empty_report() -> None:
    report = build_report([], START, END)
    assert report.score == 0.0 and report.by_topic == {} and report.weakest_objective is None
    assert from_json(to_json(report)) == report
    assert "# Mock interview" in to_markdown(report)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_report([], datetime(2025, 1, 1), END)


def test_markdown_contents() -> None:
    text = to_markdown(sample_report())
    assert text.startswith("# Mock interview, 2025-03-01 09:00 UTC\n")
    assert "**Score:** 42% (4 of 5 questions scored)" in text
    assert "13:00 used of" in text and "(paused 1:00)" in text
    assert "| Topic | Questions | Score |" in text
    assert "| cfg | 2 | 50% |" in text
    assert "| denoising-step/cfg-formula | 1 | 0% |" in text
    assert "## Traps fallen into" in text and "That is the conditional output alone." in text
    assert "### 1. denoising-step / cfg-shape: correct" in text
    assert "### 2. denoising-step / cfg-scale: wrong" in text
    assert "### 3. denoising-step / explain-step: 67% of the rubric" in text
    assert "### 4. denoising-step / timesteps-list: skipped" in text
    assert "### 5. denoising-step / not-graded: not graded" in text
    assert "`[2, 4, 64, 64]`" in text
    assert "  > The model predicts | noise." in text  # multi-line answers are quoted
    assert "**Not covered:** names the shape" in text
    assert "> Prompt of cfg-shape?" in text
    assert "Because of cfg-shape." in text
    assert "cfg-formula" in text.split("**Next:**")[1].splitlines()[0]


def test_markdown_keeps_backticks_and_pipes_safe() -> None:
    item = answered("a", False, answer="`x` | y", topic="a|b")
    text = to_markdown(build_report([item], START, END))
    assert "`` `x` | y ``" in text
    assert "| a\\|b | 1 | 0% |" in text


def test_json_round_trip() -> None:
    report = sample_report()
    text = to_json(report)
    assert from_json(text) == report
    data = json.loads(text)
    assert data["score"] == report.score
    assert data["by_topic"]["cfg"] == {"questions": 2, "credit": 1.0, "score": 0.5}
    assert data["weakest_objective"] == "denoising-step/cfg-formula"
    assert data["traps"] == [
        {
            "pack": "denoising-step",
            "question": "cfg-scale",
            "why": "That is the conditional output alone.",
        }
    ]


@pytest.mark.parametrize("text", ["[]", "{}", '{"format": 99}', "not json", '{"format": 1}'])
def test_from_json_rejects_non_reports(text: str) -> None:
    with pytest.raises(ValueError):
        from_json(text)


def test_from_json_neutralises_control_codes() -> None:
    report = build_report([answered("q", True, answer="\x1b]0;TITLE\x07\x1b[2J")], START, END)
    [read] = from_json(to_json(report)).items
    assert "\x1b" not in read.answer and "\x07" not in read.answer and "[2J" in read.answer


# What a report can hold: control characters never get in (answers and pack text are
# cleaned on the way in) and are neutralised on the way back (test_from_json_neutralises...).
texts = partial(st.text, alphabet=st.characters(exclude_categories=("Cc", "Cs")))

items_strategy = st.lists(
    st.builds(
        ReportItem,
        pack_id=st.sampled_from(["pa", "pb"]),
        question_id=texts(min_size=1, max_size=8),
        topic=st.sampled_from(["cfg", "vae", "timesteps"]),
        covers=st.lists(st.sampled_from(["o1", "o2", "o3"]), max_size=3).map(tuple),
        type=st.sampled_from(["choice", "explain", "numeric", "flashcard"]),
        prompt=texts(max_size=30),
        answer=texts(max_size=30),
        expected=texts(max_size=10),
        correct=st.none() | st.booleans(),
        credit=st.floats(min_value=0, max_value=1),
        seconds=st.floats(min_value=0, max_value=1e4),
        budget=st.integers(min_value=15, max_value=600),
        trap=st.none() | texts(max_size=20),
        explanation=texts(max_size=20),
        status=st.sampled_from(["answered", "skipped", "missed"]),
        missed_rubric=st.lists(texts(max_size=10), max_size=2).map(tuple),
    ),
    max_size=10,
)


@given(items_strategy, st.floats(min_value=0, max_value=600))
def test_report_invariants(items: list[ReportItem], paused: float) -> None:
    report = build_report(items, START, END, paused_seconds=paused)
    assert 0.0 <= report.score <= 1.0
    scored = [i for i in items if i.scored]
    assert sum(s.questions for s in report.by_topic.values()) == len(scored)
    assert all(0.0 <= s.fraction <= 1.0 for s in report.by_objective.values())
    if report.weakest_objective is not None:
        assert report.by_objective[report.weakest_objective].fraction < 1.0
    assert from_json(to_json(report)) == report
    text = to_markdown(report)
    assert text.count("\n### ") == len(items)
