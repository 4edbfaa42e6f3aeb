"""The exported encoder student on llama.cpp: no torch, no transformers.

The input embeddings (word row + segment row, see
:mod:`edgeagent.students.encoder.gguf_export`) are made in numpy and handed to llama.cpp,
which runs the layers (Q8_0 weights) once over the whole input without a causal mask and
returns every token's last hidden state. One context is kept for the student's lifetime;
each input clears its memory first, so inputs never see each other.

Thread count: one by default. A decision reads 10-60 tokens, where a second llama.cpp
thread saves little and, on a busy device, costs a lot (llama.cpp's worker threads spin
while they wait for a core). Not safe to call from two threads at once (one batch buffer).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np

from edgeagent.errors import BrainError, MissingDependencyError
from edgeagent.students.encoder.arrays import read_arrays
from edgeagent.students.encoder.infer import EncoderModel, LinearHeads
from edgeagent.students.encoder.model import EncoderFolder
from edgeagent.students.encoder.tokenization import FastTokenizer


def llama_module() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:  # pragma: no cover - llama-cpp-python is a core dependency
        raise MissingDependencyError("llama-cpp-python", None) from exc
    return llama_cpp


def _quietly() -> Any:
    """llama.cpp's load-time logging silenced (what ``llama_cpp.Llama(verbose=False)`` does)."""
    from llama_cpp._utils import suppress_stdout_stderr

    return suppress_stdout_stderr(disable=False)


class GGUFRuntime:
    """Hidden states of the exported encoder (``encoder.gguf`` + ``embeddings.npz``).

    Args:
        model_path: the GGUF with the layers.
        embeddings_path: the ``.npz`` with the word rows, their scales and the segment rows.
        max_tokens: the longest input (the student's ``max_len``).
        threads: llama.cpp threads (default 1: see the module's note).
    """

    def __init__(
        self,
        model_path: str | Path,
        embeddings_path: str | Path,
        *,
        max_tokens: int,
        threads: int | None = None,
    ) -> None:
        llama = llama_module()
        self._llama = llama
        self._model: Any = None
        self._ctx: Any = None
        self._batch: Any = None
        arrays = read_arrays(embeddings_path)
        self.words, self.scales = arrays["words"], arrays["word_scales"]
        self.segments = arrays["segments"]
        self.hidden_size = int(self.words.shape[1])
        self.max_tokens = max_tokens
        with _quietly():
            self._model = llama.llama_model_load_from_file(
                str(model_path).encode(), llama.llama_model_default_params()
            )
            if not self._model:
                raise BrainError(f"llama.cpp could not load {model_path}")
            params = llama.llama_context_default_params()
            params.n_ctx = params.n_batch = params.n_ubatch = max_tokens
            params.n_threads = params.n_threads_batch = threads or 1
            params.embeddings = True
            params.pooling_type = llama.LLAMA_POOLING_TYPE_NONE
            self._ctx = llama.llama_init_from_model(self._model, params)
        if not self._ctx:
            self.close()
            raise BrainError(f"llama.cpp could not make a context for {model_path}")
        if llama.llama_model_n_embd(self._model) != self.hidden_size:
            self.close()
            raise BrainError(f"{model_path} and {embeddings_path} disagree on the hidden size")
        self._batch = llama.llama_batch_init(max_tokens, self.hidden_size, 1)
        self._embd = np.ctypeslib.as_array(self._batch.embd, shape=(max_tokens, self.hidden_size))
        for i in range(max_tokens):  # every input is one sequence from position 0
            self._batch.pos[i] = i
            self._batch.n_seq_id[i] = 1
            self._batch.seq_id[i][0] = 0
            self._batch.logits[i] = 1
        self._memory = llama.llama_get_memory(self._ctx)

    def embed(self, input_ids: np.ndarray, token_type_ids: np.ndarray) -> np.ndarray:
        """The input embeddings ``[tokens, hidden]``: word row × its scale + segment row."""
        return self.words[input_ids] * self.scales[input_ids, None] + self.segments[token_type_ids]

    def hidden(self, input_ids: np.ndarray, token_type_ids: np.ndarray) -> np.ndarray:
        if self._ctx is None:
            raise BrainError("the encoder runtime is closed")
        n = len(input_ids)
        if not 0 < n <= self.max_tokens:
            raise BrainError(f"an input of {n} tokens (the student reads 1 to {self.max_tokens})")
        self._embd[:n] = self.embed(input_ids, token_type_ids)
        self._batch.n_tokens = n
        llama = self._llama
        llama.llama_memory_clear(self._memory, True)
        if llama.llama_encode(self._ctx, self._batch) != 0:
            raise BrainError("llama.cpp failed to run the encoder")
        out = llama.llama_get_embeddings(self._ctx)
        return np.ctypeslib.as_array(out, shape=(n * self.hidden_size,)).reshape(n, -1).copy()

    def parameter_count(self) -> int:
        """Parameters of the layers (llama.cpp's count) and of the input embeddings."""
        llama = self._llama
        return int(llama.llama_model_n_params(self._model)) + int(
            self.words.size + self.segments.size
        )

    def close(self) -> None:
        """Free llama.cpp's context and model (idempotent)."""
        if self._batch is None and self._ctx is None and self._model is None:
            return
        llama = self._llama
        with _quietly():  # llama.cpp reports what it frees
            if self._batch is not None:
                llama.llama_batch_free(self._batch)
                self._batch = None
            if self._ctx is not None:
                llama.llama_free(self._ctx)
                self._ctx = None
            if self._model is not None:
                llama.llama_model_free(self._model)
                self._model = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter shutdown anything may be gone
            self.close()


EXPORTED_FILES = {
    "encoder": "encoder-q8_0.gguf",
    "embeddings": "embeddings.npz",
    "heads": "heads.npz",
    "tokenizer": "tokenizer.json",
}  # role -> file name in an exported student folder


def load_exported(
    folder: str | Path, found: EncoderFolder, *, threads: int | None = None
) -> tuple[EncoderModel, FastTokenizer, GGUFRuntime]:
    """The runnable student, its tokenizer and its runtime from an exported folder
    (``found``: what its manifest says)."""
    root = Path(folder)
    files = found.manifest.files
    missing = [role for role in EXPORTED_FILES if not (root / files.get(role, "")).is_file()]
    if missing:
        raise BrainError(f"{folder}: the exported student lacks its {', '.join(missing)} file")
    runtime = GGUFRuntime(
        root / files["encoder"],
        root / files["embeddings"],
        max_tokens=found.spec.max_len,
        threads=threads,
    )
    heads = LinearHeads(found.spec, read_arrays(root / files["heads"]))
    return EncoderModel(runtime, heads), FastTokenizer(root / files["tokenizer"]), runtime
