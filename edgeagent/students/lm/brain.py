"""Running an LM student: the GGUF brain on its base model with its adapter (folded in and
cached by default), or on its own GGUF."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from edgeagent.assets import cache_dir, resolve_model_path, resolve_packaged
from edgeagent.brains.gguf import GGUFBrain
from edgeagent.errors import ConfigError


def lm_brain(folder: Path, *, merge: bool = True, **options: Any) -> GGUFBrain:
    """The GGUF brain running the LM student in ``folder``.

    A LoRA student (``files.adapter``) runs on its base model: with ``merge`` (default) the
    adapter is folded into a Q8_0 copy of the base, built on first use and cached (~15 s
    once): it decides like base + adapter without the adapter's work on every token (robot
    requests, long context: p50 954 -> 725 ms here); folding into 4 bits would lose the
    adapter's small updates in the rounding. A full student (``files.model``) is its own GGUF.
    """
    from edgeagent.students import read_manifest

    manifest = read_manifest(folder)
    files = manifest.files
    if "model" in files:
        return GGUFBrain(folder / files["model"], **options)
    if "adapter" not in files:
        raise ConfigError(f"{folder}: an LM student names a 'model' or an 'adapter' file")
    base = resolve_packaged(manifest.base)
    adapter = folder / files["adapter"]
    if not merge:
        return GGUFBrain(base, adapter=adapter, **options)
    options.setdefault("name", f"gguf:{base.stem}+{adapter.stem}")
    quant = str(manifest.settings.get("merge_quant", "Q8_0"))
    return GGUFBrain(merged_model(base, adapter, quant), **options)


def lm_student(
    model_path: str | Path | None = None,
    *,
    adapter: str | Path | None = None,
    merge: bool = True,
    **options: Any,
) -> GGUFBrain:
    """The ``lm`` brain plugin: the LM student edgeagent ships (or the student folder
    ``model_path``); ``adapter`` runs another adapter GGUF on the base model instead."""
    from edgeagent.students import bundled, is_student_folder

    if model_path is not None and is_student_folder(model_path):
        return lm_brain(Path(model_path), merge=merge, **options)
    if adapter is None and model_path is None:
        return lm_brain(bundled("lm"), merge=merge, **options)
    base = resolve_model_path(model_path)
    lora = Path(adapter) if adapter is not None else bundled("lm") / "student-lora.gguf"
    if not merge:
        return GGUFBrain(base, adapter=lora, **options)
    options.setdefault("name", f"gguf:{base.stem}+{lora.stem}")
    return GGUFBrain(merged_model(base, lora, "Q8_0"), **options)


def merged_model(base: Path, adapter: Path, quant: str = "Q8_0") -> Path:
    """``base`` with ``adapter`` folded in, built on first use and cached (a few seconds).

    The cache key covers both files' contents, so a new adapter builds anew.
    """
    from edgeagent.students.lm.gguf_export import merge_lora

    digest = hashlib.sha256()
    for f in (base, adapter):
        stat = f.stat()
        digest.update(f"{f.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|".encode())
    digest.update(adapter.read_bytes())
    out = (
        cache_dir()
        / "models"
        / f"{base.stem}+{adapter.stem}-{digest.hexdigest()[:16]}-{quant.lower()}.gguf"
    )
    if not out.is_file():
        tmp = out.with_name(out.stem + f".{os.getpid()}.part.gguf")
        try:
            _quietly(lambda: merge_lora(base, adapter, tmp, quant=quant))
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
    return out


def _quietly(fn: Any) -> Any:
    """Run ``fn`` with llama.cpp's C-level logging (e.g. the quantizer's) silenced."""
    try:
        from llama_cpp._utils import suppress_stdout_stderr
    except ImportError:  # pragma: no cover - an older llama-cpp-python
        return fn()
    with suppress_stdout_stderr(disable=False):
        return fn()
