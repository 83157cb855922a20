"""Submissions that try to be graded correct without computing the answer, or to reach
outside their run; one small file per kind under tests/code/attacks/.

All run through a real code server (judge, zygote, confined runner), started once for the
module with its own QUIZAPP_HOME (holding a store with a secret in it) and its own TMPDIR
(so that a run folder left behind would show: torch's own cache folder is the server's).
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.torch

pytest.importorskip("torch")

from quizapp.engine import code_server  # noqa: E402
from quizapp.engine.confine import support as support_module  # noqa: E402
from quizapp.engine.confine.support import support  # noqa: E402
from quizapp.engine.protocol import CodeReport, Failure, RunCode, encode_answer  # noqa: E402
from quizapp.engine.sandbox import submission  # noqa: E402
from quizapp.grading import confinement_policy  # noqa: E402
from quizapp.grading.code_grading import CodeGrader  # noqa: E402
from quizapp.grading.code_result import CodeRun  # noqa: E402
from quizapp.grading.qtypes.code import result_of  # noqa: E402
from quizapp.grading.result import GradeResult  # noqa: E402
from quizapp.packs.loader import load_pack  # noqa: E402
from quizapp.packs.models import CodeQuestion  # noqa: E402

ATTACKS = Path(__file__).parent / "code" / "attacks"
CODE_PACK = Path(__file__).parent / "code" / "code-pack.yaml"
SECRET = "SECRET-PROGRESS-OF-ANOTHER-PROFILE"
confined = pytest.mark.skipif(not support().complete, reason=support().summary())


@dataclass
class Server:
    grader: CodeGrader
    home: Path
    tmp: Path

    def pids(self) -> list[int]:
        """The judge's pid and its children's (the zygote)."""
        process = self.grader.server._process
        assert process is not None
        judge = process.popen.pid
        children = Path(f"/proc/{judge}/task/{judge}/children").read_text().split()
        return [judge, *map(int, children)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("attack-home")
    (home / "progress.sqlite3").write_text(SECRET)
    (home / "profiles" / "ada").mkdir(parents=True)
    (home / "profiles" / "ada" / "progress.sqlite3").write_text(SECRET)
    tmp = tmp_path_factory.mktemp("attack-tmp")
    saved = {key: os.environ.get(key) for key in ("QUIZAPP_HOME", "TMPDIR")}
    os.environ.update(QUIZAPP_HOME=str(home), TMPDIR=str(tmp))
    grader = CodeGrader()
    try:
        grader.start()
        yield Server(grader, home, tmp)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        grader.close()


@pytest.fixture(scope="module")
def question() -> CodeQuestion:
    found = load_pack(CODE_PACK).pack.question("write-cfg")
    assert isinstance(found, CodeQuestion)
    return found


def attack(name: str, **values: Any) -> str:
    """The attack's source, with the values the test knows written in (`NAME = ...`)."""
    source = (ATTACKS / f"{name}.py").read_text()
    for key, value in values.items():
        source = source.replace(f"{key} = []", f"{key} = {value!r}")
        source = source.replace(f"{key} = 0", f"{key} = {value!r}")
        source = source.replace(f'{key} = ""', f"{key} = {value!r}")
    return source


def submit(server: Server, source: str, harness: str | None = "cfg_combine") -> dict[str, Any]:
    """The code server's report as it travels (a JSON line), read as the client reads it."""
    report = server.grader.run(source, harness, timeout=10.0)
    # Whatever happened in the run, its folder is gone.
    assert list(server.tmp.glob("quizapp-code-*")) == []
    response: dict[str, Any] = json.loads(encode_answer(1, report))
    return response


def graded(question: CodeQuestion, response: dict[str, Any]) -> GradeResult:
    """The verdict the UI would record for `response`."""
    fields = {key: value for key, value in response.items() if key not in ("id", "ok")}
    return result_of(question, CodeRun.of(CodeReport(**fields)))


def assert_still_serving(server: Server, question: CodeQuestion) -> None:
    response = submit(server, question.solution)
    assert graded(question, response).correct, response


def test_the_reference_solution_passes(server: Server, question: CodeQuestion) -> None:
    assert_still_serving(server, question)


