"""Objective coverage: questions per objective and type, thin objectives, `validate --coverage`."""

from __future__ import annotations

from pathlib import Path

from conftest import RunCli

from quizapp.packs.coverage import MIN_QUESTIONS, format_coverage, pack_coverage
from quizapp.packs.loader import load_pack

GOOD = Path(__file__).parent / "packs" / "good.yaml"
CONTENT = Path(__file__).parent.parent / "content" / "denoising-step.yaml"


def test_questions_are_grouped_by_objective_then_type() -> None:
    coverage = pack_coverage(load_pack(GOOD).pack)
    by_id = {entry.objective.id: entry for entry in coverage.objectives}
    assert list(by_id) == ["model-vs-scheduler", "not-pixels"]
    assert by_id["model-vs-scheduler"].by_type == {"flashcard": ("owner",)}
    assert by_id["not-pixels"].by_type == {"choice": ("noise-pred",)}
    assert coverage.uncovering == ("shape",)
    assert [entry.objective.id for entry in coverage.thin] == ["model-vs-scheduler", "not-pixels"]


def test_an_objective_listed_twice_by_one_question_counts_once(tmp_path: Path) -> None:
    text = GOOD.read_text().replace("covers: [not-pixels]", "covers: [not-pixels, not-pixels]")
    path = tmp_path / "twice.yaml"
    path.write_text(text)
    entry = pack_coverage(load_pack(path).pack).objectives[1]
    assert entry.total == 1


def test_bundled_pack_covers_every_objective_at_least_three_times() -> None:
    coverage = pack_coverage(load_pack(CONTENT).pack)
    assert coverage.objectives
    assert all(entry.total >= MIN_QUESTIONS for entry in coverage.objectives)


def test_format_flags_thin_objectives() -> None:
    lines = format_coverage("test-good", pack_coverage(load_pack(GOOD).pack))
    assert lines == [
        "test-good: 2 objective(s), 2 with fewer than 3 questions",
        "  model-vs-scheduler (checkpoint): 1 question(s)  << fewer than 3",
        "    flashcard  1  owner",
        "  not-pixels (trap): 1 question(s)  << fewer than 3",
        "    choice     1  noise-pred",
        "  covering no objective: shape",
    ]


def test_validate_coverage_prints_the_table_and_still_exits_0(run_cli: RunCli) -> None:
    code, out, err = run_cli(["validate", "--coverage", str(GOOD)])
    assert code == 0
    assert out.splitlines()[0] == "test-good: 2 objective(s), 2 with fewer than 3 questions"
    assert "  not-pixels (trap): 1 question(s)  << fewer than 3" in out.splitlines()
    assert "ok: 1 pack(s), 3 question(s)" in err


def test_validate_without_coverage_prints_no_table(run_cli: RunCli) -> None:
    assert run_cli(["validate", str(GOOD)])[1] == ""
