"""The mock setup screen's choices, remembered as the next interview's defaults.

Kept in the store's settings table under `mock.*` keys: they are remembered choices, not
settings with a meaning of their own (so `quizapp config` does not list them). A value
that no longer parses (an edited store) falls back to the built-in default.
"""

from __future__ import annotations

from typing import TypeVar

from quizapp.store.db import Store
from quizapp.study.interview import MockOptions
from quizapp.study.mock_plan import EXECUTED_SHARE
from quizapp.study.planning import Filters

_QUESTIONS, _MINUTES = "mock.questions", "mock.minutes"
_PACK, _TOPIC, _SHARE = "mock.pack", "mock.topic", "mock.executed_share"


def load_mock_defaults(store: Store) -> MockOptions:
    """The options the setup screen opens with: the last ones started, else the defaults
    (a fresh draw each time: the seed is never remembered)."""
    raw = store.read_settings()
    base = MockOptions()
    return MockOptions(
        filters=Filters(pack=raw.get(_PACK) or None, topic=raw.get(_TOPIC) or None),
        questions=_number(raw.get(_QUESTIONS), int, 1, 100) or base.questions,
        minutes=_number(raw.get(_MINUTES), float, 0.1, 24 * 60),
        executed_share=_share(raw.get(_SHARE)),
    )


def save_mock_defaults(store: Store, options: MockOptions) -> None:
    """Remember `options` (but its seed) for the next setup screen."""
    store.write_setting(_QUESTIONS, str(options.questions))
    store.write_setting(_SHARE, repr(options.executed_share))
    for key, value in (
        (_MINUTES, None if options.minutes is None else repr(options.minutes)),
        (_PACK, options.filters.pack),
        (_TOPIC, options.filters.topic),
    ):
        if value is None:
            store.delete_setting(key)
        else:
            store.write_setting(key, value)


N = TypeVar("N", int, float)


def _number(text: str | None, kind: type[N], low: float, high: float) -> N | None:
    """`text` as a number within low..high; None when absent or not one."""
    if text is None:
        return None
    try:
        value = kind(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _share(text: str | None) -> float:
    share = _number(text, float, 0.0, 1.0)
    return EXECUTED_SHARE if share is None else share
