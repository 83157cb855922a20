"""Learner answer text → typed values, one small function per answer type.

Answers are parsed with regular expressions and `int`/`float` on validated tokens, never
`eval`: an answer is data. Every rejection is an `AnswerSyntaxError` whose message is one
short line the learner can act on; the caller shows it and lets the learner retype.
"""

from __future__ import annotations

import re

from quizapp.grading.formatting import choice_letter

#: Longest echo of the learner's text inside an error message (keeps messages one line).
_ECHO_LIMIT = 24
#: Longest accepted shape dimension, in digits (also keeps `int()` far from its digit limit).
_MAX_DIM_DIGITS = 12

# A decimal number, Python spelling: optional sign, digits with single underscores between
# them (`1_000`, as Python writes it), optional fraction (`.5`, `2.`), optional exponent.
# ASCII digits only: `\d` would let other scripts' digits through to `float`.
_DIGITS = r"[0-9](?:_?[0-9])*"
_NUMBER = re.compile(
    rf"^[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?$"
)
_DIMENSION = re.compile(r"^[0-9]+$")
# `torch.Size([2, 4])` / `Size([2, 4])`, as printed by `tensor.shape`.
_SIZE = re.compile(r"^(?:torch\s*\.\s*)?Size\s*\((?P<inner>.*)\)$", re.DOTALL | re.IGNORECASE)
# `tensor([999, 888])`, `torch.tensor(...)`, `array([...])`, `np.array(...)`, as printed.
_TENSOR = re.compile(
    r"^(?:(?:torch|np|numpy)\s*\.\s*)?(?:tensor|array)\s*\((?P<inner>.*)\)$",
    re.DOTALL | re.IGNORECASE,
)
# Keyword tails that a pasted repr carries: `, dtype=torch.int64`, `, device='cpu'`.
_REPR_KEYWORD = re.compile(
    r",\s*(?:dtype|device|requires_grad)\s*=\s*[\w.:'\"]+\s*$",
)
_SHAPE_SEPARATORS = re.compile(r"[\s,x×X*]+")
_SEQUENCE_SEPARATORS = re.compile(r"[\s,;]+")
_CHOICE_SEPARATORS = re.compile(r"[\s,;/&+]+")
# Unicode minus signs that text editors and copied math put where `-` belongs.
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-", "﹣": "-", "－": "-"})

#: Spellings of "the loop raised nothing"; all parse to "none".
_NO_ERROR = frozenset(
    {
        "none",
        "no error",
        "no errors",
        "nothing",
        "no exception",
        "no",
        "does not raise",
        "doesn't raise",
        "it does not raise",
        "it doesn't raise",
        "no raise",
        "silent",
    }
)


class AnswerSyntaxError(ValueError):
    """The answer cannot be read as the question's type; the message is one line for the learner."""


def parse_shape(text: str) -> tuple[int, ...]:
    """Read a tensor shape.

    Accepts `(2, 4, 64, 64)`, `[2,4,64,64]`, `2x4x64x64`, `2 × 4 × 64 × 64`,
    `2, 4, 64, 64`, `torch.Size([2, 4, 64, 64])`, `(4,)` and `()` (a scalar's shape).

    Args:
        text: What the learner typed.

    Returns:
        The dimensions, each a non-negative int.

    Raises:
        AnswerSyntaxError: When the text is not a shape.
    """
    body = text.strip()
    if not body:
        raise AnswerSyntaxError("Type a shape, e.g. (2, 4, 64, 64).")
    size = _SIZE.match(body)
    if size is not None:
        body = size.group("inner").strip()
    body = _unwrap_brackets(body, example="(2, 4, 64, 64)")
    if not body:
        return ()
    tokens = [token for token in _SHAPE_SEPARATORS.split(body) if token]
    if not tokens:
        raise AnswerSyntaxError(f"{_echo(text)} has no dimensions; type e.g. (2, 4, 64, 64).")
    return tuple(_dimension(token) for token in tokens)


def parse_number(text: str) -> float:
    """Read one finite number.

    Accepts `1e-3`, `-6.77`, `0.068265`, `+1.5`, `.5`, `2.`, `1_000` (Python's digit
    grouping, unambiguous), a Unicode minus sign, and a pasted `tensor(0.0683)`.
    Rejects `nan`, `inf`, `1,000` (a thousands separator or a decimal comma: ambiguous) and
    anything else.

    Args:
        text: What the learner typed.

    Returns:
        The number.

    Raises:
        AnswerSyntaxError: When the text is not exactly one finite number.
    """
    body = text.strip()
    if not body:
        raise AnswerSyntaxError("Type a number, e.g. 0.0683, -6.77 or 1e-3.")
    tensor = _TENSOR.match(body)
    if tensor is not None:
        body = _REPR_KEYWORD.sub("", tensor.group("inner")).strip()
    if "," in body:
        raise AnswerSyntaxError(
            f"{_echo(text)}: type one number with a dot for decimals and no thousands commas."
        )
    return _number_token(body, original=text)


def parse_sequence(text: str) -> list[float]:
    """Read a list of numbers, in full.

    Accepts `999, 888`, `[999.0, 888.0]`, `999 888`, `(999, 888)` and a pasted
    `tensor([999, 888])` or `tensor([999., 888.], dtype=torch.float32)`.

    Args:
        text: What the learner typed.

    Returns:
        The numbers, in order (at least one).

    Raises:
        AnswerSyntaxError: When the text is not a list of finite numbers, or elides values.
    """
    body = text.strip()
    if not body:
        raise AnswerSyntaxError("Type the values separated by commas, e.g. 999, 899, 799.")
    tensor = _TENSOR.match(body)
    if tensor is not None:
        body = _REPR_KEYWORD.sub("", tensor.group("inner")).strip()
    if "…" in body or "..." in body:
        raise AnswerSyntaxError("Type every value: a list with … in it cannot be graded.")
    body = _unwrap_brackets(body, example="[999, 899, 799]")
    tokens = [token for token in _SEQUENCE_SEPARATORS.split(body) if token]
    if not tokens:
        raise AnswerSyntaxError("Type the values separated by commas, e.g. 999, 899, 799.")
    return [_number_token(token, original=token) for token in tokens]


