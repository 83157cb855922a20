"""The runner's only way to speak to the judge: length-prefixed frames, capped in size.

A frame is `QZ`, the header's length (u16) and the payload's (u32), then a JSON object,
then the payload: a tensor's raw bytes. No pickle crosses it: the judge reads numbers and
bytes, never objects. Everything the runner writes is untrusted; the reader stops at the
first frame that breaks a rule and says which, in one line.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

MAGIC = b"QZ"
HEADER_LIMIT = 4096
#: One output's bytes: the largest harness output is a few KB; room for a wrong shape.
PAYLOAD_LIMIT = 64 * 1024 * 1024
#: Everything one run may send.
TOTAL_LIMIT = 256 * 1024 * 1024
_PREFIX = struct.Struct("<2sHI")

#: dtype name → bytes per element: the real dtypes an output may have.
DTYPES = {
    "float16": 2,
    "bfloat16": 2,
    "float32": 4,
    "float64": 8,
    "int8": 1,
    "int16": 2,
    "int32": 4,
    "int64": 8,
    "uint8": 1,
    "bool": 1,
}

Frame = tuple[dict[str, Any], bytes]


def encode(header: dict[str, Any], payload: bytes = b"") -> bytes:
    """One frame."""
    text = json.dumps(header).encode()
    return _PREFIX.pack(MAGIC, len(text), len(payload)) + text + payload


def write(fd: int, header: dict[str, Any], payload: bytes = b"") -> None:
    """Write one frame to `fd`, whole."""
    data = memoryview(encode(header, payload))
    while data:
        data = data[os.write(fd, data) :]


class Reader:
    """Frames from the bytes a runner wrote, fed as they arrive.

    Attributes:
        frames: The frames read so far, in order.
        error: Why reading stopped (the first broken rule), or None.
    """

    def __init__(self) -> None:
        self.frames: list[Frame] = []
        self.error: str | None = None
        self._buffer = bytearray()
        self._total = 0

    def feed(self, data: bytes) -> None:
        """Take more bytes; ignored once a rule is broken."""
        if self.error is not None:
            return
        self._total += len(data)
        if self._total > TOTAL_LIMIT:
            self.error = f"the run sent over {TOTAL_LIMIT // 2**20} MB"
            return
        self._buffer += data
        while self.error is None and len(self._buffer) >= _PREFIX.size:
            magic, header_size, payload_size = _PREFIX.unpack_from(self._buffer)
            if magic != MAGIC or header_size > HEADER_LIMIT:
                self.error = "the run wrote something that is not a frame"
            elif payload_size > PAYLOAD_LIMIT:
                self.error = f"an output over {PAYLOAD_LIMIT // 2**20} MB"
            else:
                end = _PREFIX.size + header_size + payload_size
                if len(self._buffer) < end:
                    return
                self._take(header_size, end)

    def _take(self, header_size: int, end: int) -> None:
        start = _PREFIX.size
        try:
            header = json.loads(bytes(self._buffer[start : start + header_size]))
        except ValueError:
            header = None
        if not isinstance(header, dict):
            self.error = "a frame whose header is not a JSON object"
            return
        self.frames.append((header, bytes(self._buffer[start + header_size : end])))
        del self._buffer[:end]
