"""The engine's JSON-lines protocol, typed: every request the UI sends a child, every answer.

Both sides import this module (it imports neither torch nor diffusers), so a request is
built, and an answer read, by the same classes; both validate what they receive.

One JSON object per line:

    request  {"id": n, "kind": "ping" | "probe" | "code" | "examples", ...its fields}
    answer   {"id": n, "ok": true, ...the answer's fields}
    failure  {"id": n, "ok": false, "error": "one line"}

The ping (`id` 0) is answered once the child is warm (torch imported, models loaded). A line
that is not a valid request gets a failure with the request's id where it had one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from quizapp.oneline import one_line
from quizapp.packs.harnesses import CaseValue
from quizapp.packs.models import Probe, Value

_STRICT = ConfigDict(extra="forbid")

#: The id of the ping; requests count up from it.
PING_ID = 0

# --- requests ------------------------------------------------------------------------------


@dataclass(frozen=True, config=_STRICT)
class Ping:
    """Answered with `Ready` once the child is warm."""

    kind: Literal["ping"] = "ping"


@dataclass(frozen=True, config=_STRICT)
class RunProbe:
    """Run one probe in the reference worker; answered with a `ProbeOutcome`.

    Attributes:
        probe: The probe.
        model_path: Its resolved model folder; None resolves `probe.model` as a bundled id
            (or `none`) in the worker.
    """

    probe: Probe
    model_path: str | None = None
    kind: Literal["probe"] = "probe"


@dataclass(frozen=True, config=_STRICT)
class RunCode:
    """Run a learner's source in the code server; answered with a `CodeReport`.

    Attributes:
        source: The Python source.
        harness: The harness whose cases it runs on; None runs the source alone.
        cases: The question's case overrides (None: the harness's default cases).
        timeout: Seconds the run may take.
        memory_mb: The child's memory limit (None: the server's default).
    """

    source: str
    harness: str | None = None
    cases: list[dict[str, CaseValue]] | None = None
    timeout: Annotated[float, Field(gt=0)] = 10.0
    memory_mb: Annotated[int, Field(gt=0)] | None = None
    kind: Literal["code"] = "code"


@dataclass(frozen=True, config=_STRICT)
class GetExamples:
    """Ask the code server for each harness's mistake examples; answered with `Examples`."""

    kind: Literal["examples"] = "examples"


Request = Annotated[Ping | RunProbe | RunCode | GetExamples, Field(discriminator="kind")]

# --- answers -------------------------------------------------------------------------------


@dataclass(frozen=True, config=_STRICT)
class Ready:
    """The answer to the ping."""

    ready: Literal[True] = True


@dataclass(frozen=True, config=_STRICT)
class ProbeOutcome:
    """What the worker computed for one probe.

    Attributes:
        value: The observed value: list[int], float, list[float] or str.
        trace: What ran, line by line (versions, scheduler, t, shapes).
        versions: {"torch": ..., "diffusers": ...} of the worker that computed it.
    """

    value: Value
    trace: tuple[str, ...] = ()
    versions: dict[str, str] = Field(default_factory=dict)


#: How a code run ended: `done` (every case ran), or why it stopped early.
RunStatus = Literal["done", "syntax", "exception", "no_function", "timeout", "memory", "crashed"]


@dataclass(frozen=True, config=_STRICT)
class CaseRow:
    """One case of a code run, as the code server judged it.

    Attributes:
        case: What the case sets (its label).
        ok: The output has the expected shape and is allclose to diffusers'.
        max_abs_err: max |got - expected| when the shapes agree.
        tolerance: The allclose tolerance, as text.
        expected_shape: The shape diffusers returned.
        got_shape: The shape the learner's function returned (None if not a tensor).
        error: Why the case failed other than by value.
        mistake: The classic mistake the output matches on a failing case.
        mistakes: Every mistake whose output the learner's matches (passing cases too).
        memory: The case ran out of memory.
    """

    case: str
    ok: bool
    max_abs_err: float | None = None
    tolerance: str = ""
    expected_shape: tuple[int, ...] | None = None
    got_shape: tuple[int, ...] | None = None
    error: str | None = None
    mistake: str | None = None
    mistakes: tuple[str, ...] = ()
    memory: bool = False


