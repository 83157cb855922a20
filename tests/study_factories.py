"""Small question builders for the study tests (planners, scheduling, reports)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from quizapp.packs.models import AnyQuestion, Question
from quizapp.study.planning import StudyItem

_QUESTION: TypeAdapter[AnyQuestion] = TypeAdapter(Question)


def question(
    qid: str,
    type: str = "choice",
    *,
    topic: str = "topic-a",
    difficulty: int = 3,
    covers: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    executed: bool = False,
    group: str | None = None,
    rubric: tuple[str, ...] = ("names the state", "names the shape", "names the trade-off"),
) -> AnyQuestion:
    """A valid question of `type` with only the fields a planner or report reads."""
    data: dict[str, Any] = {
        "id": qid,
        "type": type,
        "origin": "mechanism",
        "topic": topic,
        "difficulty": difficulty,
        "tags": list(tags),
        "covers": list(covers),
        "prompt": f"Prompt of {qid}?",
        "explanation": f"Because of {qid}.",
    }
    if group is not None:
        data["group"] = group
    if type == "choice":
        data["choices"] = [{"text": "yes", "correct": True}, {"text": "no", "why": "trap"}]
    elif type in ("flashcard", "text"):
        data["answer" if type == "flashcard" else "accept"] = "x" if type == "flashcard" else ["x"]
    elif type == "numeric":
        data["answer"] = 1.0
    elif type == "shape":
        data["answer"] = [2, 4, 64, 64]
    elif type == "sequence":
        data["answer"] = [999.0, 979.0]
    elif type == "explain":
        data["answer"] = "A model answer."
        data["rubric"] = list(rubric)
    elif type == "code":
        data["harness"] = "cfg_combine"
        data["starter"] = "def guide(noise_uncond, noise_text, guidance_scale):\n    ...\n"
        data["solution"] = "def guide(noise_uncond, noise_text, guidance_scale):\n    return 0\n"
    if executed:
        data.pop("answer", None)
        data["probe"] = {"model": "none", "scheduler": "DDIMScheduler", "observe": "timesteps"}
    return _QUESTION.validate_python(data)


def item(qid: str, type: str = "choice", *, pack: str = "pack-a", **kwargs: Any) -> StudyItem:
    """A StudyItem of `question(qid, type, **kwargs)` in `pack`."""
    return StudyItem(pack, question(qid, type, **kwargs))
