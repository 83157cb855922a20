"""The built-in code harnesses, as plain data: what a `code` question may name.

A harness fixes the function the learner writes, the parameters a case may set, its default
cases and the classic mistakes it recognises. Packs stay data: they name a harness and may
replace its cases with plain values checked here. The torch side that builds the cases and
computes the expected outputs with diffusers is `quizapp/engine/harness/`; a test keeps the
two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ParamType = Literal["int", "float", "str"]
CaseValue = int | float | str
CaseParams = Mapping[str, CaseValue]

#: Schedulers a harness case may name: the ones the harnesses were checked with.
CASE_SCHEDULERS = ("DDIMScheduler", "EulerDiscreteScheduler", "PNDMScheduler")
PREDICTION_TYPES = ("epsilon", "v_prediction", "sample")


@dataclass(frozen=True)
class Param:
    """One case parameter: its type and the values it may take."""

    type: ParamType
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""

    def problem(self, value: object) -> str | None:
        """Why `value` is not allowed, or None."""
        if self.type == "str":
            if not isinstance(value, str):
                return f"must be text, one of: {', '.join(self.choices)}"
            if self.choices and value not in self.choices:
                return f"{value!r} is not one of: {', '.join(self.choices)}"
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a{'n integer' if self.type == 'int' else ' number'}"
        if self.type == "int" and not isinstance(value, int):
            return "must be an integer"
        if self.low is not None and value < self.low:
            return f"must be at least {self.low:g}"
        if self.high is not None and value > self.high:
            return f"must be at most {self.high:g}"
        return None


@dataclass(frozen=True)
class HarnessSpec:
    """One built-in harness.

    Attributes:
        name: What a pack's `harness:` says.
        function: The function the learner defines.
        signature: Its parameters, as the learner writes them.
        summary: What it is checked against, one line.
        params: The parameters a case may set.
        base: Values of every parameter a case leaves out.
        cases: The default cases (each completed with `base`).
        mistakes: Names of the classic mistakes it recognises by their output.
    """

    name: str
    function: str
    signature: str
    summary: str
    params: Mapping[str, Param]
    base: CaseParams
    cases: tuple[CaseParams, ...]
    mistakes: tuple[str, ...] = field(default_factory=tuple)

    def full_cases(
        self, overrides: list[dict[str, CaseValue]] | None
    ) -> list[dict[str, CaseValue]]:
        """The cases a question runs: its own (or the defaults), each completed with `base`."""
        chosen = overrides if overrides else [dict(case) for case in self.cases]
        return [{**self.base, **case} for case in chosen]


_SEED = Param("int", 0, 2**31 - 1, help="seed of the random tensors")
_BATCH = Param("int", 1, 4, help="latent batch size B")
_SIZE = Param("int", 2, 32, help="latent height and width (a square)")
_GUIDANCE = Param("float", 0.0, 30.0, help="classifier-free guidance scale")
_STEPS = Param("int", 1, 50, help="num_inference_steps")
_STEP = Param("int", -1, 49, help="index into the timesteps (-1: the last step)")
_SCHEDULER = Param("str", choices=CASE_SCHEDULERS, help="a diffusers scheduler class")
_PROMPT = Param("int", 1, 77, help="prompt length of the stand-in embeddings")
_TIMESTEP = Param("int", 0, 999, help="training timestep t")
_PRED = Param("str", choices=PREDICTION_TYPES, help="the model's prediction_type")

HARNESSES: dict[str, HarnessSpec] = {
    spec.name: spec
    for spec in (
        HarnessSpec(
            name="cfg_combine",
            function="guide",
            signature="guide(noise_uncond, noise_text, guidance_scale)",
            summary="the pipeline's guidance formula on real UNet output chunks (tiny-sd)",
            params={
                "batch_size": _BATCH,
                "latent_size": _SIZE,
                "guidance_scale": _GUIDANCE,
                "timestep": _TIMESTEP,
                "seed": _SEED,
            },
            base={"batch_size": 1, "latent_size": 8, "guidance_scale": 7.5, "timestep": 901},
            cases=(
                {"seed": 0},
                {"batch_size": 2, "guidance_scale": 3.0, "timestep": 501, "seed": 1},
                {"latent_size": 4, "guidance_scale": 12.0, "timestep": 101, "seed": 2},
            ),
            mistakes=("swapped_guidance", "no_unconditional_base", "text_only"),
        ),
        HarnessSpec(
            name="model_input",
            function="model_input",
            signature="model_input(latents, t, scheduler, guidance_scale)",
            summary="scale_model_input of the (doubled when guidance > 1) latents",
            params={
                "scheduler": _SCHEDULER,
                "num_inference_steps": _STEPS,
                "step": _STEP,
                "batch_size": _BATCH,
                "latent_size": _SIZE,
                "guidance_scale": _GUIDANCE,
                "seed": _SEED,
            },
            base={
                "scheduler": "EulerDiscreteScheduler",
                "num_inference_steps": 10,
                "step": 0,
                "batch_size": 1,
                "latent_size": 8,
                "guidance_scale": 7.5,
            },
            cases=(
                {"seed": 0},
                {"scheduler": "DDIMScheduler", "batch_size": 2, "seed": 1},
                {"step": 3, "guidance_scale": 1.0, "seed": 2},
                {"step": 5, "batch_size": 2, "guidance_scale": 4.0, "seed": 3},
            ),
            mistakes=("no_cfg_concat", "skip_scale_model_input", "always_concat"),
        ),
        HarnessSpec(
            name="predict_x0",
            function="predict_x0",
            signature="predict_x0(model_output, sample, alpha_prod_t, prediction_type)",
            summary="pred_original_sample of DDIMScheduler.step (SD 1.5 betas)",
            params={
                "prediction_type": _PRED,
                "timestep": _TIMESTEP,
                "batch_size": _BATCH,
                "latent_size": _SIZE,
                "seed": _SEED,
            },
            base={"prediction_type": "epsilon", "timestep": 500, "batch_size": 1, "latent_size": 8},
            cases=(
                {"seed": 0},
                {"prediction_type": "v_prediction", "timestep": 700, "seed": 1},
                {"prediction_type": "sample", "timestep": 300, "batch_size": 2, "seed": 2},
                {"prediction_type": "v_prediction", "timestep": 100, "seed": 3},
            ),
            mistakes=("ignores_prediction_type", "alpha_not_sqrt", "v_sign_flipped"),
        ),
        HarnessSpec(
            name="ddim_step",
            function="ddim_step",
            signature="ddim_step(model_output, timestep, sample, scheduler)",
            summary="DDIMScheduler.step(...).prev_sample with SD 1.5's config, eta 0",
            params={
                "num_inference_steps": _STEPS,
                "step": _STEP,
                "batch_size": _BATCH,
                "latent_size": _SIZE,
                "seed": _SEED,
            },
            base={"num_inference_steps": 10, "step": 0, "batch_size": 1, "latent_size": 8},
            cases=(
                {"seed": 0},
                {"num_inference_steps": 25, "step": 7, "batch_size": 2, "seed": 1},
                {"step": -1, "seed": 2},
                {"num_inference_steps": 4, "step": 2, "seed": 3},
            ),
            mistakes=("returns_x0", "prev_t_minus_one", "final_alpha_one"),
        ),
        HarnessSpec(
            name="denoise_step",
            function="denoise_step",
            signature="denoise_step(unet, scheduler, latents, t, prompt_embeds, guidance_scale)",
            summary="one iteration of the reference loop with tiny-sd (its prev_sample)",
            params={
                "scheduler": _SCHEDULER,
                "num_inference_steps": _STEPS,
                "step": _STEP,
                "batch_size": _BATCH,
                "latent_size": _SIZE,
                "guidance_scale": _GUIDANCE,
                "prompt_length": _PROMPT,
                "seed": _SEED,
            },
            base={
                "scheduler": "DDIMScheduler",
                "num_inference_steps": 10,
                "step": 0,
                "batch_size": 1,
                "latent_size": 8,
                "guidance_scale": 7.5,
                "prompt_length": 8,
            },
            cases=(
                {"seed": 0},
                {"scheduler": "EulerDiscreteScheduler", "step": 2, "seed": 1},
                {"guidance_scale": 1.0, "batch_size": 2, "seed": 2},
                {"scheduler": "EulerDiscreteScheduler", "guidance_scale": 4.0, "seed": 3},
            ),
            mistakes=(
                "swapped_guidance",
                "text_only",
                "skip_scale_model_input",
                "returns_noise_pred",
            ),
        ),
        HarnessSpec(
            name="denoise_loop",
            function="generate",
            signature=(
                "generate(unet, scheduler, noise, prompt_embeds, guidance_scale, "
                "num_inference_steps)"
            ),
            summary="the whole reference loop with tiny-sd (set_timesteps, init_noise_sigma, "
            "CFG, step)",
            params={
                "scheduler": _SCHEDULER,
                "num_inference_steps": Param("int", 1, 20, help="num_inference_steps"),
                "batch_size": _BATCH,
                "latent_size": _SIZE,
                "guidance_scale": _GUIDANCE,
                "prompt_length": _PROMPT,
                "seed": _SEED,
            },
            base={
                "scheduler": "DDIMScheduler",
                "num_inference_steps": 4,
                "batch_size": 1,
                "latent_size": 8,
                "guidance_scale": 7.5,
                "prompt_length": 8,
            },
            cases=(
                {"seed": 0},
                {"scheduler": "EulerDiscreteScheduler", "num_inference_steps": 3, "seed": 1},
                {"guidance_scale": 1.0, "num_inference_steps": 3, "seed": 2},
            ),
            mistakes=(
                "no_init_noise_sigma",
                "skip_scale_model_input",
                "text_only",
                "swapped_guidance",
            ),
        ),
    )
}


#: What each named mistake is, in a sentence the feedback shows.
MISTAKE_TEXT: dict[str, str] = {
    "swapped_guidance": "the guidance pushes from the text prediction towards the "
    "unconditional one (uncond and text swapped)",
    "no_unconditional_base": "the unconditional prediction is not added back: "
    "gs * (text - uncond) alone",
    "text_only": "guidance is ignored: the text-conditioned prediction is used as it is",
    "no_cfg_concat": "the latents are not doubled for the two CFG halves",
    "skip_scale_model_input": "scheduler.scale_model_input was not applied "
    "(a no-op for DDIM, a division by sqrt(sigma^2 + 1) for Euler)",
    "always_concat": "the latents are doubled even when guidance is off (guidance_scale <= 1)",
    "ignores_prediction_type": "the epsilon formula is used whatever the prediction_type",
    "alpha_not_sqrt": "alpha_prod_t is used where its square root belongs",
    "v_sign_flipped": "v-prediction's x0 = sqrt(a) * x_t - sqrt(1 - a) * v has its sign flipped",
    "returns_x0": "the predicted x0 is returned instead of x_{t-1}",
    "prev_t_minus_one": "the previous timestep is t - 1 instead of "
    "t - num_train_timesteps // num_inference_steps",
    "final_alpha_one": "the last step uses alpha 1.0; with set_alpha_to_one=False "
    "(SD 1.5) the final alpha is alphas_cumprod[0]",
    "returns_noise_pred": "the guided noise prediction is returned instead of scheduler.step's "
    "prev_sample",
    "no_init_noise_sigma": "the noise is not multiplied by scheduler.init_noise_sigma "
    "(1.0 for DDIM, about 14.6 for Euler)",
}


def case_problems(harness: str, cases: list[dict[str, CaseValue]]) -> list[tuple[int, str, str]]:
    """(case index, parameter, message) for every parameter the harness does not accept."""
    spec = HARNESSES.get(harness)
    if spec is None:
        return []
    problems: list[tuple[int, str, str]] = []
    for index, case in enumerate(cases):
        for name, value in case.items():
            param = spec.params.get(name)
            if param is None:
                known = ", ".join(spec.params)
                problems.append(
                    (index, name, f"{harness} has no case parameter {name!r} ({known})")
                )
                continue
            message = param.problem(value)
            if message is not None:
                problems.append((index, name, f"{name} {message}"))
    return problems


def describe_harnesses() -> str:
    """`name: signature` for each harness, for error messages and the schema."""
    return "; ".join(f"{spec.name}: {spec.signature}" for spec in HARNESSES.values())
