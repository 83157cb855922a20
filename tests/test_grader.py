"""The grader: each question type right and wrong, traps, tolerance edges, probe choices."""

from __future__ import annotations

from typing import Any

import pytest

from quizapp.grading.grader import Reference, correct_choices, grade, typed_reference
from quizapp.grading.parsers import AnswerSyntaxError
from quizapp.packs.models import (
    ChoiceQuestion,
    ExplainQuestion,
    FlashcardQuestion,
    NumericQuestion,
    SequenceQuestion,
    ShapeQuestion,
    TextQuestion,
)

TRACE = ("diffusers 0.42.1, torch 2.13.0+cpu", "EulerDiscreteScheduler t=999.0")
NAIVE_FLOW_SIGMA, FLOW_SIGMA = 0.960043, 0.960129  # domain facts §4: 9e-5 relative apart


def _base(**fields: Any) -> dict[str, Any]:
    return {"id": "q", "origin": "mechanism", "topic": "t", "difficulty": 2, "prompt": "?"} | fields


def _probe(observe: str, **fields: Any) -> dict[str, Any]:
    return {"scheduler": "EulerDiscreteScheduler", "observe": observe} | fields


def numeric(**fields: Any) -> NumericQuestion:
    return NumericQuestion.model_validate(_base(type="numeric", **fields))


def shape(**fields: Any) -> ShapeQuestion:
    return ShapeQuestion.model_validate(_base(type="shape", **fields))


def sequence(**fields: Any) -> SequenceQuestion:
    return SequenceQuestion.model_validate(_base(type="sequence", **fields))


def text(**fields: Any) -> TextQuestion:
    return TextQuestion.model_validate(_base(type="text", **fields))


def choice(**fields: Any) -> ChoiceQuestion:
    return ChoiceQuestion.model_validate(_base(type="choice", **fields))


class TestNumeric:
    question = numeric(
        answer=0.068265,
        traps=[{"answer": 14.6146, "why": "That is sigma itself, not 1/sqrt(sigma^2+1)."}],
    )

    @pytest.mark.parametrize("answer", ["0.068265", "0.06827", "0.06826", "6.8265e-2", " .0683 "])
    def test_right_at_four_significant_figures(self, answer: str) -> None:
        result = grade(self.question, answer, None)
        assert result.correct is True
        assert result.expected == "0.068265"
        assert result.trap is None
        assert "within tolerance" in result.detail

    def test_wrong(self) -> None:
        result = grade(self.question, "0.069", None)
        assert result.correct is False
        assert result.got == "0.069"
        assert result.detail.startswith("expected 0.068265, got 0.069; off by")
        assert result.trap is None

    def test_trap_gives_its_why(self) -> None:
        result = grade(self.question, "14.61", None)
        assert result.correct is False
        assert result.trap == "That is sigma itself, not 1/sqrt(sigma^2+1)."
        assert result.detail == (
            "expected 0.068265, got 14.61: That is sigma itself, not 1/sqrt(sigma^2+1)."
        )

    def test_nearby_trap_is_correct_under_the_default_tolerance(self) -> None:
        # The trap is 9e-5 relative away: inside rel 1e-3 it cannot be told apart.
        question = numeric(answer=FLOW_SIGMA, traps=[{"answer": NAIVE_FLOW_SIGMA, "why": "naive"}])
        result = grade(question, str(NAIVE_FLOW_SIGMA), None)
        assert result.correct is True
        assert result.trap is None

    def test_nearby_trap_is_caught_when_outside_a_tight_tolerance(self) -> None:
        question = numeric(
            answer=FLOW_SIGMA,
            tolerance={"rel": 1e-5, "abs": 0},
            traps=[{"answer": NAIVE_FLOW_SIGMA, "why": "The shift applies to sigma_min too."}],
        )
        assert grade(question, "0.960129", None).correct is True
        result = grade(question, "0.960043", None)
        assert result.correct is False
        assert result.trap == "The shift applies to sigma_min too."

    def test_numbers_that_look_equal_at_six_digits_are_shown_precisely(self) -> None:
        question = numeric(answer=1.0, tolerance={"rel": 0, "abs": 0})
        result = grade(question, "1.0000001", None)
        assert result.correct is False
        assert result.expected != result.got

    def test_probe_reference_and_trace(self) -> None:
        question = numeric(probe=_probe("input_scale", num_inference_steps=10))
        result = grade(question, "0.0683", Reference(0.06826519, TRACE))
        assert result.correct is True
        assert result.trace == TRACE

    def test_bad_syntax_raises(self) -> None:
        with pytest.raises(AnswerSyntaxError):
            grade(self.question, "about 0.07", None)


