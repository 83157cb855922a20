"""`accept_regex` matching with RE2: linear time, whatever the pattern and the answer.

Python's `re` backtracks: `(a+)+b` against 34 a's takes minutes, and a pack is untrusted
input. RE2 guarantees time linear in the answer's length by refusing the features that need
backtracking (backreferences, lookaround); a pattern using them is refused when the pack is
validated, with RE2's reason, instead of being a hang later.

It lives in `packs/` because both sides use it: validation (`packs/semantics.py`) refuses a
pattern RE2 cannot run, and grading (`grading/compare.py`) matches answers with it; packs
import nothing from grading.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

from quizapp.oneline import one_line

#: Longest pattern accepted: enough for any list of alternatives an author writes by hand.
MAX_PATTERN_LENGTH = 1000
#: Memory RE2 may use for one compiled pattern (bytes); a bigger automaton is refused.
MAX_PATTERN_MEMORY = 8 << 20


class RegexError(ValueError):
    """A pattern RE2 cannot use; the message is one line for a located pack error."""


def _options() -> Any:
    options = re2.Options()
    options.case_sensitive = False  # answers are matched ignoring case
    options.log_errors = False  # errors are ours to report, not RE2's to print on stderr
    options.max_mem = MAX_PATTERN_MEMORY
    return options


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Any:
    """The compiled, case-insensitive pattern.

    Raises:
        RegexError: when the pattern is too long or uses what RE2 does not support.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RegexError(
            f"the pattern is {len(pattern)} characters; the limit is {MAX_PATTERN_LENGTH}"
        )
    try:
        return re2.compile(pattern, _options())
    except re2.error as error:
        raise RegexError(_reason(error)) from None


def full_match(pattern: str, text: str) -> bool:
    """Whether `pattern` matches the whole of `text`, ignoring case.

    Raises:
        RegexError: when the pattern cannot be used (validation refuses such packs).
    """
    # RE2 matches UTF-8: a lone surrogate (undecodable bytes from the command line, say)
    # cannot be encoded, and can never be part of an accepted answer, so it becomes "?".
    text = text.encode("utf-8", "replace").decode("utf-8")
    return compile_pattern(pattern).fullmatch(text) is not None


def check_pattern(pattern: str) -> str | None:
    """Why `pattern` cannot be used as `accept_regex`, or None when it can."""
    try:
        compile_pattern(pattern)
    except RegexError as error:
        return str(error)
    return None


def _reason(error: Exception) -> str:
    detail = error.args[0] if error.args else error
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    return one_line(text) or "not a valid pattern"
