"""What every engine child shares: a private protocol stream, and the loop that serves it.

stdout carries nothing but the protocol: the real stdout is kept on a private descriptor and
file descriptor 1 is pointed at stderr, so prints and warnings from torch, diffusers or C
extensions cannot corrupt an answer. `serve` reads `engine/protocol.py` requests until end of
input and writes one answer line for each.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

from quizapp.engine.protocol import (
    Answer,
    Failure,
    ProtocolError,
    Request,
    decode_request,
    encode_answer,
)


def protocol_stream() -> TextIO:
    """Keep the real stdout for answers and send everything else written there to stderr."""
    sys.stdout.flush()
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol


def serve(lines: Iterable[str], out: TextIO, answer: Callable[[Request], Answer | Failure]) -> None:
    """Answer requests from `lines` on `out` until end of input.

    Args:
        lines: One request per line (`engine/protocol.py`).
        out: Where each answer goes, one line each, flushed.
        answer: Turns a valid request into its answer; a line that is not one is answered
            with a failure here, and the child lives on.
    """
    for line in lines:
        if not line.strip():
            continue
        try:
            request_id, request = decode_request(line)
        except ProtocolError as error:
            reply = encode_answer(error.request_id, Failure(str(error)))
        else:
            reply = encode_answer(request_id, answer(request))
        out.write(reply + "\n")
        out.flush()