class TestShape:
    question = shape(
        probe=_probe("unet_output.shape", scheduler="DDIMScheduler", guidance_scale=7.5),
        traps=[{"answer": [1, 4, 64, 64], "why": "CFG doubles the batch"}],
    )
    reference = Reference([2, 4, 64, 64], TRACE)

    @pytest.mark.parametrize(
        "answer", ["(2, 4, 64, 64)", "2x4x64x64", "torch.Size([2, 4, 64, 64])", "[2,4,64,64]"]
    )
    def test_right(self, answer: str) -> None:
        result = grade(self.question, answer, self.reference)
        assert result.correct is True
        assert result.expected == result.got == "(2, 4, 64, 64)"
        assert result.trace == TRACE

    def test_trap(self) -> None:
        result = grade(self.question, "1x4x64x64", self.reference)
        assert result.correct is False
        assert result.detail == "expected (2, 4, 64, 64), got (1, 4, 64, 64): CFG doubles the batch"
        assert result.trap == "CFG doubles the batch"

    def test_wrong_names_the_dimension(self) -> None:
        result = grade(self.question, "(2, 4, 64, 96)", self.reference)
        assert result.correct is False
        assert result.trap is None
        assert result.detail.endswith("differs at dimension 3")

    def test_wrong_rank(self) -> None:
        result = grade(self.question, "(4, 64, 64)", self.reference)
        assert result.detail.endswith("3 dimensions instead of 4")

    def test_typed_answer(self) -> None:
        question = shape(answer=[12, 77, 768])
        assert grade(question, "12x77x768", None).correct is True
        assert grade(question, "6x77x768", None).correct is False


class TestSequence:
    question = sequence(
        probe=_probe("timesteps", num_inference_steps=2),
        traps=[{"answer": [999, 499], "why": "Euler's linspace keeps the fractions."}],
    )

    def test_integers_match_float_timesteps(self) -> None:
        result = grade(self.question, "999, 888", Reference([999.0, 888.0]))
        assert result.correct is True
        assert result.expected == result.got == "[999, 888]"

    def test_expected_is_shown_in_full(self) -> None:
        timesteps = [999.0, 899.0, 799.0, 699.0, 599.0, 500.0, 400.0, 300.0, 200.0, 100.0]
        result = grade(self.question, "999 899", Reference(timesteps))
        assert result.expected == "[999, 899, 799, 699, 599, 500, 400, 300, 200, 100]"
        assert result.correct is False
        assert result.detail == "2 values instead of 10"

    def test_first_difference_is_named(self) -> None:
        reference = Reference([999, 899, 799, 699, 599, 500, 400, 300, 200, 100])
        result = grade(self.question, "999, 899, 799, 699, 599, 499, 400, 300, 200, 100", reference)
        assert result.correct is False
        assert result.detail == "index 5: expected 500, got 499"

    def test_trap(self) -> None:
        result = grade(self.question, "[999, 499]", Reference([999.0, 499.5]))
        assert result.correct is False
        assert result.trap == "Euler's linspace keeps the fractions."

    def test_tolerance_applies_element_wise(self) -> None:
        # 749 is 3.3e-4 relative from 749.25: inside the default 1e-3, outside 1e-4.
        question = sequence(answer=[999.0, 749.25], tolerance={"rel": 1e-4, "abs": 0})
        assert grade(question, "999, 749.3", None).correct is True
        assert grade(question, "999, 749", None).correct is False


