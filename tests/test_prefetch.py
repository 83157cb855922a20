"""GradingService.prefetch: references computed in the background, each probe run once."""

from __future__ import annotations

import threading
from pathlib import Path

from quizapp.grading.client import ProbeOutcome
from quizapp.grading.errors import ProbeFailed
from quizapp.grading.service import GradingService
from quizapp.packs.families import pin
from quizapp.packs.loader import load_pack
from quizapp.packs.models import Probe

PACK = load_pack(Path(__file__).parent / "packs" / "families" / "family.yaml")
UNET = pin(PACK.pack.questions[0], {"height": 256, "batch_size": 2, "guidance_scale": 7.5})


class GatedWorker:
    """Answers shapes once `gate` opens; counts runs per observable."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.calls: list[str] = []
        self.ready = True

    def start(self) -> None:
        pass

    def run(self, probe: Probe, model_path: Path | None) -> ProbeOutcome:
        self.calls.append(probe.observe)
        self.gate.wait(10)
        cfg = 2 if probe.guidance_scale > 1 else 1
        batch = probe.batch_size * (cfg if probe.observe == "unet_output.shape" else 1)
        if probe.observe == "image.shape":
            raise ProbeFailed("no VAE in this test")
        return ProbeOutcome([batch, 4, probe.height // 8, probe.width // 8], ("ran",), {})

    def close(self) -> None:
        pass


def test_a_grade_waits_for_the_prefetch_of_the_same_probe() -> None:
    worker = GatedWorker()
    service = GradingService(worker_factory=lambda: worker)  # type: ignore[arg-type,return-value]
    [future] = service.prefetch([UNET], [None])
    graded: list[object] = []
    grader = threading.Thread(target=lambda: graded.append(service.grade(UNET, "4,4,32,64", None)))
    grader.start()
    worker.gate.set()
    grader.join(10)
    future.result(10)
    assert service.wait_prefetch(10)
    # The answer and the computed trap ran once each, though both paths asked for them.
    assert worker.calls == ["unet_output.shape", "noise_pred.shape"]
    [result] = graded
    assert getattr(result, "correct", None) is True
    trapped = service.grade(UNET, "2,4,32,64", None)
    assert trapped.correct is False and trapped.trap_source == "noise_pred.shape"
    assert trapped.as_json()["trap"] == "noise_pred.shape"
    assert trapped.trace[0] == "variant: height=256, batch_size=2, guidance_scale=7.5"
    assert len(worker.calls) == 2
    service.close()


def test_prefetch_skips_typed_questions_and_survives_failures() -> None:
    worker = GatedWorker()
    worker.gate.set()
    service = GradingService(worker_factory=lambda: worker)  # type: ignore[arg-type,return-value]
    typed = PACK.pack.questions[0].model_copy(update={"probe": None, "vary": None})
    assert service.prefetch([typed], [None]) == []
    failing = UNET.model_copy(
        update={"probe": UNET.probe.model_copy(update={"observe": "image.shape"})}
    )  # type: ignore[union-attr]
    [future] = service.prefetch([failing], [None])
    assert future.result(10) is None  # the failure is left for the grade to report
    assert (
        service.grade(failing, "1,3,256,512", None).detail == "could not grade: no VAE in this test"
    )
    service.close()
