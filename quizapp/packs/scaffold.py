"""`quizapp new`: a valid starter pack with one question of each type."""

from __future__ import annotations

import re

from quizapp import locations
from quizapp.packs.models import ID_PATTERN, MAX_ID_LENGTH

_ID = re.compile(ID_PATTERN)

TEMPLATE = """\
# yaml-language-server: $schema={schema}
pack:
  id: {pack_id}
  title: "{title}"
  version: 1
  description: What this pack teaches, in one sentence.
  source: my-lab                  # the lab or handbook section it is drawn from
  objectives:
    - id: model-vs-scheduler
      kind: checkpoint            # mechanism | checkpoint | trap | interview
      text: The model and scheduler have separate responsibilities.
    - id: not-pixels
      kind: trap
      text: Do not assume the model outputs pixels.
questions:
  - id: what-steps
    type: flashcard
    origin: mechanism             # mechanism | checkpoint | trap | interview
    topic: model-vs-scheduler
    difficulty: 1                 # 1..5
    covers: [model-vs-scheduler]
    prompt: Which object owns the numeric update rule of a denoising step?
    answer: The scheduler, through scheduler.step(noise_pred, t, latents).
    explanation: The model predicts; the scheduler turns the prediction into x_(t-1).

  - id: noise-pred-is-not-pixels
    type: choice
    origin: trap
    topic: model-vs-scheduler
    difficulty: 2
    covers: [not-pixels]
    prompt: For an epsilon-prediction model, what does `noise_pred` hold?
    choices:
      - text: The noise the model predicts was added to the latent
        correct: true
      - text: The denoised image in pixel space
        why: The UNet works on latents; pixels only appear after vae.decode.
    hints: [Which space does the UNet work in?]
    explanation: The model predicts noise; scheduler.step turns it into the next latent.

  - id: missing-set-timesteps
    type: text
    origin: trap
    topic: model-vs-scheduler
    difficulty: 3
    covers: [model-vs-scheduler]
    prompt: |
      A fresh `DDIMScheduler()` is asked to `step()` before `set_timesteps()`.
      Which exception does diffusers raise? (type the class name, or `none`)
    probe:                        # executed: the answer is computed by running diffusers
      model: none
      scheduler: DDIMScheduler
      noise_pred: {{fill: 0.5}}
      latent_shape: [1, 4, 8, 8]
      mistake: skip_set_timesteps
      observe: raises
    expect: ValueError
    explanation: DDIM needs num_inference_steps to know where the previous timestep is.

  - id: sd-alpha-bar-500
    type: numeric
    origin: mechanism
    topic: model-vs-scheduler
    difficulty: 3
    covers: [model-vs-scheduler]
    prompt: Under SD's scaled_linear betas (0.00085 to 0.012), what is alphas_cumprod[500]?
    probe:
      model: none
      scheduler: DDPMScheduler
      scheduler_config: {{beta_schedule: scaled_linear, beta_start: 0.00085, beta_end: 0.012}}
      noise_pred: {{fill: 0.0}}
      latent_shape: [1, 4, 8, 8]
      observe: alphas_cumprod[500]
    expect: 0.276332
    tolerance: {{rel: 0.001}}
    traps:
      - answer: 0.077797
        why: That is the default linear schedule; SD uses scaled_linear.
    explanation: scaled_linear squares a linspace of square roots, so noise grows more slowly.

  - id: cfg-unet-output-shape
    type: shape
    origin: mechanism
    topic: model-vs-scheduler
    difficulty: 3
    covers: [model-vs-scheduler]
    prompt: |
      With guidance_scale {{guidance_scale}} at {{height}}x{{width}}, batch {{batch_size}},
      what shape does the UNet return?
    probe:
      model: tiny-sd
      scheduler: DDIMScheduler
      num_inference_steps: 10
      guidance_scale: 7.5
      observe: unet_output.shape
    vary:                         # a family: each review draws one combination, shown in
      guidance_scale: [1.0, 7.5]  # the prompt through its {{placeholders}}
      batch_size: [1, 2]
    examples:                     # spot checks of some variants; `quizapp check` runs them all
      - where: {{guidance_scale: 7.5, batch_size: 1}}
        expect: [2, 4, 64, 64]
    traps:
      - observe: noise_pred.shape # computed in each variant (skipped where it is the answer)
        why: That is the guided prediction; the UNet sees the unconditional and conditional batch.
    explanation: CFG (guidance_scale > 1) doubles the batch; chunk(2) splits it before the formula.

  - id: ddim-timesteps
    type: sequence
    origin: mechanism
    topic: model-vs-scheduler
    difficulty: 3
    covers: [model-vs-scheduler]
    prompt: |
      DDIMScheduler() with timestep_spacing "{{scheduler_config.timestep_spacing}}" and
      {{num_inference_steps}} steps: which timesteps does it visit?
    probe:
      model: none
      scheduler: DDIMScheduler
      scheduler_config: {{timestep_spacing: trailing}}
      num_inference_steps: 10
      noise_pred: {{fill: 0.0}}
      latent_shape: [1, 4, 8, 8]
      observe: timesteps
    vary:
      num_inference_steps: [4, 10]
      scheduler_config.timestep_spacing: [leading, trailing]
    examples:
      - where: {{num_inference_steps: 10, scheduler_config.timestep_spacing: trailing}}
        expect: [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]
    explanation: >-
      leading counts arange(0, N) * (1000 // N) from 0, reversed; trailing counts down from
      the last training step.

  - id: explain-one-step
    type: explain
    origin: interview
    topic: model-vs-scheduler
    difficulty: 2
    covers: [model-vs-scheduler]
    prompt: Explain one reverse denoising step as model prediction plus scheduler math.
    answer: |
      The UNet takes the noisy latent x_t (B, 4, H/8, W/8) and t and predicts the noise;
      scheduler.step turns that prediction into x_(t-1) with the update rule of its algorithm.
    rubric:
      - names the state object (the latent x_t)
      - names the shape or axis it changes
      - names the trade-off (steps vs quality, or solver order)
    explanation: A strong answer names the state, its shape and the trade-off.

  - id: write-guidance
    type: code
    harness: cfg_combine
    origin: interview
    topic: model-vs-scheduler
    difficulty: 2
    covers: [model-vs-scheduler]
    code: |
      noise_uncond, noise_text = noise_pred.chunk(2)
      noise_pred = guide(noise_uncond, noise_text, guidance_scale)
    highlight: [2]
    prompt: Write guide(); it runs as the learner, on their machine, when they submit it.
    starter: |
      def guide(noise_uncond, noise_text, guidance_scale):
          ...
    solution: |
      def guide(noise_uncond, noise_text, guidance_scale):
          return noise_uncond + guidance_scale * (noise_text - noise_uncond)
    explanation: Start from the unconditional prediction and push towards the text one.
"""


class ScaffoldError(ValueError):
    """The pack id is not valid."""


def scaffold(pack_id: str) -> str:
    """The text of a new, valid pack named `pack_id`.

    Raises:
        ScaffoldError: when `pack_id` is not of the form [a-z0-9-]+.
    """
    if len(pack_id) > MAX_ID_LENGTH:
        raise ScaffoldError(f"pack id is {len(pack_id)} characters; the limit is {MAX_ID_LENGTH}")
    if not _ID.match(pack_id):
        raise ScaffoldError(
            f"invalid pack id {pack_id!r}: use lowercase letters, digits and single dashes"
        )
    title = pack_id.replace("-", " ").capitalize()
    return TEMPLATE.format(schema=locations.schema_path().as_uri(), pack_id=pack_id, title=title)