class TestTextWithRaisesProbe:
    question = text(
        probe=_probe("raises", mistake="index_as_timestep"),
        traps=[{"answer": "IndexError", "why": "Euler rejects integer indices before indexing."}],
    )

    @pytest.mark.parametrize(
        "answer", ["ValueError", "valueerror", "builtins.ValueError", "ValueError: Passing"]
    )
    def test_right(self, answer: str) -> None:
        result = grade(self.question, answer, Reference("ValueError", TRACE))
        assert result.correct is True
        assert result.expected == "ValueError"

    def test_trap(self) -> None:
        result = grade(self.question, "indexerror", Reference("ValueError"))
        assert result.correct is False
        assert result.trap == "Euler rejects integer indices before indexing."

    def test_no_error(self) -> None:
        assert grade(self.question, "no error", Reference("none")).correct is True
        result = grade(self.question, "nothing", Reference("ValueError"))
        assert result.correct is False
        assert result.detail == "expected ValueError, got none"

    def test_bad_syntax_raises(self) -> None:
        with pytest.raises(AnswerSyntaxError):
            grade(self.question, "a value error", Reference("ValueError"))


class TestTypedText:
    question = text(
        accept=["prev_sample"],
        accept_regex=r"(the )?prev(ious)?[ _]sample",
        traps=[{"answer": "noise_pred", "why": "That is the model's output, not the step's."}],
    )

    @pytest.mark.parametrize("answer", ["prev_sample", "  PREV_SAMPLE ", "the previous sample"])
    def test_right(self, answer: str) -> None:
        result = grade(self.question, answer, None)
        assert result.correct is True
        assert result.expected == "prev_sample"

    def test_trap(self) -> None:
        result = grade(self.question, "Noise_Pred", None)
        assert result.correct is False
        assert result.trap == "That is the model's output, not the step's."

    def test_empty_answer_raises(self) -> None:
        with pytest.raises(AnswerSyntaxError):
            grade(self.question, "   ", None)


class TestChoice:
    question = choice(
        choices=[
            {"text": "The predicted noise", "correct": True},
            {"text": "Pixels", "why": "The UNet works on latents."},
            {"text": "The next latent", "why": "scheduler.step makes that."},
        ]
    )

    def test_right(self) -> None:
        for answer in ("a", "A", "1"):
            result = grade(self.question, answer, None)
            assert result.correct is True
            assert result.expected == "a) The predicted noise"

    def test_wrong_pick_gives_its_why(self) -> None:
        result = grade(self.question, "b", None)
        assert result.correct is False
        assert result.trap == "The UNet works on latents."
        assert result.detail == "the answer is a); b) is wrong: The UNet works on latents."
        assert result.got == "b) Pixels"

    def test_single_answer_rejects_two_picks(self) -> None:
        with pytest.raises(AnswerSyntaxError):
            grade(self.question, "a, b", None)

    def test_choice_text_typed_in_full(self) -> None:
        assert grade(self.question, "  the predicted   NOISE ", None).correct is True
        wrong = grade(self.question, "pixels", None)
        assert wrong.correct is False and wrong.got == "b) Pixels"

    def test_multiple(self) -> None:
        question = choice(
            multiple=True,
            choices=[
                {"text": "DDIM", "correct": True},
                {"text": "Euler", "why": "Euler tracks step_index."},
                {"text": "DDPM", "correct": True},
            ],
        )
        assert grade(question, "a, c", None).correct is True
        assert grade(question, "ca", None).correct is True
        partial = grade(question, "a", None)
        assert partial.correct is False
        assert partial.detail == "also correct: c)"
        wrong = grade(question, "a, b, c", None)
        assert wrong.correct is False
        assert wrong.trap == "Euler tracks step_index."
        assert wrong.detail == "b) is wrong: Euler tracks step_index."


