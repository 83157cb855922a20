"""Every question type is one entry: a model, a grading module, and an input widget."""

from __future__ import annotations

import pytest
from study_factories import question

from quizapp.grading.qtypes import question_type, reference_kind, registered
from quizapp.grading.qtypes.base import register
from quizapp.grading.result import GradeResult
from quizapp.packs.models import (
    QUESTION_MODELS,
    QUESTION_TYPES,
    FlashcardQuestion,
    NumericQuestion,
)
from quizapp.widgets.answer_input import AnswerInput
from quizapp.widgets.inputs import INPUTS, answer_input_for


def test_every_model_has_exactly_one_registered_type() -> None:
    by_name = {entry.name: entry for entry in registered()}
    assert sorted(by_name) == sorted(QUESTION_TYPES)
    for model in QUESTION_MODELS:
        assert any(entry.model is model for entry in by_name.values()), model.__name__


def test_every_registered_type_has_an_input_widget() -> None:
    for entry in registered():
        assert issubclass(INPUTS[entry.name], AnswerInput), entry.name
    assert set(INPUTS) == {entry.name for entry in registered()}


@pytest.mark.parametrize("type_name", QUESTION_TYPES)
def test_the_widget_and_the_grader_are_picked_by_the_question_type(type_name: str) -> None:
    q = question(f"q-{type_name}", type_name)
    assert question_type(q).model is type(q)
    assert isinstance(answer_input_for(q), INPUTS[type_name])


def test_self_rated_comes_from_the_model() -> None:
    assert {entry.name for entry in registered() if entry.model.self_rated} == {
        "flashcard",
        "explain",
    }


@pytest.mark.parametrize("type_name", QUESTION_TYPES)
def test_every_surface_asks_the_model_whether_it_is_self_rated(type_name: str) -> None:
    # The feedback's headline and the mock's end-of-interview scoring follow the one flag.
    from quizapp.study.interview import Slot
    from quizapp.study.planning import StudyItem
    from quizapp.widgets.grade_view import verdict

    q = question(f"q-{type_name}", type_name)
    ungraded = GradeResult(correct=None, expected="?", got="", detail="")
    assert (verdict(ungraded, q)[1] == "self") is q.self_rated
    assert Slot(StudyItem("pack", q), budget=60).self_scored is q.self_rated


def test_a_type_cannot_be_registered_twice() -> None:
    def grade(question: NumericQuestion, answer: str, reference: object) -> GradeResult:
        raise AssertionError("never called")

    with pytest.raises(ValueError, match="registered twice"):
        register(NumericQuestion, grade, lambda question: None, "number", budget_seconds=120)


def test_an_objective_grade_function_cannot_register_a_self_rated_model() -> None:
    from quizapp.grading.qtypes.base import register_self_rated

    with pytest.raises(ValueError, match="not self-rated"):
        register_self_rated(NumericQuestion, lambda question, answer: None, budget_seconds=45)  # type: ignore[arg-type,return-value]
    assert FlashcardQuestion.self_rated


def test_every_type_has_its_mock_interview_budget() -> None:
    # Seconds at difficulty 3, as an interviewer would allow; writing code takes longest.
    assert {entry.name: entry.budget_seconds for entry in registered()} == {
        "flashcard": 45,
        "choice": 60,
        "text": 75,
        "shape": 90,
        "numeric": 120,
        "sequence": 120,
        "explain": 180,
        "code": 480,
    }


def test_only_code_is_graded_by_a_harness_run() -> None:
    assert [entry.name for entry in registered() if entry.harness_run is not None] == ["code"]


@pytest.mark.parametrize("type_name", QUESTION_TYPES)
def test_every_surface_asks_the_registry_whether_the_answer_runs(type_name: str) -> None:
    # The card's kind line and the mock's kind follow the capability, not the type's name.
    from quizapp.study.mock_plan import question_kind
    from quizapp.widgets.question_card import kind_line

    q = question(f"q-{type_name}", type_name)
    runs = question_type(q).harness_run is not None
    assert ("graded by running your code" in kind_line(q)) is runs
    assert (question_kind(q) == "code") is runs


@pytest.mark.parametrize(
    ("type_name", "executed", "kind"),
    [
        ("numeric", False, "number"),
        ("shape", False, "shape"),
        ("sequence", False, "sequence"),
        ("text", False, "text"),
        ("text", True, "name"),
        ("choice", False, None),
        ("choice", True, "sequence"),  # the factory's probe observes `timesteps`
        ("flashcard", False, None),
        ("explain", False, None),
    ],
)
def test_each_type_says_what_its_reference_is_compared_as(
    type_name: str, executed: bool, kind: str | None
) -> None:
    assert reference_kind(question("q", type_name, executed=executed)) == kind
