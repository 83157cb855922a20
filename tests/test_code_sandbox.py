"""The learner sandbox's limits: timeout, memory cap, captured output, syntax errors, cwd."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.torch

pytest.importorskip("torch")

from quizapp.engine import code_server  # noqa: E402
from quizapp.engine.protocol import RunCode, encode_answer  # noqa: E402
from quizapp.engine.sandbox.submission import OUTPUT_LIMIT  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    code_server.warm_up()


def run(source: str, harness: str | None = None, **extra: Any) -> dict[str, Any]:
    # The answer as it travels (a JSON line), so the rows read as the client reads them.
    answer = code_server.handle(RunCode(source, harness, **extra))
    response: dict[str, Any] = json.loads(encode_answer(1, answer))
    assert response["ok"], response
    return response


def test_an_infinite_loop_is_killed_and_reported_as_timed_out() -> None:
    source = "def guide(a, b, c):\n    while True:\n        pass\n"
    started = time.monotonic()
    response = run(source, "cfg_combine", timeout=1.0)
    # The contract is timeout + 2 s; building the cases is cached after the first test.
    assert time.monotonic() - started < 1.0 + 2.0 + 5.0
    assert response["status"] == "timeout"
    rows = response["cases"]
    assert rows[0]["error"] == "timed out after 1 s"
    assert all(row["error"] == "not run" for row in rows[1:])


def test_the_cases_finished_before_a_timeout_keep_their_verdict() -> None:
    source = (
        "import itertools\n"
        "calls = itertools.count()\n"
        "def guide(u, t, s):\n"
        "    if next(calls) == 1:\n"
        "        while True:\n"
        "            pass\n"
        "    return u + s * (t - u)\n"
    )
    response = run(source, "cfg_combine", timeout=1.0)
    assert [row["ok"] for row in response["cases"]] == [True, False, False]
    assert response["cases"][1]["error"] == "timed out after 1 s"


def test_a_huge_tensor_ends_in_a_memory_limit() -> None:
    response = run("import torch\nx = torch.empty(10**11)\n", memory_mb=256)
    assert response["status"] == "memory"
    assert "line 2: x = torch.empty(10**11)" in response["error"]


def test_a_growing_list_ends_in_a_memory_limit() -> None:
    source = "x = []\nwhile True:\n    x.append(bytearray(10**6))\n"
    response = run(source, memory_mb=128, timeout=10.0)
    assert response["status"] == "memory"
    assert response["error"].startswith("MemoryError")


def test_a_memory_error_inside_a_case_is_that_cases_verdict() -> None:
    source = "import torch\ndef guide(u, t, s):\n    return torch.ones(10**11)\n"
    response = run(source, "cfg_combine", memory_mb=256)
    assert response["status"] == "memory"
    assert all(row["error"].startswith("memory limit:") for row in response["cases"])


def test_huge_output_is_cut_to_the_first_4_kb() -> None:
    response = run("for i in range(100000):\n    print('spam', i)\n")
    assert response["status"] == "done"
    assert len(response["output"].encode()) == OUTPUT_LIMIT
    assert response["output"].startswith("spam 0\nspam 1\n")
    assert response["output_bytes"] > 100000


def test_stdout_and_stderr_are_both_captured() -> None:
    response = run("import sys\nprint('out')\nprint('err', file=sys.stderr)\n")
    assert response["output"] == "out\nerr\n"


def test_a_syntax_error_names_the_learners_line() -> None:
    source = "def guide(a, b, c):\n    x = 1\n    return a +\n"
    response = run(source, "cfg_combine")
    assert response["status"] == "syntax"
    assert response["error"] == "SyntaxError: invalid syntax (line 3: return a +)"
    assert response["cases"] == []


def test_an_exception_at_import_names_the_learners_line() -> None:
    response = run("import math\n\nvalue = math.sqrt(-1)\n")
    assert response["status"] == "exception"
    assert response["error"] == "ValueError: math domain error (line 3: value = math.sqrt(-1))"


def test_a_missing_function_is_reported() -> None:
    response = run("def other():\n    pass\n", "cfg_combine")
    assert response["status"] == "no_function"
    assert response["error"] == "solution.py defines no function guide()"


def test_the_code_runs_in_a_temp_dir_that_is_removed(tmp_path: Path) -> None:
    response = run("import os\nprint(os.getcwd())\nopen('left.txt', 'w').write('x')\n")
    folder = response["output"].strip()
    assert folder != os.getcwd()
    assert "quizapp-code-" in folder
    assert not Path(folder).exists()


def test_an_exit_from_the_learners_code_is_an_exception_not_a_crash() -> None:
    response = run("import sys\nsys.exit(3)\n")
    assert response["status"] == "exception"
    assert response["error"].startswith("SystemExit(3)")


def test_a_hard_exit_mid_cases_is_reported() -> None:
    response = run("import os\ndef guide(a, b, c):\n    os._exit(0)\n", "cfg_combine")
    assert response["status"] == "crashed"
    assert response["cases"][0]["error"] == "the code exited before the cases finished"
