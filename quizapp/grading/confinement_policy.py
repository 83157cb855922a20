"""Whether learner code may run where the kernel cannot confine it: a flag `serve` sets.

`quizapp serve` on a host others can reach sets it (unless --allow-unconfined-code), and
every app process and code server it starts inherits it: the code server then refuses to
run code it cannot confine (`engine/sandbox/submission.refusal`). Imports nothing heavy.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: "1" when learner code must be confined or not run at all.
ENV = "QUIZAPP_CODE_NEEDS_CONFINEMENT"


def required(environ: Mapping[str, str] = os.environ) -> bool:
    """True when this process's learner code must run confined."""
    return environ.get(ENV) == "1"
