"""`quizapp check` verdicts: expect vs computed value, loose traps, probe choices, warnings."""

from __future__ import annotations

from typing import Any

from quizapp.grading.check import CheckVerdict, check_question
from quizapp.grading.grader import Reference, typed_reference
from quizapp.packs.models import (
    ChoiceQuestion,
    FlashcardQuestion,
    NumericQuestion,
    SequenceQuestion,
    ShapeQuestion,
    TextQuestion,
)

NAIVE_FLOW_SIGMA, FLOW_SIGMA = 0.960043, 0.960129  # domain facts §4: 9e-5 relative apart


def _base(**fields: Any) -> dict[str, Any]:
    return {"id": "q", "origin": "mechanism", "topic": "t", "difficulty": 2, "prompt": "?"} | fields


def _probe(observe: str, **fields: Any) -> dict[str, Any]:
    return {"scheduler": "DDIMScheduler", "observe": observe} | fields


def _ok(verdict: CheckVerdict) -> None:
    assert verdict == CheckVerdict(ok=True, errors=(), warnings=())


class TestExpect:
    question = ShapeQuestion.model_validate(
        _base(
            type="shape",
            probe=_probe("unet_output.shape", guidance_scale=7.5),
            expect=[2, 4, 64, 64],
            traps=[{"answer": [1, 4, 64, 64], "why": "CFG doubles the batch."}],
        )
    )

    def test_sound_question_is_ok(self) -> None:
        _ok(check_question(self.question, Reference([2, 4, 64, 64])))

    def test_wrong_expect_is_an_error(self) -> None:
        verdict = check_question(self.question, Reference([2, 4, 8, 8]))
        assert not verdict.ok
        assert verdict.errors == ("expect (2, 4, 64, 64) but the probe computed (2, 4, 8, 8)",)

    def test_expect_within_tolerance_is_ok(self) -> None:
        question = NumericQuestion.model_validate(
            _base(type="numeric", probe=_probe("alpha_prod_t"), expect=0.276332)
        )
        _ok(check_question(question, Reference(0.27633208)))
        assert not check_question(question, Reference(0.2770)).ok

    def test_sequence_expect_compares_element_wise(self) -> None:
        question = SequenceQuestion.model_validate(
            _base(
                type="sequence", probe=_probe("timesteps", num_inference_steps=2), expect=[999, 888]
            )
        )
        _ok(check_question(question, Reference([999.0, 888.0])))
        verdict = check_question(question, Reference([999.0, 499.5]))
        assert verdict.errors == ("expect [999, 888] but the probe computed [999, 499.5]",)

    def test_raises_expect_ignores_case(self) -> None:
        question = TextQuestion.model_validate(
            _base(
                type="text",
                probe=_probe("raises", mistake="skip_set_timesteps"),
                expect="valueerror",
            )
        )
        _ok(check_question(question, Reference("ValueError")))
        assert not check_question(question, Reference("none")).ok

    def test_expect_of_the_wrong_kind_is_an_error(self) -> None:
        question = ShapeQuestion.model_validate(
            _base(type="shape", probe=_probe("latents.shape"), expect=4)
        )
        verdict = check_question(question, Reference([1, 4, 64, 64]))
        assert verdict.errors == ("expect 4 is not a shape; the probe computed (1, 4, 64, 64)",)

    def test_computed_value_of_the_wrong_kind_is_an_error(self) -> None:
        verdict = check_question(self.question, Reference("RuntimeError"))
        assert verdict.errors == ("the computed value 'RuntimeError' is not a shape",)


class TestTraps:
    def test_trap_inside_the_tolerance_is_an_error(self) -> None:
        question = NumericQuestion.model_validate(
            _base(
                type="numeric",
                probe=_probe("sigma", scheduler="FlowMatchEulerDiscreteScheduler"),
                traps=[{"answer": NAIVE_FLOW_SIGMA, "why": "naive shift"}],
            )
        )
        verdict = check_question(question, Reference(FLOW_SIGMA))
        assert not verdict.ok
        assert verdict.errors == (
            "trap 0.960043 would be graded correct against 0.960129 "
            "(tolerance rel 0.001, abs 1e-06); tighten the tolerance or drop the trap",
        )

    def test_trap_outside_a_tight_tolerance_is_ok(self) -> None:
        question = NumericQuestion.model_validate(
            _base(
                type="numeric",
                probe=_probe("sigma", scheduler="FlowMatchEulerDiscreteScheduler"),
                tolerance={"rel": 1e-5, "abs": 1e-6},
                traps=[{"answer": NAIVE_FLOW_SIGMA, "why": "naive shift"}],
            )
        )
        _ok(check_question(question, Reference(FLOW_SIGMA)))

    @staticmethod
    def euler_timesteps(trap: list[float]) -> SequenceQuestion:
        return SequenceQuestion.model_validate(
            _base(
                type="sequence",
                probe=_probe(
                    "timesteps", scheduler="EulerDiscreteScheduler", num_inference_steps=5
                ),
                traps=[{"answer": trap, "why": "Euler keeps the fractions."}],
            )
        )

    euler = Reference([999.0, 749.25, 499.5, 249.75, 0.0])

    def test_sequence_trap_outside_the_tolerance_is_ok(self) -> None:
        # 249 is 3e-3 relative from 249.75: one element is enough to reject the trap.
        _ok(check_question(self.euler_timesteps([999, 749, 499, 249, 0]), self.euler))

    def test_sequence_trap_inside_the_tolerance_is_an_error(self) -> None:
        # 749 is only 3.3e-4 relative from 749.25: inside the default rel 1e-3.
        question = self.euler_timesteps([999, 749, 499.5, 249.75, 0])
        assert not check_question(question, self.euler).ok

    def test_trap_equal_to_the_shape_is_an_error(self) -> None:
        question = ShapeQuestion.model_validate(
            _base(
                type="shape",
                probe=_probe("noise_pred.shape"),
                traps=[{"answer": [1, 4, 64, 64], "why": "?"}],
            )
        )
        verdict = check_question(question, Reference([1, 4, 64, 64]))
        assert verdict.errors == (
            "trap (1, 4, 64, 64) would be graded correct against (1, 4, 64, 64); "
            "tighten the tolerance or drop the trap",
        )

    def test_text_trap_that_the_accept_list_accepts_is_an_error(self) -> None:
        question = TextQuestion.model_validate(
            _base(
                type="text",
                accept=["prev_sample"],
                accept_regex=r".*sample",
                traps=[{"answer": "pred_original_sample", "why": "That is x0."}],
            )
        )
        reference = typed_reference(question)
        assert reference is not None
        assert not check_question(question, reference).ok

    def test_trap_of_the_wrong_kind_is_an_error(self) -> None:
        question = NumericQuestion.model_validate(
            _base(type="numeric", answer=0.5, traps=[{"answer": "half", "why": "?"}])
        )
        verdict = check_question(question, Reference(0.5))
        assert verdict.errors == ("trap 'half' is not a number",)


