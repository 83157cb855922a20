"""The one error a probe reports to the learner or author."""

from __future__ import annotations


class ProbeError(Exception):
    """A probe that cannot give a value; the message is one line, fit for a learner.

    Raised for probe problems (an observable the scheduler does not offer, a step past the end
    of the schedule, a model folder that does not load, a scheduler needing a missing package),
    never for a loop that raised when the probe observes `raises`.
    """

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def one_line(text: str, limit: int = 300) -> str:
    """The first non-empty line of `text`, cut to `limit` characters."""
    for line in str(text).splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


def describe_exception(error: BaseException) -> str:
    """`ValueError: first line of the message`, for a one-line report."""
    message = one_line(str(error), limit=200)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


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
