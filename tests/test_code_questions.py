"""Code questions in the domain: the pack format, its checks, and reading a run (no torch)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.engine.code_server import overall_mistake
from quizapp.grading.qtypes.code import describe_run, result_of, run_of
from quizapp.packs.errors import PackLoadError
from quizapp.packs.harnesses import HARNESSES, MISTAKE_TEXT, Param, case_problems
from quizapp.packs.loader import load_pack
from quizapp.packs.models import CodeQuestion
from quizapp.study.mock_plan import question_budget_seconds, question_kind
from quizapp.study.report import ReportItem

CODE_PACK = Path(__file__).parent / "code" / "code-pack.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(PackLoadError) as caught:
        load_pack(path)
    return [str(error) for error in caught.value.errors]


def code_pack(question: str) -> str:
    return (
        "pack: {id: p, title: P}\n"
        "questions:\n"
        "  - id: q\n"
        "    type: code\n"
        "    origin: interview\n"
        "    topic: t\n"
        "    difficulty: 2\n"
        "    prompt: Write it.\n" + question
    )


GOOD = (
    "    harness: cfg_combine\n"
    "    starter: |\n"
    "      def guide(noise_uncond, noise_text, guidance_scale):\n"
    "          ...\n"
    "    solution: |\n"
    "      def guide(noise_uncond, noise_text, guidance_scale):\n"
    "          return noise_uncond\n"
)


def test_the_code_pack_loads() -> None:
    loaded = load_pack(CODE_PACK)
    question = loaded.pack.question("write-cfg")
    assert isinstance(question, CodeQuestion)
    assert question.highlight == [2] and question.timeout == 10.0


def test_unknown_harness_suggests_the_close_one(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, code_pack(GOOD.replace("cfg_combine", "cfg_combin"))))
    assert ":9:" in error and "did you mean cfg_combine" in error


def test_a_bad_case_parameter_points_at_its_key(tmp_path: Path) -> None:
    text = code_pack(GOOD + "    cases:\n      - {guidance_scale: 2.0, sheduler: DDIMScheduler}\n")
    [error] = errors_of(write(tmp_path, text))
    assert ":17:" in error and "no case parameter 'sheduler'" in error


def test_a_case_value_out_of_range_is_refused(tmp_path: Path) -> None:
    text = code_pack(GOOD + "    cases:\n      - {batch_size: 99}\n")
    [error] = errors_of(write(tmp_path, text))
    assert "batch_size must be at most 4" in error


def test_the_starter_must_define_the_function(tmp_path: Path) -> None:
    text = code_pack(GOOD.replace("def guide(", "def other(", 1))
    errors = errors_of(write(tmp_path, text))
    assert any("starter must define guide(" in error for error in errors)


def test_a_solution_with_a_syntax_error_is_refused_with_its_line(tmp_path: Path) -> None:
    text = code_pack(GOOD.replace("return noise_uncond", "return noise_uncond +"))
    [error] = errors_of(write(tmp_path, text))
    assert "solution line 2" in error


def test_a_timeout_above_ten_seconds_is_refused(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, code_pack(GOOD + "    timeout: 30\n")))
    assert "timeout" in error


def test_highlight_past_the_excerpt_is_refused(tmp_path: Path) -> None:
    excerpt = "    code: |\n      a = 1\n      b = 2\n    highlight: [1, 3]\n"
    [error] = errors_of(write(tmp_path, code_pack(GOOD + excerpt)))
    assert "line 3 is past the end of `code` (2 lines)" in error


def test_highlight_needs_code(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, code_pack(GOOD + "    highlight: [1]\n")))
    assert "`highlight` needs a `code` excerpt" in error


def test_param_problems() -> None:
    assert Param("int", 1, 4).problem(2.5) == "must be an integer"
    assert Param("int", 1, 4).problem(True) == "must be an integer"
    assert Param("float", 0, 30).problem(7.5) is None
    assert "not one of" in (Param("str", choices=("a",)).problem("b") or "")
    assert case_problems("cfg_combine", [{"seed": 1}]) == []


def test_every_harness_names_known_mistakes_and_fills_its_defaults() -> None:
    for spec in HARNESSES.values():
        assert len(spec.mistakes) >= 2
        assert all(name in MISTAKE_TEXT for name in spec.mistakes)
        for case in spec.full_cases(None):
            assert set(case) == set(spec.params), spec.name
            assert case_problems(spec.name, [case]) == []


def _row(ok: bool, mistakes: list[str], **extra: object) -> dict[str, object]:
    return {"case": "c", "ok": ok, "mistakes": mistakes, "expected_shape": [1, 4, 8, 8], **extra}


def test_the_mistake_matching_every_case_beats_a_coarser_one() -> None:
    # final_alpha_one only shows at the last step, where returns_x0 gives the same output.
    rows = [_row(True, ["final_alpha_one"]), _row(False, ["returns_x0", "final_alpha_one"])]
    assert overall_mistake(rows, ("returns_x0", "final_alpha_one")) == "final_alpha_one"
    assert rows[1]["mistake"] == "final_alpha_one"


def test_no_mistake_when_failing_cases_disagree() -> None:
    rows = [_row(False, ["a"]), _row(False, ["b"])]
    assert overall_mistake(rows, ("a", "b")) is None
    assert overall_mistake([_row(True, ["a"])], ("a",)) is None


def test_a_run_with_every_case_passing_is_right() -> None:
    question = load_pack(CODE_PACK).pack.question("write-cfg")
    assert isinstance(question, CodeQuestion)
    response = {
        "status": "done",
        "cases": [_row(True, [], max_abs_err=0.0), _row(True, [], max_abs_err=1e-7)],
        "output": "hi\n",
        "output_bytes": 3,
    }
    result = result_of(question, response)
    assert result.correct is True and result.detail == "all 2 cases pass"
    assert result.code is not None and result.code.solution == question.solution
    data = result.as_json()
    assert set(data) >= {"correct", "cases", "mistake", "detail"}
    assert set(data["cases"][0]) == {  # type: ignore[index]
        "case",
        "ok",
        "max_abs_err",
        "expected_shape",
        "got_shape",
        "error",
        "mistake",
    }


def test_a_wrong_run_names_the_mistake() -> None:
    run = run_of(
        {
            "status": "done",
            "cases": [_row(False, ["text_only"], mistake="text_only"), _row(True, [])],
            "mistake": "text_only",
        }
    )
    assert not run.all_passed and run.passed == 1
    assert (
        describe_run(run) == f"1 of 2 cases pass; looks like text_only: {MISTAKE_TEXT['text_only']}"
    )


def test_a_syntax_error_is_the_whole_detail() -> None:
    error = "SyntaxError: invalid syntax (line 2: return a +)"
    assert describe_run(run_of({"status": "syntax", "error": error, "cases": []})) == error


def test_a_timeout_keeps_the_finished_cases() -> None:
    rows = [_row(True, []), _row(False, [], error="timed out after 1 s")]
    run = run_of({"status": "timeout", "error": "timed out after 1 s", "cases": rows})
    assert describe_run(run) == "1 of 2 cases pass; timed out after 1 s"


def test_mock_interviews_give_code_its_own_budget_and_credit_by_cases() -> None:
    question = load_pack(CODE_PACK).pack.question("write-cfg")
    assert question is not None
    assert question_kind(question) == "code"
    assert question_budget_seconds(question) > question_budget_seconds(
        load_pack(Path(__file__).parent / "packs" / "good.yaml").pack.questions[0]
    )
    item = ReportItem.from_question(
        "code-tests", question, answer="src", expected="", correct=False, seconds=30, cases=(2, 3)
    )
    assert item.credit == pytest.approx(2 / 3)
