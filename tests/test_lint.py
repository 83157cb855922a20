"""Giveaway lints on fixed packs: each rule fires on its pattern and stays quiet otherwise."""

from __future__ import annotations

from typing import Any

from quizapp.packs.lint import lint_pack
from quizapp.packs.models import Pack

SD = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}


def pack(*questions: dict[str, Any]) -> Pack:
    return Pack.model_validate({"pack": {"id": "p", "title": "P"}, "questions": list(questions)})


def base(qid: str, qtype: str, prompt: str = "What happens?", **fields: Any) -> dict[str, Any]:
    return {
        "id": qid,
        "type": qtype,
        "origin": "mechanism",
        "topic": "t",
        "difficulty": 2,
        "prompt": prompt,
        **fields,
    }


def choice(qid: str, texts: list[str], right: int, **fields: Any) -> dict[str, Any]:
    choices = [{"text": t, "correct": i == right} for i, t in enumerate(texts)]
    return base(qid, "choice", choices=choices, **fields)


def messages(p: Pack, **kwargs: Any) -> list[str]:
    return [lint.message for lint in lint_pack(p, **kwargs)]


# --- longest correct choice ----------------------------------------------------------------


def test_a_clearly_longest_correct_choice_is_flagged_at_that_choice() -> None:
    long = "The noise the model predicts was added to the clean latent"
    found = lint_pack(pack(choice("q", [long, "Pixels", "The image"], 0)))
    assert [lint.loc for lint in found] == [("questions", 0, "choices", 0, "text")]
    assert "the correct choice is the longest" in found[0].message


def test_balanced_choices_pass() -> None:
    texts = ["The noise added to the latent", "The image in pixel space", "The clean latent x_0"]
    assert messages(pack(choice("q", texts, 0))) == []


# --- one answer right too often ------------------------------------------------------------


def test_nothing_right_in_most_questions_offering_it_is_flagged() -> None:
    qs = [choice(f"q{i}", ["ValueError", "Nothing is raised", "IndexError"], 1) for i in range(3)]
    qs.append(choice("q3", ["ValueError", "Nothing is raised", "IndexError"], 0))
    found = messages(pack(*qs))
    assert any('"nothing"/"none" is the right answer in 3 of the 4' in m for m in found)
    assert any("letter b) is the right answer in 3 of the 4" in m for m in found)


def test_the_last_choice_right_too_often_is_flagged_across_lengths() -> None:
    # No one letter is right in most questions (c) in 2 of 5; d) is offered twice), yet the
    # last choice is right in 4 of 5: a learner who always picks the last one learns that.
    three, four = ["A one", "B two", "C three"], ["A one", "B two", "C three", "D four"]
    qs = [choice("q0", three, 2), choice("q1", three, 2), choice("q2", four, 3)]
    qs += [choice("q3", four, 3), choice("q4", three, 0)]
    found = messages(pack(*qs))
    assert any("the last choice is the right answer in 4 of the 5" in m for m in found), found
    assert not any("letter c)" in m for m in found), found


def test_varied_answers_pass() -> None:
    texts = ["ValueError", "Nothing is raised", "IndexError"]
    qs = [choice(f"q{i}", texts, i % 3) for i in range(6)]
    assert messages(pack(*qs)) == []


def test_probe_choices_use_the_computed_correct_indices() -> None:
    probe = {
        "model": "none",
        "scheduler": "DDIMScheduler",
        "noise_pred": {"fill": 0.0},
        "observe": "raises",
    }
    texts = [{"text": "ValueError", "value": "ValueError"}, {"text": "Nothing", "value": "none"}]
    qs = [
        base(f"q{i}", "choice", "DDIM: what is raised?", probe=probe, choices=texts)
        for i in range(3)
    ]
    correct = {f"q{i}": frozenset({1}) for i in range(3)}
    assert any('"nothing"' in m for m in messages(pack(*qs), correct=correct))
    assert not any('"nothing"' in m for m in messages(pack(*qs)))


# --- giveaways in hints and distractors ----------------------------------------------------


