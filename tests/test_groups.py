"""Sibling groups (`group:`): the loader's located errors, the lint on a group of one, and
the bundled packs' near-duplicates grouped."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quizapp.packs.errors import PackLoadError
from quizapp.packs.lint import group_sizes, lint_pack
from quizapp.packs.loader import load_pack
from quizapp.packs.models import Pack
from quizapp.packs.registry import Registry

CONTENT = Path(__file__).parent.parent / "content"

PACK = """\
pack:
  id: t
  title: T
questions:
  - id: a
    type: flashcard
    origin: mechanism
    topic: x
    difficulty: 1
    group: {group}
    prompt: A?
    answer: A.
  - id: b
    type: flashcard
    origin: mechanism
    topic: x
    difficulty: 1
    prompt: B?
    answer: B.
"""


def load(tmp_path: Path, group: str) -> Pack:
    path = tmp_path / "t.yaml"
    path.write_text(textwrap.dedent(PACK.format(group=group)))
    return load_pack(path).pack


def test_a_group_of_an_unknown_shape_is_an_error_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(PackLoadError) as caught:
        load(tmp_path, "[not, a, name]")
    [error] = [str(e) for e in caught.value.errors]
    assert error.startswith(f"{tmp_path / 't.yaml'}:10:12: question 'a': group:")
    assert "group" in error


def test_a_group_of_one_is_a_lint_unless_another_pack_names_it(tmp_path: Path) -> None:
    pack = load(tmp_path, "lonely")
    [lint] = lint_pack(pack)
    assert lint.loc == ("questions", 0, "group")
    assert "a: group 'lonely' has no other question" in lint.message
    elsewhere = group_sizes([pack, pack])  # the same group in a pack checked alongside
    assert lint_pack(pack, groups=elsewhere) == []


@pytest.mark.parametrize(
    "members",
    [
        {"guidance-and-latents/cfg-no-concat-raises", "guidance-and-latents/cfg-no-concat-unipc"},
        {"code-exercises/write-cfg", "code-exercises/fix-cfg-swapped"},
        {  # 0.068265, asked three times
            "code-reading/read-euler-input-scale",
            "denoising-step/model-input-euler-scale",
            "schedulers/smi-unipc-noop",
        },
        {"code-reading/read-init-noise-sigma", "schedulers/ins-euler-linspace"},  # 14.6146
        {"loops-part-way/pw-strength-one", "schedulers/bs-ddim-alpha-prod-t"},  # abar_981
    ],
)
def test_bundled_near_duplicates_share_a_group(members: set[str]) -> None:
    registry = Registry.load([CONTENT])
    groups = {
        f"{loaded.id}/{question.id}": question.group for loaded, question in registry.questions()
    }
    found = {groups[member] for member in members}
    assert len(found) == 1 and None not in found


def test_every_bundled_code_question_shares_its_harness_group() -> None:
    # A write-X question's reference solution answers its fix-X sibling.
    registry = Registry.load([CONTENT])
    by_harness: dict[str, set[str | None]] = {}
    for _, question in registry.questions():
        harness = getattr(question, "harness", None)
        if harness is not None:
            by_harness.setdefault(harness, set()).add(question.group)
    assert all(len(groups) == 1 and None not in groups for groups in by_harness.values())
    sizes = group_sizes(loaded.pack for loaded in registry.packs.values())
    assert all(size >= 2 for size in sizes.values())