FORGERIES = {
    # name: (status, what each case's row says, or None for a wrong value)
    "forged_stdout": ("done", None),
    "monkeypatch": ("done", None),
    "expected_from_anywhere": ("done", None),
    "forged_frames": ("done", "sent a malformed output: dtype None"),
    "tensor_subclass": ("done", "returned a tensor subclass (Agreeable)"),
    "complex_tensor": ("done", "returned a complex tensor"),
    "meta_tensor": ("done", "returned a meta tensor"),
    "sparse_tensor": ("done", "returned a sparse tensor"),
    "non_tensor": ("done", "returned Agreeable, not a tensor"),
    "os_exit": ("crashed", "the code exited before the cases finished"),
    "segfault": ("crashed", "crashed with SIGSEGV"),
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forged_verdict_is_graded_wrong(
    server: Server, question: CodeQuestion, name: str
) -> None:
    response = submit(server, attack(name))
    result = graded(question, response)
    status, row_error = FORGERIES[name]
    assert not result.correct
    assert response["status"] == status, response
    rows = response["cases"]
    assert len(rows) == 3 and not any(row["ok"] for row in rows)
    if row_error is None:
        assert all(row["got_shape"] == row["expected_shape"] for row in rows)
        assert all(row["max_abs_err"] is None or row["max_abs_err"] > 0 for row in rows)
    else:
        assert rows[0]["error"] == row_error


def test_forged_lines_on_stdout_are_only_shown_as_output(server: Server) -> None:
    response = submit(server, attack("forged_stdout"))
    assert response["output"].count('"status": "done"') == 2 * 3  # two lines a case


@confined
def test_the_protocol_stream_cannot_be_reached(server: Server, question: CodeQuestion) -> None:
    response = submit(server, attack("protocol_fd", SERVER_PIDS=server.pids()))
    # The one descriptor it holds is its own channel, where a JSON line is no frame.
    assert response["status"] == "crashed"
    assert (
        response["error"]
        == "the run broke its channel: the run wrote something that is not a frame"
    )
    assert_still_serving(server, question)


@confined
def test_killing_the_parent_and_the_server_fails(server: Server, question: CodeQuestion) -> None:
    pids = server.pids()
    response = submit(server, attack("kill_parent", SERVER_PIDS=pids))
    assert not graded(question, response).correct
    refused = [line.split()[-1] for line in response["output"].splitlines()]
    assert refused and set(refused) <= {"PermissionError", "ProcessLookupError"}
    assert server.pids()[0] == pids[0]
    assert_still_serving(server, question)


@confined
def test_a_fork_bomb_is_refused_and_the_memory_cap_is_the_runs(server: Server) -> None:
    response = submit(server, attack("fork_bomb"), harness=None)
    assert response["status"] == "exception"
    assert response["error"] == (
        "PermissionError: [Errno 1] Operation not permitted (line 7: pid = os.fork())"
    )


@confined
def test_a_setsid_daemon_never_starts(server: Server) -> None:
    marker = Path("/tmp/quizapp-attack-daemon-marker")
    marker.unlink(missing_ok=True)
    response = submit(server, attack("setsid_daemon"), harness=None)
    assert response["status"] == "exception"
    assert response["error"].startswith("PermissionError")
    time.sleep(3)  # the daemon would write its marker after 2 s
    assert not marker.exists()


@confined
def test_writes_outside_the_runs_folder_are_refused(server: Server) -> None:
    response = submit(server, attack("write_outside"), harness=None)
    assert response["output"].splitlines() == ["refused PermissionError"] * 3 + ["inside ok"]
    assert not Path("/tmp/quizapp-attack-outside.txt").exists()
    assert not (server.home / "planted.txt").exists()


@confined
def test_the_store_cannot_be_read(server: Server) -> None:
    response = submit(server, attack("read_store"), harness=None)
    assert response["output"].splitlines() == ["refused PermissionError"] * 3
    assert SECRET not in response["output"]


@confined
def test_no_socket_reaches_a_server_on_this_machine(server: Server, tmp_path: Path) -> None:
    with socket.socket() as tcp, socket.socket(socket.AF_UNIX) as unix:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        path = str(tmp_path / "s.sock")
        unix.bind(path)
        unix.listen()
        source = attack("open_socket", PORT=tcp.getsockname()[1], UNIX_PATH=path)
        response = submit(server, source, harness=None)
        for listener in (tcp, unix):
            listener.setblocking(False)
            with pytest.raises(BlockingIOError):
                listener.accept()
    assert response["output"].splitlines() == [
        "refused AF_INET PermissionError",
        "refused AF_UNIX PermissionError",
    ]


def test_a_public_server_refuses_code_it_cannot_confine(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = support_module.Support(0, True, True, "no Landlock (kernel 5.4)")
    monkeypatch.setattr(submission, "support", lambda: missing)
    assert submission.refusal() is None  # a loopback server runs it, unconfined
    monkeypatch.setenv(confinement_policy.ENV, "1")
    response = code_server.handle(RunCode("pass", None))
    assert response == Failure(
        "code questions are off on this server: learner code runs unconfined "
        "here: no Landlock (kernel 5.4) (start `quizapp serve` with "
        "--allow-unconfined-code to run them anyway)"
    )


@pytest.mark.parametrize(
    ("host", "flags", "required"),
    [
        ("127.0.0.1", [], False),
        ("0.0.0.0", [], True),
        ("0.0.0.0", ["--allow-unconfined-code"], False),
    ],
)
def test_serve_off_loopback_requires_confined_code(
    monkeypatch: pytest.MonkeyPatch, host: str, flags: list[str], required: bool
) -> None:
    from click.testing import CliRunner

    from quizapp.cli import cli
    from quizapp.web import server as web_server

    seen: list[bool] = []

    class NotServed:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def serve(self) -> None:
            seen.append(confinement_policy.required())

    monkeypatch.setattr(web_server, "QuizServer", NotServed)
    monkeypatch.delenv(confinement_policy.ENV, raising=False)
    monkeypatch.setenv("PYTHONPATH", os.environ.get("PYTHONPATH", ""))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    result = CliRunner().invoke(cli, ["serve", "--host", host, "--port", port, *flags])
    assert result.exit_code == 0, result.output
    assert seen == [required]


def test_without_confinement_a_run_keeps_its_limits(
    monkeypatch: pytest.MonkeyPatch, question: CodeQuestion
) -> None:
    """Another OS or an old kernel: the run is judged the same way, with the limits only."""
    from quizapp.engine.confine import launch
    from quizapp.engine.harness import registry
    from quizapp.engine.sandbox.zygote import Zygote

    missing = support_module.Support(0, False, False, "no Landlock (kernel 5.4)")
    monkeypatch.setattr(launch, "support", lambda: missing)
    code_server.warm_up()
    cases = registry.cases_for("cfg_combine", registry.default_params("cfg_combine"))
    zygote = Zygote.start(())  # forked now, so it inherits the missing confinement
    try:
        passed = submission.run(zygote, question.solution, "guide", cases, 10.0)
        assert [row["ok"] for row in passed["cases"]] == [True, True, True]
        forged = submission.run(zygote, attack("forged_frames"), "guide", cases, 10.0)
        assert not any(row["ok"] for row in forged["cases"])
        looping = submission.run(zygote, "while True:\n    pass\n", None, [], 1.0)
        assert looping["status"] == "timeout"
    finally:
        zygote.close()


# -- the judge's rules, on frames written by hand ---------------------------------------


def _cases() -> list[Any]:
    from quizapp.engine.harness import registry

    code_server.warm_up()
    return registry.cases_for("cfg_combine", registry.default_params("cfg_combine"))


def _output(case: Any, index: int, tensor: Any) -> bytes:
    from quizapp.engine.sandbox import channel, runner

    header, payload = runner.output_frame(index, tensor)
    return channel.encode(header, payload)


def _judge(data: bytes, status: int = 0) -> dict[str, Any]:
    from quizapp.engine.sandbox import channel, judge

    reader = channel.Reader()
    reader.feed(data)
    return judge.report(_cases(), reader.frames, reader.error, status, False, 10.0)


def test_the_judge_passes_only_outputs_it_compared_itself() -> None:
    from quizapp.engine.sandbox import channel

    cases = _cases()
    frames = [_output(case, i, case.expected) for i, case in enumerate(cases)]
    right = b"".join(frames)
    done = channel.encode({"status": "done", "error": None})
    assert [row["ok"] for row in _judge(right + done)["cases"]] == [True, True, True]
    # Two rows and a claim of done: the third case has no row from the judge.
    short = _judge(frames[0] + frames[1] + done)
    assert (short["status"], short["error"]) == (
        "crashed",
        "the code exited before the cases finished",
    )
    # Right rows, then an exit status that says the run did not end well.
    assert _judge(right + done, status=9)["status"] == "memory"


def test_frames_that_break_a_rule_stop_the_run() -> None:
    from quizapp.engine.sandbox import channel

    cases = _cases()
    first = _output(cases[0], 0, cases[0].expected)
    cases_out_of_order = _output(cases[1], 1, cases[1].expected) + first
    assert _judge(cases_out_of_order)["error"] == (
        "the run broke its channel: the run sent a case out of order"
    )
    assert _judge(b"not a frame at all")["error"] == (
        "the run broke its channel: the run wrote something that is not a frame"
    )
    huge = b"QZ" + (2).to_bytes(2, "little") + (channel.PAYLOAD_LIMIT + 1).to_bytes(4, "little")
    assert _judge(huge + b"{}")["error"] == "the run broke its channel: an output over 64 MB"
    lying = channel.encode({"case": 0, "dtype": "float32", "shape": [1, 4, 8, 8]}, b"\0" * 8)
    row = _judge(lying)["cases"][0]
    assert row["error"] == "sent a malformed output: 8 bytes for shape (1, 4, 8, 8) of float32"
    complex_dtype = channel.encode({"case": 0, "dtype": "complex64", "shape": []}, b"\0" * 8)
    assert _judge(complex_dtype)["cases"][0]["error"] == (
        "sent a malformed output: dtype complex64"
    )