def parse_name(text: str) -> str:
    """Read an exception class name, or "none" for "nothing is raised".

    Accepts `ValueError`, `valueerror`, `builtins.ValueError`, `raise ValueError`,
    `ValueError()`, and a pasted traceback line `ValueError: message` (the message is
    ignored). `none`, `no error`, `nothing` (and a few more spellings) give "none".

    Args:
        text: What the learner typed.

    Returns:
        The bare class name as typed (comparison is case-insensitive), or "none".

    Raises:
        AnswerSyntaxError: When the text is not a class name.
    """
    folded = " ".join(text.split()).casefold().rstrip(".!")
    if folded in _NO_ERROR:
        return "none"
    # A traceback's last line is "Name: message"; only the name is the answer.
    head = text.split(":", 1)[0].strip()
    head = re.sub(r"^(?:raises?|it raises)\s+", "", head, flags=re.IGNORECASE)
    head = head.removesuffix("()").strip()
    if not head:
        raise AnswerSyntaxError("Type an exception class name, e.g. ValueError, or none.")
    parts = [part.strip() for part in head.split(".")]
    if not all(part.isascii() and part.isidentifier() for part in parts):
        raise AnswerSyntaxError(
            f"{_echo(text)} is not a class name; type e.g. ValueError, or none."
        )
    name = parts[-1]
    return "none" if name.casefold() == "none" else name


def parse_choices(text: str, n_choices: int, multiple: bool) -> frozenset[int]:
    """Read the picked choices as 0-based indices.

    Accepts letters (`a`, `B`, `b)`, `(c)`), 1-based numbers (`1`), and for questions with
    several correct choices, lists: `a, c`, `a c`, `a and c`, `ac`.

    Args:
        text: What the learner typed.
        n_choices: How many choices the question has (1 to 26).
        multiple: Whether several choices may be picked.

    Returns:
        The picked indices (at least one; exactly one unless `multiple`).

    Raises:
        AnswerSyntaxError: When the text names no choice, a choice that does not exist, or
            several choices on a single-answer question.
        ValueError: When `n_choices` is out of range (a caller's bug, not the learner's).
    """
    if not 1 <= n_choices <= 26:
        raise ValueError(f"n_choices must be 1..26, got {n_choices}")
    last = choice_letter(n_choices - 1)
    span = f"a–{last} or 1–{n_choices}" if n_choices > 1 else "a or 1"
    tokens = [
        token.strip("().")
        for token in _CHOICE_SEPARATORS.split(text.strip().casefold())
        if token and token != "and"
    ]
    picked: set[int] = set()
    for token in filter(None, tokens):
        picked.update(_choice_token(token, n_choices, span))
    if not picked:
        raise AnswerSyntaxError(f"Pick a choice: {span}.")
    if len(picked) > 1 and not multiple:
        raise AnswerSyntaxError("Pick one choice only, e.g. b.")
    return frozenset(picked)


def _choice_token(token: str, n_choices: int, span: str) -> set[int]:
    if _DIMENSION.match(token):
        number = int(token) if len(token) <= 3 else 0
        if not 1 <= number <= n_choices:
            raise AnswerSyntaxError(f"There is no choice {_echo(token)}: pick {span}.")
        return {number - 1}
    # "ac" on a multiple-answer question: each letter is one pick.
    if token.isascii() and token.isalpha():
        indices = {ord(letter) - ord("a") for letter in token}
        if all(index < n_choices for index in indices):
            return indices
    raise AnswerSyntaxError(f"There is no choice {_echo(token)}: pick {span}.")


def _dimension(token: str) -> int:
    if not _DIMENSION.match(token):
        raise AnswerSyntaxError(
            f"{_echo(token)} is not a dimension: a shape holds whole numbers like 64."
        )
    if len(token) > _MAX_DIM_DIGITS:
        raise AnswerSyntaxError(f"{_echo(token)} is far too large for a dimension.")
    return int(token)


def _number_token(token: str, original: str) -> float:
    candidate = token.translate(_MINUS_SIGNS)
    if not _NUMBER.match(candidate):
        raise AnswerSyntaxError(
            f"{_echo(original)} is not a number; type e.g. 0.0683, -6.77 or 1e-3."
        )
    value = float(candidate.replace("_", ""))
    if value in (float("inf"), float("-inf")):
        raise AnswerSyntaxError(f"{_echo(original)} is too large to be a finite number.")
    return value


def _unwrap_brackets(body: str, example: str) -> str:
    """Drop one pair of matching outer brackets; reject any other bracket."""
    closers = {"(": ")", "[": "]"}
    if body and body[0] in closers:
        if len(body) < 2 or body[-1] != closers[body[0]]:
            raise AnswerSyntaxError(f"Unbalanced brackets; type e.g. {example}.")
        body = body[1:-1].strip()
    if any(bracket in body for bracket in "()[]{}"):
        raise AnswerSyntaxError(f"Unexpected brackets; type e.g. {example}.")
    return body


def _echo(text: str) -> str:
    """The learner's text, quoted on one line and shortened."""
    flat = " ".join(text.split())
    if len(flat) > _ECHO_LIMIT:
        flat = flat[: _ECHO_LIMIT - 1] + "…"
    return f"'{flat}'"
