"""Building blocks for the TUI tests: the fixed test packs, a settable clock, the app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from quizapp.app import QuizApp
from quizapp.grading.client import ProbeOutcome
from quizapp.grading.service import GradingService
from quizapp.packs.models import Probe
from quizapp.packs.registry import Registry
from quizapp.store.db import Store
from quizapp.study.practice import PracticeOptions

UI_DIR = Path(__file__).parent / "ui"
BASIC_PACKS = UI_DIR / "packs"
EXECUTED_PACKS = UI_DIR / "executed"
FIXED_NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SIZE = (100, 36)
#: A stand-in trace for probe results put in the cache by hand (no worker runs).
CACHED_TRACE = [
    "diffusers 0.42.1, torch 2.13.0+cpu",
    "scheduler: DDPMScheduler (beta_schedule=scaled_linear)",
    "alphas_cumprod[500] = 0.276332",
]

#: ui-basics, in pack order, with a right and a wrong answer each (typed as keys). Choices
#: are in the order of a first review (`in_review_order`): "The noise..." is b) there.
RIGHT = {
    "choice-noise": "b",
    "shape-latent": "(1, 4, 64, 64)",
    "numeric-scaling": "0.18215",
    "text-owner": "the Scheduler",
    "sequence-ddim": "750, 500, 250, 0",
}
WRONG = {
    "choice-noise": "a",
    "shape-latent": "1x3x512x512",
    "numeric-scaling": "0.5",
    "text-owner": "unet",
    "sequence-ddim": "999, 500, 250, 0",
}


@dataclass
class Clock:
    """A clock tests move by hand."""

    now: datetime = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(**delta)


def make_app(
    store: Store,
    clock: Clock | None = None,
    folders: tuple[Path, ...] = (BASIC_PACKS,),
    grading: GradingService | None = None,
    start: PracticeOptions | None = None,
) -> QuizApp:
    """The app on the fixed test packs only (never the bundled content, which changes)."""
    return QuizApp(
        registry=Registry.load(folders),
        store=store,
        grading=grading if grading is not None else GradingService(cache=store),
        clock=clock or Clock(),
        start=start,
    )


async def hold_cursors(pilot: Pilot[Any]) -> None:
    """Stop the text cursors blinking, shown: a snapshot on a busy machine could otherwise
    catch either half of the half-second blink."""
    for box in pilot.app.screen.query("Input, TextArea"):
        box.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen repaint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


#: What the probes of unet-batch (tests/packs/families) compute at 256x512, guidance 7.5.
FAMILY_SHAPES: dict[str, list[int]] = {
    "unet_output.shape": [2, 4, 32, 64],
    "noise_pred.shape": [1, 4, 32, 64],
}


class FamilyWorker:
    """The reference worker's stand-in: the shapes of unet-batch at 256x512, guidance 7.5."""

    ready = True

    def __init__(self) -> None:
        self.calls: list[str] = []

    def start(self) -> None:
        pass

    def run(self, probe: Probe, model_path: Path | None) -> ProbeOutcome:
        self.calls.append(probe.observe)
        return ProbeOutcome(FAMILY_SHAPES[probe.observe], ("scheduler: DDIMScheduler",), {})

    def abandon(self, probe: Probe, model_path: Path | None) -> bool:
        return False

    def close(self) -> None:
        pass


def right_letter(question: Any) -> str:
    """The letter of the right choice of `question` as it is shown (choices are shuffled per
    review: `grading/qtypes/choice.in_review_order`)."""
    from quizapp.grading.formatting import choice_letter

    return choice_letter(next(i for i, choice in enumerate(question.choices) if choice.correct))


def first_review_letter(pack_file: Path, question_id: str, right: bool = True) -> str:
    """The letter of the right (or the first wrong) choice of a question's first review."""
    from quizapp.grading.formatting import choice_letter
    from quizapp.grading.qtypes.choice import in_review_order
    from quizapp.packs.loader import load_pack

    pack = load_pack(pack_file).pack
    shown = in_review_order(pack.question(question_id), pack.pack.id, 0)  # type: ignore[arg-type]
    return choice_letter(
        next(i for i, choice in enumerate(shown.choices) if bool(choice.correct) == right)
    )
