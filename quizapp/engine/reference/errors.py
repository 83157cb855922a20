"""The one error a probe reports to the learner or author."""

from __future__ import annotations

from quizapp.oneline import one_line


class ProbeError(Exception):
    """A probe that cannot give a value; the message is one line, fit for a learner.

    Raised for probe problems (an observable the scheduler does not offer, a step past the end
    of the schedule, a model folder that does not load, a scheduler needing a missing package),
    never for a loop that raised when the probe observes `raises`.
    """

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


#: What a learner or author sees when a probe ran out of the worker's memory.
MEMORY_LIMIT = "memory limit: the probe needs more memory than the reference worker may use"


def memory_exhausted(error: BaseException) -> bool:
    """True when `error` is an allocation that failed (the worker's memory limit, or RAM)."""
    if isinstance(error, MemoryError):
        return True
    # torch reports a failed CPU allocation as a RuntimeError from its allocator.
    text = str(error)
    return isinstance(error, RuntimeError) and (
        "can't allocate memory" in text or "DefaultCPUAllocator" in text
    )
