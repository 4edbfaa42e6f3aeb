"""The encoder student end to end on a tiny training run: files, loading, int8, pruning, the
brain, and the CLI. Accuracy is not the point here (25 steps); shapes, round trips and
behaviour are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edgeagent import Observation
from edgeagent.errors import ConfigError
from edgeagent.registry import ToolRegistry
from edgeagent.students.encoder.brain import EncoderBrain
from edgeagent.students.encoder.model import UNFAMILIARITY_FILE
from edgeagent.students.encoder.unfamiliarity import Unfamiliarity
from edgeagent.testing.contract import BrainContract
from edgeagent.toolset import Toolset

pytestmark = pytest.mark.model
torch = pytest.importorskip("torch")

HOME_UTTERANCES = ["turn on the kitchen light", "what time is it", "order me a pizza"]


@pytest.fixture(scope="module")
def cases() -> list[Any]:
    return [
        *ToolRegistry().load_toolkit("smart_home").training_cases(400, seed=3),
        *ToolRegistry().load_toolkit("robot").training_cases(150, seed=3),
    ]


@pytest.fixture(scope="module")
def student(
    tmp_path_factory: pytest.TempPathFactory, cases: list[Any]
) -> tuple[Path, dict[str, Any]]:
    from edgeagent.students.distill import distill

    out = tmp_path_factory.mktemp("encoder") / "student"
    options = {"steps": 25, "batch_size": 8, "warmup": 5, "lora_rank": 4, "threads": 2}
    manifest = distill("encoder", cases, out, options=options)
    return out, manifest.model_dump()


@pytest.fixture(scope="module")
def home() -> Toolset:
    from edgeagent.factory import build_toolset

    return build_toolset(["smart_home"])


def _logits(folder: Path, home: Toolset) -> list[Any]:
    from edgeagent.students.encoder.infer import predict
    from edgeagent.students.encoder.model import load_student

    model, tok, config = load_student(folder)
    return [predict(model, tok, config.spec, Observation.of(u)) for u in HOME_UTTERANCES]


def test_training_writes_a_small_lora_student(student: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = student
    config = json.loads((folder / "student.json").read_text())
    assert config == manifest  # one manifest: what distill returns is what the folder says
    assert config["kind"] == "encoder" and config["toolkits"] == ["robot", "smart_home"]
    assert config["settings"]["weights"] == "lora"
    assert config["settings"]["heads"]["suites"] == ["robot", "smart_home"]
    assert (folder / "student.safetensors").stat().st_size < 3 * 2**20  # rank 4 + heads
    report = config["training"]
    bands = report["cases"] + report["held_aside"] + report["held_out_for_tests"]
    assert bands == 550 and report["skipped"] == 0
    assert 0.0 <= report["held_aside_accuracy"] <= 1.0
    assert config["calibration"]["temperature"] > 0


def test_fp32_and_int8_copies(
    student: tuple[Path, dict[str, Any]], home: Toolset, tmp_path: Path
) -> None:
    from edgeagent.students.encoder.compress import fp32_copy, int8_copy

    folder, _ = student
    fp32 = fp32_copy(folder, tmp_path / "fp32")
    int8 = int8_copy(fp32, tmp_path / "int8")
    ratio = (int8 / "student.safetensors").stat().st_size / (
        fp32 / "student.safetensors"
    ).stat().st_size
    assert ratio <= 0.30
    for a, b, c in zip(
        _logits(folder, home), _logits(fp32, home), _logits(int8, home), strict=True
    ):
        assert a.tools == pytest.approx(b.tools, abs=1e-4)  # merged LoRA == stored fp32
        assert abs(c.tools - a.tools).max() < 0.25  # int8 rounding moves logits a little


def test_structured_pruning_shrinks_and_reloads(student: tuple[Path, dict[str, Any]], cases: list[Any], tmp_path: Path) -> None:  # fmt: skip
    from edgeagent.students.encoder.compress import prune_structured
    from edgeagent.students.encoder.model import load_student
    from edgeagent.students.encoder.train import EncoderTrainConfig

    folder, _ = student
    tune = EncoderTrainConfig(steps=3, batch_size=8, warmup=1)
    pruned = prune_structured(folder, tmp_path / "pruned", 0.5, 0.5, cases[:64], tune)
    full, _, _ = load_student(folder)
    small, _, config = load_student(pruned)
    structure = config.settings.structure
    assert structure is not None
    assert structure.heads == [6] * 6 and structure.ffn == [768] * 6
    n = lambda m: sum(p.numel() for p in m.encoder.parameters())  # noqa: E731
    assert n(small) < 0.8 * n(full)


def test_magnitude_pruning_holds_its_zeros(student: tuple[Path, dict[str, Any]], cases: list[Any], tmp_path: Path) -> None:  # fmt: skip
    from edgeagent.students.encoder.compress import _linear_weights, prune_magnitude
    from edgeagent.students.encoder.model import load_student
    from edgeagent.students.encoder.train import EncoderTrainConfig

    folder, _ = student
    tune = EncoderTrainConfig(steps=3, batch_size=8, warmup=1, lr=1e-3)
    pruned = prune_magnitude(folder, tmp_path / "sparse", 0.5, cases[:64], tune)
    model, _, _ = load_student(pruned)
    weights = _linear_weights(model)
    zeros = sum(int((w == 0).sum()) for w in weights) / sum(w.numel() for w in weights)
    assert zeros >= 0.5 - 1e-3


class TestEncoderBrain(BrainContract):
    @pytest.fixture
    def brain(self, student: tuple[Path, dict[str, Any]]) -> Any:
        from edgeagent.students.encoder.brain import EncoderBrain

        with EncoderBrain(student[0]) as b:
            yield b

    def test_home_decisions_are_validated(self, brain: Any, home: Toolset) -> None:
        for text in HOME_UTTERANCES:
            d = brain.decide(Observation.of(text), home)
            assert d.kind in {"act", "noop", "invalid"} and 0.0 <= d.confidence <= 1.0
            assert d.tokens.prompt > 0 and d.raw
            assert home.validate_calls(d.calls) == d.calls

    def test_a_toolset_it_was_not_trained_for_is_an_invalid_decision(self, brain: Any, lamp_toolset: Toolset) -> None:  # fmt: skip
        d = brain.decide(Observation.of("turn on the desk lamp"), lamp_toolset)
        assert d.kind == "invalid" and "trained for robot, smart_home" in (d.reason or "")


def test_cli_distill_encoder_continues_a_student(student: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:  # fmt: skip
    from typer.testing import CliRunner

    from edgeagent.cli import app

    folder, _ = student
    out = tmp_path / "again"
    result = CliRunner().invoke(
        app,
        ["distill", "--student", "encoder", "--data", "gen:smart_home:60", "--steps", "2",
         "--batch", "4", "--init", str(folder), "--out", str(out), "--set", "holdout=0",
         "--set", "holdout_families=0", "--set", "holdout_names=0"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    config = json.loads((out / "student.json").read_text())
    before = json.loads((folder / "student.json").read_text())
    assert config["training"]["init"] == str(folder)
    assert config["training"]["previous"] == before["training"]  # the folder keeps its history
    # nothing held aside: the calibration is kept, the measure of the familiar is refitted on
    # this round's training requests with the encoder as it is now (not copied from the init)
    assert config["calibration"] == before["calibration"]
    assert "not refitted" in config["training"]["calibration"]
    old = Unfamiliarity.load(folder / UNFAMILIARITY_FILE)
    new = Unfamiliarity.load(out / UNFAMILIARITY_FILE)
    assert new.method == old.method and "refitted" in config["training"]["unfamiliarity"]
    if new.method == "knn":
        assert len(new.bank) == 60 != len(old.bank)
    else:
        assert not np.allclose(new.quantiles, old.quantiles)
    bad = CliRunner().invoke(
        app, ["distill", "--student", "nope", "--data", "gen:robot:5", "--out", str(out)]
    )
    assert bad.exit_code == 2 and "--student" in bad.output


# -- the exported form (llama.cpp) -----------------------------------------------------------
def _hidden_pair(torch_folder: Path, exported: Path) -> list[tuple[Any, Any]]:
    """(torch fp32, exported) hidden states for the home utterances."""
    from edgeagent.students.encoder.gguf_runtime import load_exported
    from edgeagent.students.encoder.heads import input_texts
    from edgeagent.students.encoder.infer import TorchRuntime
    from edgeagent.students.encoder.model import load_student, read_folder
    from edgeagent.students.encoder.tokenization import TransformersTokenizer

    module, tok, found = load_student(torch_folder)
    ours, _, _ = load_exported(exported, read_folder(exported))
    pairs = []
    for text in HOME_UTTERANCES:
        enc = TransformersTokenizer(tok).encode_pair(
            input_texts(Observation.of(text, area="Kitchen"), found.spec.context_keys), 128
        )
        ids, types = np.array(enc.input_ids), np.array(enc.token_type_ids)
        pairs.append((TorchRuntime(module).hidden(ids, types), ours.runtime.hidden(ids, types)))
    ours.close()
    return pairs


def test_export_is_deterministic_and_computes_what_torch_computes(
    student: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    from edgeagent.students.encoder.export import export_student

    folder, _ = student
    one = export_student(folder, tmp_path / "one")
    export_student(folder, tmp_path / "two")
    for name in one.files.values():
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert one.settings["runtime"] == "llama.cpp" and one.training["export"]["from"] == str(folder)
    for torch_h, ours in _hidden_pair(folder, tmp_path / "one"):
        assert ours.shape == torch_h.shape
        assert np.abs(ours - torch_h).max() < 0.15  # int8 weights and embeddings
        assert np.abs(ours - torch_h).mean() < 0.02
    # the exported brain decides as the torch one does, and its confidences are close
    from edgeagent.factory import build_toolset

    home = build_toolset(["smart_home"])
    with EncoderBrain(folder, int8=False) as t, EncoderBrain(tmp_path / "one") as e:
        for text in HOME_UTTERANCES:
            a, b = t.decide(Observation.of(text), home), e.decide(Observation.of(text), home)
            assert a.calls == b.calls and abs(a.confidence - b.confidence) < 0.05


def test_export_copies_the_arrays_a_folder_declares(
    student: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """Another signal's arrays (e.g. unfamiliarity statistics) travel to the exported form."""
    import shutil

    from edgeagent.students import read_manifest, write_manifest
    from edgeagent.students.encoder.arrays import write_arrays
    from edgeagent.students.encoder.export import export_student

    folder = Path(shutil.copytree(student[0], tmp_path / "torch"))
    write_arrays(folder / "pooled-stats.npz", {"mean": np.ones(384, np.float32)})
    manifest = read_manifest(folder)
    manifest.files["unfamiliarity"] = "pooled-stats.npz"
    write_manifest(manifest, folder)
    out = export_student(folder, tmp_path / "exported")
    assert out.files["unfamiliarity"] == "pooled-stats.npz" and "weights" not in out.files
    copied = tmp_path / "exported" / "pooled-stats.npz"
    assert copied.read_bytes() == (folder / "pooled-stats.npz").read_bytes()
    # re-exporting over it replaces the student's own files and nothing else
    (tmp_path / "exported" / "notes.txt").write_text("mine")
    export_student(folder, tmp_path / "exported")
    assert (tmp_path / "exported" / "notes.txt").read_text() == "mine"
    with pytest.raises(ConfigError, match="not empty"):
        export_student(folder, tmp_path / "torch" / "..")


def test_a_pruned_student_exports_at_full_width(
    student: tuple[Path, dict[str, Any]], cases: list[Any], tmp_path: Path
) -> None:
    """Removed heads and neurons come back as zeros: llama.cpp's BERT needs full layers, and
    the padded layers compute what the pruned ones did."""
    from edgeagent.students.encoder.compress import prune_structured
    from edgeagent.students.encoder.export import export_student
    from edgeagent.students.encoder.train import EncoderTrainConfig

    tune = EncoderTrainConfig(steps=2, batch_size=8, warmup=1)
    pruned = prune_structured(student[0], tmp_path / "pruned", 0.5, 0.5, cases[:32], tune)
    manifest = export_student(pruned, tmp_path / "exported")
    assert manifest.training["export"]["pruned_structure"]["heads"] == [6] * 6
    for torch_h, ours in _hidden_pair(pruned, tmp_path / "exported"):
        assert np.abs(ours - torch_h).mean() < 0.02