class TestChoiceWithProbe:
    @staticmethod
    def question(values: list[Any], multiple: bool = False) -> ChoiceQuestion:
        choices = [{"text": str(value), "value": value} for value in values]
        return ChoiceQuestion.model_validate(
            _base(
                type="choice",
                multiple=multiple,
                probe=_probe("unet_output.shape", guidance_scale=7.5),
                choices=choices,
            )
        )

    def test_exactly_one_matching_choice_is_ok(self) -> None:
        question = self.question([[1, 4, 64, 64], [2, 4, 64, 64]])
        _ok(check_question(question, Reference([2, 4, 64, 64])))

    def test_no_matching_choice_is_an_error(self) -> None:
        question = self.question([[1, 4, 64, 64], [2, 4, 32, 32]])
        verdict = check_question(question, Reference([2, 4, 64, 64]))
        assert verdict.errors == ("no choice has the value the probe computed: (2, 4, 64, 64)",)

    def test_two_matching_choices_on_a_single_answer_question_is_an_error(self) -> None:
        question = self.question([[2, 4, 64, 64], [1, 4, 64, 64], [2, 4, 64, 64]])
        verdict = check_question(question, Reference([2, 4, 64, 64]))
        assert verdict.errors == (
            "choices a), c) all equal the computed (2, 4, 64, 64); only one may",
        )

    def test_two_matching_choices_are_fine_when_multiple(self) -> None:
        question = self.question([[2, 4, 64, 64], [1, 4, 64, 64], [2, 4, 64, 64]], multiple=True)
        _ok(check_question(question, Reference([2, 4, 64, 64])))

    def test_choice_without_value_is_an_error(self) -> None:
        question = ChoiceQuestion.model_validate(
            _base(
                type="choice",
                probe=_probe("raises"),
                choices=[{"text": "ValueError", "value": "ValueError"}, {"text": "It hangs"}],
            )
        )
        verdict = check_question(question, Reference("valueerror"))
        assert verdict.errors == ("choice b) has no value; with a probe every choice needs one",)

    def test_marked_correct_choice_that_disagrees_is_an_error(self) -> None:
        question = ChoiceQuestion.model_validate(
            _base(
                type="choice",
                probe=_probe("raises"),
                choices=[
                    {"text": "No error", "value": "none", "correct": True},
                    {"text": "ValueError", "value": "ValueError"},
                ],
            )
        )
        verdict = check_question(question, Reference("ValueError"))
        assert verdict.errors == ("choice a) is marked correct but the probe computed ValueError",)


class TestWarnings:
    def test_wide_tolerance_without_trap_warns(self) -> None:
        question = NumericQuestion.model_validate(
            _base(type="numeric", answer=13.1585, tolerance={"rel": 0.05, "abs": 0})
        )
        verdict = check_question(question, Reference(13.1585))
        assert verdict.ok
        assert verdict.errors == ()
        assert verdict.warnings == (
            "tolerance rel 0.05 is wider than 1% and no trap shows that it still "
            "rejects the classic wrong answers",
        )

    def test_wide_tolerance_with_a_trap_outside_it_does_not_warn(self) -> None:
        question = NumericQuestion.model_validate(
            _base(
                type="numeric",
                answer=13.1585,
                tolerance={"rel": 0.05, "abs": 0},
                traps=[{"answer": 1.0, "why": "DDIM's init_noise_sigma"}],
            )
        )
        _ok(check_question(question, Reference(13.1585)))

    def test_one_percent_exactly_does_not_warn(self) -> None:
        question = NumericQuestion.model_validate(
            _base(type="numeric", answer=1.0, tolerance={"rel": 0.01, "abs": 0})
        )
        _ok(check_question(question, Reference(1.0)))


def test_self_rated_and_plain_choice_questions_are_ok() -> None:
    flashcard = FlashcardQuestion.model_validate(_base(type="flashcard", answer="x"))
    _ok(check_question(flashcard, Reference("anything")))
    plain = ChoiceQuestion.model_validate(
        _base(type="choice", choices=[{"text": "a", "correct": True}, {"text": "b"}])
    )
    _ok(check_question(plain, Reference("a")))
