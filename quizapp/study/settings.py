"""The learner's settings: what each key means, its default, and how a value is checked.

Stored as text in the store (`store.settings`); edited with `quizapp config KEY [VALUE]`
and from the command palette. A value is parsed here before it is stored, so a bad one is
a one-line error and never reaches the table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from quizapp.store.db import Store
from quizapp.study.plan import PlanError, check_interview
from quizapp.study.scheduling import DEFAULT_RETENTION, MemoryModel

#: Where desired retention may be set: below 0.7 reviews come too late to be useful; at
#: 0.99 and above the workload explodes (FSRS's own advice).
RETENTION_RANGE = (0.70, 0.98)


class SettingError(ValueError):
    """A bad key or value; the message is one line meant for the user."""


def _retention(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        raise SettingError(f"desired_retention must be a number, got {text!r}") from None
    low, high = RETENTION_RANGE
    if not low <= value <= high:
        raise SettingError(f"desired_retention must be between {low} and {high}, got {value}")
    return repr(round(value, 4))


def _interview_date(text: str, today: date) -> str:
    if text.strip().lower() in ("", "none", "off"):
        return ""
    try:
        when = date.fromisoformat(text.strip())
    except ValueError:
        raise SettingError(f"interview_date must be YYYY-MM-DD or 'none', got {text!r}") from None
    try:
        check_interview(today, when)
    except PlanError as error:
        raise SettingError(f"interview_date: {error}") from None
    return when.isoformat()


def _parameters(text: str) -> str:
    if text.strip().lower() == "default":
        return ""
    try:
        values = [float(part) for part in text.replace("[", "").replace("]", "").split(",")]
    except ValueError:
        raise SettingError(
            f"fsrs_parameters must be {len(DEFAULT_PARAMETERS)} comma-separated numbers"
            " or 'default'"
        ) from None
    if len(values) != len(DEFAULT_PARAMETERS):
        raise SettingError(
            f"fsrs_parameters needs {len(DEFAULT_PARAMETERS)} numbers, got {len(values)}"
        )
    for index, (value, low, high) in enumerate(
        zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    ):
        if not low <= value <= high:
            raise SettingError(f"fsrs_parameters[{index}] = {value} is outside [{low}, {high}]")
    return json.dumps(values)


@dataclass(frozen=True)
class SettingSpec:
    """One key: what it is for, its default (as shown), and its parser to stored text.

    A parser takes the text and today's date (an interview date must be ahead, not far).
    """

    key: str
    description: str
    default: str
    parse: Callable[[str, date], str]


SPECS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            "desired_retention",
            "chance of recall FSRS schedules for (0.70-0.98)",
            repr(DEFAULT_RETENTION),
            lambda text, _today: _retention(text),
        ),
        SettingSpec(
            "interview_date",
            "the interview day (YYYY-MM-DD); practice follows the plan until then",
            "none",
            _interview_date,
        ),
        SettingSpec(
            "fsrs_parameters",
            "FSRS parameters (set by `quizapp optimize`; 'default' resets)",
            "default",
            lambda text, _today: _parameters(text),
        ),
    )
}


@dataclass(frozen=True)
class Settings:
    """Typed settings, defaults filled in."""

    desired_retention: float = DEFAULT_RETENTION
    interview_date: date | None = None
    fsrs_parameters: tuple[float, ...] | None = None

    def model(self, retention: float | None = None) -> MemoryModel:
        """The memory model these settings give (optionally at another retention)."""
        parameters = self.fsrs_parameters or tuple(DEFAULT_PARAMETERS)
        return MemoryModel(parameters, retention or self.desired_retention)


def _spec(key: str) -> SettingSpec:
    spec = SPECS.get(key)
    if spec is None:
        raise SettingError(f"unknown setting {key!r}; known: {', '.join(SPECS)}")
    return spec


def load_settings(store: Store) -> Settings:
    """The stored settings; a stored value this version cannot read falls back to default."""
    raw = store.read_settings()
    settings = Settings()
    retention = raw.get("desired_retention")
    interview = raw.get("interview_date")
    parameters = raw.get("fsrs_parameters")
    try:
        if retention:
            settings = Settings(float(_retention(retention)))
        when = date.fromisoformat(interview) if interview else None
        fitted = tuple(json.loads(_parameters(parameters))) if parameters else None
    except (SettingError, ValueError):
        # Written by hand into the table, or by a newer quizapp: defaults are the safe read.
        when, fitted = None, None
    return Settings(settings.desired_retention, when, fitted)


def shown_values(store: Store) -> dict[str, str]:
    """Every key with its current value as text (the default where unset)."""
    raw = store.read_settings()
    return {key: raw.get(key) or spec.default for key, spec in SPECS.items()}


def set_setting(store: Store, key: str, text: str, today: date) -> str:
    """Check and store one value; returns it as stored (empty text means the default).

    Args:
        store: The progress store.
        key: One of `SPECS`.
        text: The value as typed.
        today: The learner's today (an interview date is checked against it).

    Raises:
        SettingError: For an unknown key or a bad value.
    """
    stored = _spec(key).parse(text, today)
    if stored:
        store.write_setting(key, stored)
    else:
        store.delete_setting(key)
    return stored or SPECS[key].default


def save_parameters(store: Store, parameters: tuple[float, ...]) -> None:
    """Store fitted FSRS parameters (checked against FSRS's bounds)."""
    store.write_setting("fsrs_parameters", _parameters(",".join(repr(p) for p in parameters)))