def test_a_hint_with_another_questions_numeric_answer_is_flagged() -> None:
    found = lint_pack(
        pack(
            base("a", "numeric", answer=0.276332),
            base("b", "text", accept=["x"], hints=["Recall abar_500 = 0.2763 first."]),
        )
    )
    assert [(lint.loc, lint.message) for lint in found] == [
        (("questions", 1, "hints", 0), "b: a hint gives away the answer of a")
    ]


def test_a_hint_with_its_own_answer_is_flagged() -> None:
    q = base("a", "numeric", answer=13.1585, hints=["sqrt(13.1204² + 1) = 13.1585"])
    assert messages(pack(q)) == ["a: a hint gives away the answer of its own"]


def test_common_numbers_are_not_giveaways() -> None:
    q = base("a", "numeric", answer=999, hints=["Start at 999 and count down by 1."])
    assert messages(pack(q)) == []


def test_a_distractor_naming_another_raises_answer_and_its_scheduler_is_flagged() -> None:
    probe = {
        "model": "none",
        "scheduler": "DPMSolverMultistepScheduler",
        "noise_pred": {"fill": 0.0},
        "mistake": "step_twice",
        "step": 5,
        "num_inference_steps": 10,
        "observe": "raises",
    }
    raises = base("dpm", "text", "DPM++ 10 steps, step called twice: at step 5?", probe=probe)
    ddim = choice("ddim", ["IndexError, as with DPM++", "Nothing", "ValueError"], 1)
    found = messages(pack(raises, ddim), computed={"dpm": "IndexError"})
    assert found == ["ddim: a wrong choice gives away the answer of dpm"]


# --- unstated probe settings ---------------------------------------------------------------


def _probe(**fields: Any) -> dict[str, Any]:
    return {
        "model": "none",
        "scheduler": "EulerDiscreteScheduler",
        "noise_pred": {"fill": 1.0},
        "latents": {"fill": 0.0},
        "num_inference_steps": 10,
        **fields,
    }


def test_a_setting_missing_from_the_prompt_is_flagged() -> None:
    q = base(
        "e",
        "numeric",
        "Euler, 10 steps, zero latents, noise_pred all ones: prev?",
        probe=_probe(
            scheduler_config={"timestep_spacing": "trailing"}, observe="prev_sample[0,0,0,0]"
        ),
    )
    assert messages(pack(q)) == [
        "e: the prompt does not state scheduler_config, which the answer depends on"
    ]


def test_stated_settings_and_placeholders_pass() -> None:
    q = base(
        "e",
        "numeric",
        "EulerDiscreteScheduler, {num_inference_steps} steps, trailing spacing, latents "
        "all 0.0 and noise_pred all 1.0: prev_sample?",
        probe=_probe(
            scheduler_config={"timestep_spacing": "trailing"}, observe="prev_sample[0,0,0,0]"
        ),
    )
    assert messages(pack(q)) == []


def test_fields_the_observable_ignores_need_not_be_stated() -> None:
    q = base(
        "t",
        "sequence",
        "Euler from SD's config, 10 steps: the timesteps?",
        probe=_probe(scheduler_config=SD, latent_shape=[1, 4, 8, 8], observe="timesteps"),
    )
    assert messages(pack(q)) == []


def test_sizes_must_be_stated_for_shape_answers() -> None:
    q = base(
        "s",
        "shape",
        "tiny-sd with guidance 7.5: unet output shape?",
        probe={
            "scheduler": "DDIMScheduler",
            "height": 256,
            "width": 256,
            "guidance_scale": 7.5,
            "observe": "unet_output.shape",
        },
    )
    assert messages(pack(q)) == [
        "s: the prompt does not state height, width, which the answer depends on"
    ]
    q["prompt"] = "tiny-sd, 256x256, guidance 7.5: unet output shape?"
    assert messages(pack(q)) == []


# --- author words --------------------------------------------------------------------------


def test_author_words_in_learner_text_are_flagged_where_they_are() -> None:
    q = base("w", "flashcard", answer="Let the probe answer.", hints=["See `expect`."])
    found = lint_pack(pack(q))
    assert [lint.loc for lint in found] == [
        ("questions", 0, "hints", 0),
        ("questions", 0, "answer"),
    ]


def test_plain_english_expects_is_not_an_author_word() -> None:
    q = base("w", "flashcard", "What does the UNet expect?", answer="It expects 4 channels.")
    assert messages(pack(q)) == []