class TestChoiceWithProbe:
    question = choice(
        probe=_probe("unet_output.shape", guidance_scale=7.5),
        choices=[
            {"text": "(1, 4, 64, 64)", "value": [1, 4, 64, 64], "why": "CFG doubles the batch."},
            {"text": "(2, 4, 64, 64)", "value": [2, 4, 64, 64]},
            {"text": "(2, 8, 64, 64)", "value": [2, 8, 64, 64]},
        ],
    )
    reference = Reference([2, 4, 64, 64], TRACE)

    def test_correct_choice_is_the_one_equal_to_the_result(self) -> None:
        assert correct_choices(self.question, self.reference) == frozenset({1})
        result = grade(self.question, "b", self.reference)
        assert result.correct is True
        assert result.detail == "the step computed (2, 4, 64, 64)"
        assert result.trace == TRACE

    def test_wrong_choice_gives_its_why(self) -> None:
        result = grade(self.question, "a", self.reference)
        assert result.correct is False
        assert result.trap == "CFG doubles the batch."
        assert result.detail == (
            "the step computed (2, 4, 64, 64); the answer is b); "
            "a) is wrong: CFG doubles the batch."
        )

    def test_number_values_compare_within_tolerance(self) -> None:
        question = choice(
            probe=_probe("input_scale", num_inference_steps=10),
            choices=[{"text": "≈0.068", "value": 0.068265}, {"text": "1", "value": 1.0}],
        )
        assert grade(question, "a", Reference(0.06826519)).correct is True

    def test_name_values_compare_case_insensitively(self) -> None:
        question = choice(
            probe=_probe("raises"),
            choices=[
                {"text": "No error", "value": "none"},
                {"text": "ValueError", "value": "valueerror"},
            ],
        )
        assert grade(question, "b", Reference("ValueError")).correct is True

    def test_no_choice_equal_to_the_result_cannot_be_graded(self) -> None:
        result = grade(self.question, "a", Reference([3, 4, 64, 64]))
        assert result.correct is None
        assert "no choice equals (3, 4, 64, 64)" in result.detail


class TestSelfRated:
    def test_flashcard(self) -> None:
        question = FlashcardQuestion.model_validate(
            _base(type="flashcard", answer="The scheduler turns noise_pred into x_{t-1}.")
        )
        result = grade(question, "the scheduler", None)
        assert result.correct is None
        assert result.expected == "The scheduler turns noise_pred into x_{t-1}."

    def test_explain(self) -> None:
        question = ExplainQuestion.model_validate(
            _base(type="explain", answer="Model answer.", rubric=["names the state", "names t"])
        )
        result = grade(question, "", Reference("ignored"))
        assert result.correct is None
        assert result.expected == "Model answer."
        assert "rubric" in result.detail


class TestReferences:
    def test_typed_reference_per_type(self) -> None:
        assert typed_reference(numeric(answer=0.5)) == Reference(0.5)
        assert typed_reference(shape(answer=[1, 4])) == Reference([1, 4])
        assert typed_reference(sequence(answer=[999, 1])) == Reference([999.0, 1.0])
        assert typed_reference(text(accept=["x", "y"])) == Reference("x")
        assert typed_reference(text(accept_regex="x+")) == Reference("x+")
        assert typed_reference(TestChoice.question) == Reference("a")

    def test_no_typed_reference_for_probes_and_self_rated(self) -> None:
        assert typed_reference(numeric(probe=_probe("sigma"))) is None
        assert typed_reference(TestChoiceWithProbe.question) is None
        flashcard = FlashcardQuestion.model_validate(_base(type="flashcard", answer="a"))
        assert typed_reference(flashcard) is None

    def test_probe_without_reference_is_not_graded(self) -> None:
        result = grade(numeric(probe=_probe("sigma")), "14.6", None)
        assert result.correct is None
        assert result.detail.startswith("could not grade")

    def test_reference_of_the_wrong_kind_is_not_graded(self) -> None:
        result = grade(TestShape.question, "(2, 4)", Reference(0.5))
        assert result.correct is None
        assert "is not a shape" in result.detail


def test_a_dtype_question_is_graded_and_explained_as_a_dtype() -> None:
    from quizapp.grading.qtypes.text import names_a_dtype

    question = TextQuestion.model_validate(
        _base(type="text", probe=_probe("prev_sample.dtype", dtype="float16"))
    )
    assert names_a_dtype(question)
    result = grade(question, "float16", Reference("float16"))
    assert result.correct is True
    assert result.detail == "the step gave torch.float16"
    assert "raised" not in result.detail
    raises = TextQuestion.model_validate(_base(type="text", probe=_probe("raises")))
    assert not names_a_dtype(raises)
    assert grade(raises, "ValueError", Reference("ValueError")).detail == (
        "the loop raised ValueError"
    )