@dataclass(frozen=True, config=_STRICT)
class CodeReport:
    """One run of a submission.

    Attributes:
        status: How it ended.
        error: Why it stopped early (a syntax error with its line, a timeout...).
        cases: A row per case, in order.
        mistake: The classic mistake the failing cases match, if any.
        output: The first 4 KB of what the code printed.
        output_bytes: How much it printed in all.
        seconds: How long the run took.
    """

    status: RunStatus
    error: str | None = None
    cases: tuple[CaseRow, ...] = ()
    mistake: str | None = None
    output: str = ""
    output_bytes: int = 0
    seconds: float = 0.0


@dataclass(frozen=True, config=_STRICT)
class Examples:
    """Each harness's mistake examples: {harness: {mistake: learner-style source}}."""

    examples: dict[str, dict[str, str]]


@dataclass(frozen=True, config=_STRICT)
class Failure:
    """A request the child could not answer: a bad request, a probe error, a harness bug."""

    error: str


Answer = Ready | ProbeOutcome | CodeReport | Examples
AnswerT = TypeVar("AnswerT", Ready, ProbeOutcome, CodeReport, Examples)

_REQUEST: TypeAdapter[Request] = TypeAdapter(Request)


class ProtocolError(ValueError):
    """A line that is not a valid message; the text is one line, fit for an error reply.

    Attributes:
        request_id: The id of the request it came with, when the line had one.
    """

    def __init__(self, reason: str, request_id: int | None = None) -> None:
        super().__init__(one_line(reason))
        self.request_id = request_id


# --- the wire ------------------------------------------------------------------------------


def encode_request(request_id: int, request: Request) -> str:
    """One request line (no newline)."""
    return json.dumps({"id": request_id, **_dump(request)})


def decode_request(line: str) -> tuple[int | None, Request]:
    """The id and the validated request of one line.

    Raises:
        ProtocolError: not JSON, not an object, or not a valid request (`bad probe: ...`
            when the probe is what is wrong).
    """
    try:
        raw = json.loads(line)
    except ValueError as error:
        raise ProtocolError(f"bad request: {error}") from None
    if not isinstance(raw, dict):
        raise ProtocolError("bad request: a request is a JSON object")
    request_id = raw.pop("id", None)
    if not isinstance(request_id, int) or isinstance(request_id, bool):
        raise ProtocolError("bad request: no integer id")
    try:
        return request_id, _REQUEST.validate_python(raw)
    except ValidationError as error:
        raise ProtocolError(_first_problem(error, raw), request_id) from None


def encode_answer(request_id: int | None, answer: Answer | Failure) -> str:
    """One answer line (no newline): `ok` true with the answer's fields, or a failure."""
    ok = not isinstance(answer, Failure)
    return json.dumps({"id": request_id, "ok": ok, **_dump(answer)})


def decode_answer(message: Mapping[str, Any], expected: type[AnswerT]) -> AnswerT | Failure:
    """The answer of one response object (its `id` already matched), validated.

    Raises:
        ProtocolError: the response is neither a failure nor a valid `expected`.
    """
    fields = {key: value for key, value in message.items() if key not in ("id", "ok")}
    try:
        if message.get("ok") is not True:
            return Failure(error=str(fields.get("error") or "no reason given"))
        return TypeAdapter(expected).validate_python(fields)
    except ValidationError as error:
        raise ProtocolError(_first_problem(error, fields)) from None


def _dump(message: object) -> dict[str, Any]:
    data: dict[str, Any] = TypeAdapter(type(message)).dump_python(message, mode="json")
    return data


def _first_problem(error: ValidationError, raw: Mapping[str, Any]) -> str:
    """`bad probe: observe: Field required`, or `bad request: source: ...`."""
    problems = error.errors()
    if not problems:
        return f"bad request: {error}"
    loc = [str(part) for part in problems[0]["loc"]]
    if loc and loc[0] == raw.get("kind"):  # the union's tag leads the location
        loc = loc[1:]
    subject = "probe" if loc[:1] == ["probe"] else "request"
    where = ".".join(loc[1:] if subject == "probe" else loc)
    return f"bad {subject}: {where + ': ' if where else ''}{problems[0]['msg']}"
