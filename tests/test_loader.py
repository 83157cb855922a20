"""The loader and validator: good packs load, every bad pack gets a located message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quizapp.packs.errors import PackLoadError
from quizapp.packs.loader import load_pack
from quizapp.packs.registry import Registry

HERE = Path(__file__).parent
GOOD = (HERE / "packs" / "good.yaml").read_text()

HEADER = """\
pack:
  id: t
  title: T
  objectives:
    - id: obj
      kind: checkpoint
      text: An objective.
questions:
"""


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(PackLoadError) as caught:
        load_pack(path)
    return [str(error) for error in caught.value.errors]


def question(body: str) -> str:
    return HEADER + textwrap.indent(textwrap.dedent(body), "  ")


def test_good_pack_loads() -> None:
    loaded = load_pack(HERE / "packs" / "good.yaml")
    assert loaded.id == "test-good"
    assert [q.type for q in loaded.pack.questions] == ["flashcard", "choice", "shape"]
    assert (loaded.id_line, loaded.id_col) == (3, 7)


def test_unknown_key_is_located_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    explanation: The model", "    explanaton: The model"))
    [error] = errors_of(path)
    assert error.startswith(f"{path}:35:5: ")
    assert "question 'noise-pred': unknown key 'explanaton' (did you mean 'explanation'?)" in error


def test_duplicate_question_id(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("id: shape", "id: owner"))
    [error] = errors_of(path)
    assert error == f"{path}:36:9: question 'owner': duplicate question id 'owner'"


def test_no_correct_choice(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("        correct: true\n", ""))
    [error] = errors_of(path)
    assert error.startswith(f"{path}:31:7: ")
    assert "no choice is marked `correct: true`" in error


def test_python_tag_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = write(
        tmp_path,
        f"""\
        pack: !!python/object/apply:os.system ["touch {marker}"]
        questions: []
        """,
    )
    [error] = errors_of(path)
    assert error.startswith(f"{path}:1:7: ")
    assert "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in error
    assert not marker.exists()


def test_python_name_tag_on_scalar(tmp_path: Path) -> None:
    path = write(tmp_path, "pack: !!python/name:os.system ''\n")
    [error] = errors_of(path)
    assert ":1:7: " in error and "is not allowed in a pack" in error


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        prev = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([prev] * 9)}]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    # Refused by counting the expansion, not by timing it (timing asserts flake on busy CI).
    [error] = errors_of(path)
    assert "alias expansion" in error


def test_bad_yaml_syntax(tmp_path: Path) -> None:
    path = write(tmp_path, "pack:\n  id: x\n  title: [unclosed\nquestions: []\n")
    [error] = errors_of(path)
    assert error.startswith(f"{path}:4:")
    assert "YAML syntax error" in error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ":1:1: empty file"),
        ("# only a comment\n", ":1:1: empty file"),
        (
            "- a\n- b\n",
            ":1:1: the top level must be a mapping with `pack` and `questions`, not a list",
        ),
        ("42\n", "not a single value"),
    ],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, expected: str) -> None:
    [error] = errors_of(write(tmp_path, text))
    assert expected in error


def test_out_of_range_difficulty(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("difficulty: 3", "difficulty: 9"))
    [error] = errors_of(path)
    assert error == (
        f"{path}:40:17: question 'shape': difficulty: Input should be less than or equal to 5"
    )


@pytest.mark.parametrize(
    ("answer", "where"),
    [("[2, x, 64, 64]", ":42:17:"), ("[2, -4, 64, 64]", ":42:17:"), ("two", ":42:13:")],
)
def test_bad_shape_answer(tmp_path: Path, answer: str, where: str) -> None:
    path = write(tmp_path, GOOD.replace("answer: [2, 4, 64, 64]", f"answer: {answer}"))
    [error] = errors_of(path)
    assert where in error and "question 'shape': answer" in error


PROBED = """\
- id: probed
  type: shape
  origin: mechanism
  topic: cfg
  difficulty: 2
  covers: [obj]
  prompt: What shape?
  probe:
    scheduler: {scheduler}
    model: {model}
    noise_pred: {noise_pred}
    observe: {observe}
