"""`quizapp exercise` without a question: the code exercises, their status, the next one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from study_factories import item

from quizapp import locations
from quizapp.cli import main
from quizapp.store.db import Store
from quizapp.study.exercises import exercises, next_exercise
from quizapp.study.planning import StudyItem

CODE_PACKS = Path(__file__).parent / "code"
AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(argv)
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 1), out, err


def review(store: Store, question_id: str, correct: bool) -> None:
    store.record_review("code-tests", question_id, "src", correct, 3, 9.0, "practice", AT)


def test_the_list_shows_each_status_and_the_next(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(locations.db_path()) as store:
        review(store, "write-cfg", False)
        review(store, "write-cfg", True)
    code, out, _ = run(["--packs", str(CODE_PACKS), "exercise", "code-tests"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("✓ passed  code-tests write-cfg")
    assert lines[1].startswith("· new     code-tests quick-timeout")
    assert lines[-2:] == ["1 of 2 passed.", "Next: quizapp exercise code-tests quick-timeout"]


def test_without_a_pack_every_packs_exercises_are_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["--packs", str(CODE_PACKS), "exercise"], capsys)
    assert code == 0
    assert "code-tests write-cfg" in out and "code-exercises write-cfg" in out


def test_a_pack_without_code_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    from tui_helpers import BASIC_PACKS

    code, out, err = run(["--packs", str(BASIC_PACKS), "exercise", "ui-basics"], capsys)
    assert code == 2 and out == ""
    assert err == "quizapp: error: no code exercise in pack 'ui-basics'\n"


def test_next_skips_passed_ones_and_wraps_round(tmp_path: Path) -> None:
    items = [item(f"c{i}", "code") for i in range(3)]
    with Store.open(tmp_path / "s.db") as store:
        store.record_review("pack-a", "c2", "src", True, 3, 1.0, "practice", AT)
        listed = exercises(items, store)
        assert [e.status for e in listed] == ["new", "new", "passed"]
        following = next_exercise(listed, items[1])
        assert following is not None and following.item == items[0]
        assert next_exercise(listed, StudyItem("pack-a", items[2].question)) == listed[0]
