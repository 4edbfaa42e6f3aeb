"""One forward pass of the encoder student: the heads' logits for an observation.

The pass has a seam: an :class:`EncoderRuntime` maps one tokenized input to the encoder's
per-token hidden states (numpy), and :class:`LinearHeads` (numpy) turns those states into the
tool, value and span logits. Two runtimes exist: :class:`TorchRuntime` (the torch module, for
training and comparison) and the exported one
(:class:`~edgeagent.students.encoder.gguf_runtime.GGUFRuntime`, llama.cpp, no torch). The
heads and the decoding are the same numpy code for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from edgeagent.datamodel import Observation
from edgeagent.students.encoder.heads import Encoded, HeadSpec, input_texts
from edgeagent.students.encoder.tokenization import as_text_tokenizer
from edgeagent.students.training import require_torch

HEAD_NAMES = ("tool_head", "class_head", "span_head")


@dataclass
class Logits:
    """One observation through the student: its tokens, the heads' logits, and the pooled
    embedding the heads read (what unfamiliarity is measured on)."""

    enc: Encoded
    tools: np.ndarray  # [slots, tools]
    classes: np.ndarray  # [slots, n_classes]
    spans: np.ndarray  # [tokens, slots * args, 2]
    pooled: np.ndarray  # [hidden]


@runtime_checkable
class EncoderRuntime(Protocol):
    """Runs the encoder: token ids and segment ids in, per-token hidden states out."""

    def hidden(self, input_ids: np.ndarray, token_type_ids: np.ndarray) -> np.ndarray:
        """The last layer's states, ``[tokens, hidden]`` float32, for one unpadded input."""
        ...


@dataclass(frozen=True)
class LinearHeads:
    """The tool, value and span heads as numpy matrices (``[out, hidden]``, as torch stores
    a linear layer) with their biases."""

    spec: HeadSpec
    weights: Mapping[str, np.ndarray]  # "tool_head.weight", "tool_head.bias", ...

    @classmethod
    def from_module(cls, student: Any) -> LinearHeads:
        """The heads of a torch student (read before any int8 conversion of the module)."""
        weights = {
            f"{name}.{part}": getattr(getattr(student, name), part).detach().float().cpu().numpy()
            for name in HEAD_NAMES
            for part in ("weight", "bias")
        }
        return cls(student.spec, weights)

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in self.weights.items()}

    def __call__(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(tools, classes, spans, pooled) from one input's hidden states ``[tokens, hidden]``;
        pooled is their mean (the input is unpadded: every token counts).

        ``einsum`` rather than ``@``: these products are tiny, and ``@`` hands them to a
        multi-threaded BLAS whose threads then spin beside the encoder's (measured: 2-12 ms a
        decision on two busy cores, against 0.3 ms here)."""
        s, w = self.spec, self.weights
        pooled = h.mean(axis=0)
        tools = np.einsum("j,kj->k", pooled, w["tool_head.weight"]) + w["tool_head.bias"]
        classes = np.einsum("j,kj->k", pooled, w["class_head.weight"]) + w["class_head.bias"]
        spans = np.einsum("ij,kj->ik", h, w["span_head.weight"]) + w["span_head.bias"]
        return (
            tools.reshape(s.slots, len(s.tools)),
            classes.reshape(s.slots, s.n_classes),
            spans.reshape(h.shape[0], s.slots * len(s.args), 2),
            pooled,
        )


@dataclass
class EncoderModel:
    """A runnable student: the encoder runtime and the numpy heads."""

    runtime: EncoderRuntime
    heads: LinearHeads

    def close(self) -> None:
        close = getattr(self.runtime, "close", None)
        if close is not None:
            close()


class TorchRuntime:
    """The torch student's encoder (fp32, or with torch's dynamic int8 linear layers)."""

    def __init__(self, student: Any) -> None:
        self.student = student

    def hidden(self, input_ids: np.ndarray, token_type_ids: np.ndarray) -> np.ndarray:
        torch = require_torch()
        ids = torch.as_tensor(np.asarray(input_ids, dtype=np.int64))[None]
        types = torch.as_tensor(np.asarray(token_type_ids, dtype=np.int64))[None]
        with torch.inference_mode():
            h, _ = self.student.features(ids, torch.ones_like(ids), types)
        return h[0].float().numpy()


def as_model(student: Any) -> EncoderModel:
    """``student`` when it is an :class:`EncoderModel`, else a torch student wrapped."""
    if isinstance(student, EncoderModel):
        return student
    return EncoderModel(TorchRuntime(student), LinearHeads.from_module(student))


def predict(student: Any, tokenizer: Any, spec: HeadSpec, observation: Observation) -> Logits:
    """The heads' logits for one observation.

    ``student``: an :class:`EncoderModel` (exported or torch) or a torch student module;
    ``tokenizer``: a :class:`~edgeagent.students.encoder.tokenization.TextTokenizer` or a
    transformers tokenizer."""
    model = as_model(student)
    enc = as_text_tokenizer(tokenizer).encode_pair(
        input_texts(observation, spec.context_keys), spec.max_len
    )
    h = model.runtime.hidden(
        np.asarray(enc.input_ids, dtype=np.int64), np.asarray(enc.token_type_ids, dtype=np.int64)
    )
    tools, classes, spans, pooled = model.heads(h)
    return Logits(enc, tools, classes, spans, pooled)