"""


def probed(
    scheduler: str = "DDIMScheduler",
    model: str = "none",
    observe: str = "x",
    noise_pred: str = "random",
) -> str:
    return question(
        PROBED.format(scheduler=scheduler, model=model, observe=observe, noise_pred=noise_pred)
    )


def test_unknown_scheduler(tmp_path: Path) -> None:
    path = write(tmp_path, probed("DDIMSchedular", observe="prev_sample.shape"))
    [error] = errors_of(path)
    assert error == (
        f"{path}:17:18: question 'probed': scheduler: unknown scheduler 'DDIMSchedular' "
        "(did you mean DDIMScheduler?)"
    )


def test_unknown_observable(tmp_path: Path) -> None:
    path = write(tmp_path, probed(observe="prev_sample.size"))
    [error] = errors_of(path)
    assert error.startswith(f"{path}:20:16: question 'probed': observe: unknown observable")


def test_missing_model(tmp_path: Path) -> None:
    path = write(tmp_path, probed(model="no-such-model", observe="prev_sample.shape"))
    messages = errors_of(path)
    assert f"{path}:18:14: question 'probed': unknown model 'no-such-model'" in messages[0]


def test_model_path_relative_to_the_pack(tmp_path: Path) -> None:
    (tmp_path / "my-model").mkdir()
    (tmp_path / "my-model" / "model_index.json").write_text("{}")
    text = probed(model="./my-model", observe="prev_sample.shape")
    assert load_pack(write(tmp_path, text)).pack.questions[0].id == "probed"


def test_observable_must_fit_the_question_type(tmp_path: Path) -> None:
    text = probed(observe="timesteps")
    [error] = errors_of(write(tmp_path, text))
    assert "yields a sequence, but a shape question needs a shape" in error


def test_observable_the_scheduler_lacks(tmp_path: Path) -> None:
    text = question(
        """\
        - id: p
          type: numeric
          origin: mechanism
          topic: t
          difficulty: 2
          prompt: x0 mean?
          probe:
            model: none
            scheduler: DPMSolverMultistepScheduler
            noise_pred: {fill: 0.5}
            observe: pred_original_sample.mean
        """
    )
    [error] = errors_of(write(tmp_path, text))
    assert "DPMSolverMultistepScheduler.step() returns no pred_original_sample" in error


def test_scheduler_needing_scipy(tmp_path: Path) -> None:
    text = probed("LMSDiscreteScheduler", observe="prev_sample.shape")
    [error] = errors_of(write(tmp_path, text))
    assert "LMSDiscreteScheduler needs the 'scipy' package, which is not installed" in error


def test_model_none_needs_a_noise_pred(tmp_path: Path) -> None:
    text = probed(observe="prev_sample.shape", noise_pred="model")
    [error] = errors_of(write(tmp_path, text))
    assert "with `model: none` there is no UNet" in error


def test_covers_must_name_declared_objectives(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("covers: [not-pixels]", "covers: [not-pixel]"))
    [error] = errors_of(path)
    assert error.startswith(f"{path}:28:14: question 'noise-pred': covers unknown objective")


def test_unknown_question_type(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("type: shape", "type: shapes"))
    [error] = errors_of(path)
    assert "unknown question type 'shapes'; one of: flashcard, choice" in error


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("difficulty: 3", "difficulty: 0").replace("difficulty: 1", "difficulty: 6")
    assert len(errors_of(write(tmp_path, text))) == 2


def test_one_broken_pack_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, "- broken\n", "b.yaml")
    write(tmp_path, GOOD.replace("id: test-good", "id: other"), "c.yml")
    registry = Registry.load([tmp_path])
    assert sorted(registry.packs) == ["other", "test-good"]
    assert [e.path.name for e in registry.errors] == ["b.yaml"]


def test_duplicate_pack_id_across_folders(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    write(tmp_path / "one", GOOD, "a.yaml")
    second = write(tmp_path / "two", GOOD, "a.yaml")
    registry = Registry.load([tmp_path / "one", tmp_path / "two"])
    assert list(registry.packs) == ["test-good"]
    [error] = registry.errors
    assert str(error).startswith(f"{second}:3:7: duplicate pack id 'test-good', already loaded")


def test_file_size_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("quizapp.packs.loader.MAX_FILE_BYTES", 100)
    [error] = errors_of(write(tmp_path, GOOD))
    assert "packs are limited to 100" in error


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"pack: \xff\xfe\n")
    [error] = errors_of(path)
    assert "not UTF-8" in error


def test_loop_fields_that_cannot_run_are_validation_errors(tmp_path: Path) -> None:
    body = """\
pack: {id: p, title: P}
questions:
  - id: half-unet
    type: text
    origin: mechanism
    topic: t
    difficulty: 1
    prompt: p
    probe: {scheduler: DDIMScheduler, dtype: float16, observe: prev_sample.dtype}
  - id: ratio
    type: numeric
    origin: mechanism
    topic: t
    difficulty: 1
    prompt: p
    probe: {scheduler: DDIMScheduler, observe: noise_pred.std_ratio}
  - id: hand-off
    type: sequence
    origin: mechanism
    topic: t
    difficulty: 1
    prompt: p
    probe: {scheduler: DDIMScheduler, denoising_start: 0.8, denoising_end: 0.5,
            observe: loop_timesteps}
  - id: untimed
    type: sequence
    origin: mechanism
    topic: t
    difficulty: 1
    prompt: p
    probe: {scheduler: DDIMScheduler, strength: 0.5, mistake: skip_set_timesteps,
            observe: loop_timesteps}
"""
    messages = errors_of(write(tmp_path, body))
    assert any("applies to the scheduler's math only" in m for m in messages)
    assert any("needs guidance" in m for m in messages)
    assert any("denoising_start must be below denoising_end" in m for m in messages)
    assert any("strength slices the timesteps" in m for m in messages)
    assert any("loop_timesteps needs set_timesteps" in m for m in messages)
