"""Which local brain edgeagent picks when none is named."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from edgeagent import models
from edgeagent.errors import ConfigError
from edgeagent.factory import default_brain_name


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    adapter = tmp_path / "student.gguf"
    monkeypatch.setattr(models, "BUNDLED_ADAPTER", adapter)
    monkeypatch.setattr(models, "BUNDLED_ADAPTER_INFO", tmp_path / "distill.json")
    monkeypatch.setattr(models, "BUNDLED_ENCODER", tmp_path / "no-encoder")
    return adapter


def test_the_encoder_student_comes_first_where_its_runtime_is_installed(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped.write_bytes(b"GGUF")
    (shipped.parent / "distill.json").write_text(json.dumps({"suites": ["smart_home", "robot"]}))
    encoder = shipped.parent / "encoder"
    encoder.mkdir()
    (encoder / "student.json").write_text(json.dumps({"spec": {"suites": ["smart_home"]}}))
    monkeypatch.setattr(models, "BUNDLED_ENCODER", encoder)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert default_brain_name(["smart_home"]) == "encoder"
    assert default_brain_name(["robot"]) == "student"  # the encoder was not trained for it
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "torch" else object()
    )
    assert default_brain_name(["smart_home"]) == "student"  # no torch: the GGUF student


def test_the_shipped_encoder_student_is_small_and_described() -> None:
    config = json.loads((models.BUNDLED_ENCODER / "student.json").read_text())
    assert config["weights"] == "lora" and set(config["spec"]["suites"]) == {"smart_home", "robot"}
    assert "calibration" in config["training"]
    assert (models.BUNDLED_ENCODER / "student.safetensors").stat().st_size < 8 * 2**20
    tracked = [models.BUNDLED_ADAPTER, *models.BUNDLED_ENCODER.iterdir()]
    assert sum(f.stat().st_size for f in tracked) < 20 * 2**20


def test_the_student_serves_the_worlds_it_was_trained_for(shipped: Path) -> None:
    shipped.write_bytes(b"GGUF")
    (shipped.parent / "distill.json").write_text(json.dumps({"suites": ["smart_home", "robot"]}))
    assert default_brain_name(["smart_home"]) == "student"
    assert default_brain_name(["robot", "smart_home"]) == "student"
    assert default_brain_name(["smart_home", "garden"]) == "gguf"  # a world it never saw
    assert default_brain_name(["bfcl"]) == "gguf"
    assert models.bundled_adapter_path() == shipped


def test_without_the_adapter_the_zero_shot_brain_is_the_default(shipped: Path) -> None:
    assert default_brain_name(["smart_home"]) == "gguf"
    with pytest.raises(ConfigError, match="missing"):
        models.bundled_adapter_path()


def test_the_committed_student_is_small_and_described() -> None:
    """The repository keeps its artefacts small: the shipped adapter stays under 20 MB."""
    if not models.BUNDLED_ADAPTER.is_file():
        pytest.fail(f"{models.BUNDLED_ADAPTER} is not in the repository")
    assert models.BUNDLED_ADAPTER.stat().st_size < 20 * 2**20
    info = json.loads(models.BUNDLED_ADAPTER_INFO.read_text())
    assert set(info["suites"]) == {"smart_home", "robot"} and "command" in info


@pytest.mark.model
def test_the_student_brain_folds_its_adapter_in_once() -> None:
    from edgeagent.brains.gguf import GGUFBrain

    first = GGUFBrain.student()
    built = first.model_path
    assert built.parent == models.cache_dir() / "models" and built.stat().st_size > 50 * 2**20
    stamp = built.stat().st_mtime_ns
    again = GGUFBrain.student()
    assert again.model_path == built and built.stat().st_mtime_ns == stamp  # cached, not rebuilt
    assert first.name == "gguf:SmolLM2-135M-Instruct.Q4_1+student-lora"
    assert first.prompt.compact  # the adapter's prompt style travels into the merged model
    first.close()
