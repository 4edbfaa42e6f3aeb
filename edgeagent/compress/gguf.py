"""GGUF files with llama.cpp's tools: quantize a model, read edgeagent's metadata keys.

Needs only llama-cpp-python and the ``gguf`` package (both core dependencies), not torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edgeagent.errors import ConfigError, MissingDependencyError

# llama.cpp's quantization types (enum llama_ftype) by name
QUANT_TYPES = {
    "F32": 0,
    "F16": 1,
    "Q4_0": 2,
    "Q4_1": 3,
    "Q8_0": 7,
    "Q5_K_M": 17,
    "Q4_K_M": 15,
    "Q6_K": 18,
}


def gguf_module() -> Any:
    try:
        import gguf
    except ImportError as exc:
        raise MissingDependencyError("gguf", None) from exc
    return gguf


# ggml tensor types a token embedding may be stored in (block size 32: any row width works)
EMBEDDING_TYPES = {"Q4_0": 2, "Q4_1": 3, "Q5_0": 6, "Q5_1": 7, "Q8_0": 8, "F16": 1}


def quantize(
    src: str | Path,
    dst: str | Path,
    kind: str = "Q4_K_M",
    *,
    threads: int = 0,
    token_embedding: str | None = None,
) -> Path:
    """Quantize a F16/F32 GGUF with llama.cpp's quantizer (through llama-cpp-python).

    ``token_embedding`` overrides the type of the token embedding (llama.cpp's
    ``--token-embedding-type``): K-quants need rows divisible by 256, so for narrow models
    (SmolLM2's 576) llama.cpp falls back to Q8_0 for it, and in a small model with a large
    vocabulary that one tensor is a third of the file."""
    import llama_cpp

    if kind not in QUANT_TYPES:
        raise ConfigError(f"unknown quantization {kind!r}; choose from {', '.join(QUANT_TYPES)}")
    if token_embedding is not None and token_embedding not in EMBEDDING_TYPES:
        raise ConfigError(
            f"unknown token embedding type {token_embedding!r}; choose from {', '.join(EMBEDDING_TYPES)}"
        )
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = QUANT_TYPES[kind]
    params.nthread = threads
    if token_embedding is not None:
        params.token_embedding_type = EMBEDDING_TYPES[token_embedding]
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), params)
    if rc != 0:
        raise ConfigError(f"llama.cpp could not quantize {src} to {kind} (code {rc})")
    return Path(dst)


def read_metadata(path: str | Path) -> dict[str, str]:
    """The ``edgeagent.*`` string keys of a GGUF file."""
    gguf = gguf_module()
    reader = gguf.GGUFReader(str(path))
    out: dict[str, str] = {}
    for field in reader.fields.values():
        if field.name.startswith("edgeagent."):
            out[field.name.removeprefix("edgeagent.")] = bytes(field.parts[field.data[0]]).decode()
    return out
