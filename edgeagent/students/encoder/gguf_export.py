"""The encoder student's layers as a GGUF file for llama.cpp, and its input embeddings as numpy.

llama.cpp runs BERT-architecture encoders, but its graph adds the *first* segment's type
embedding to every token, and the student reads a sentence pair (the words, then the
context, whose tokens carry the second segment's). So the student's input embeddings are
made outside llama.cpp: the word's row (int8 with one scale per row) plus the segment's row,
in numpy, passed to llama.cpp as embeddings (``embeddings.npz``). The GGUF holds the rest:
position embeddings, the normalisations and every layer, matrices in Q8_0 (int8 in blocks
of 32 with one scale each), vectors in F32; its token table and segment table are zeros and
its vocabulary is the special tokens only (llama.cpp needs both to load a BERT model; the
student tokenizes with its ``tokenizer.json``).

Structured-pruned layers are written at full width, the removed heads and neurons as zeros:
a head whose query, key and value are zero contributes nothing, nor does a zero neuron
(GELU(0) = 0), so the dense layers compute what the pruned ones did.

Needs numpy and the ``gguf`` package only; the quantization is numpy's, so the same weights
always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edgeagent.compress.gguf import gguf_module
from edgeagent.errors import ConfigError
from edgeagent.students.encoder.arrays import int8_rows

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
# HF BertModel names → llama.cpp's per-layer tensor names
_LAYER = {
    "attention.self.query": "attn_q",
    "attention.self.key": "attn_k",
    "attention.self.value": "attn_v",
    "attention.output.dense": "attn_output",
    "attention.output.LayerNorm": "attn_output_norm",
    "intermediate.dense": "ffn_up",
    "output.dense": "ffn_down",
    "output.LayerNorm": "layer_output_norm",
}
_MATRICES = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_up", "ffn_down"}


@dataclass(frozen=True)
class EncoderShape:
    """The unpruned encoder's dimensions (a transformers ``BertConfig``'s)."""

    hidden: int
    heads: int
    layers: int
    ffn: int
    positions: int
    eps: float

    @property
    def head_size(self) -> int:
        return self.hidden // self.heads


def densify(state: Mapping[str, np.ndarray], shape: EncoderShape) -> dict[str, np.ndarray]:
    """``state`` (a BertModel's weights) with every pruned layer zero-padded to full width."""
    out = dict(state)
    for i in range(shape.layers):
        p = f"encoder.layer.{i}."
        for name in ("query", "key", "value"):
            _pad_rows(out, f"{p}attention.self.{name}", shape.hidden)
        _pad_cols(out, f"{p}attention.output.dense.weight", shape.hidden)
        _pad_rows(out, f"{p}intermediate.dense", shape.ffn)
        _pad_cols(out, f"{p}output.dense.weight", shape.ffn)
    return out


def _pad_rows(state: dict[str, np.ndarray], name: str, rows: int) -> None:
    w, b = state[f"{name}.weight"], state[f"{name}.bias"]
    if w.shape[0] > rows:
        raise ConfigError(f"{name} has {w.shape[0]} rows, more than the encoder's {rows}")
    state[f"{name}.weight"] = np.pad(w, ((0, rows - w.shape[0]), (0, 0)))
    state[f"{name}.bias"] = np.pad(b, (0, rows - b.shape[0]))


def _pad_cols(state: dict[str, np.ndarray], name: str, cols: int) -> None:
    w = state[name]
    state[name] = np.pad(w, ((0, 0), (0, cols - w.shape[1])))


def input_embeddings(state: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays of ``embeddings.npz``: word rows as int8 with one scale per row
    (symmetric), and the segment rows (fp32)."""
    q, scales = int8_rows(state["embeddings.word_embeddings.weight"])
    segments = np.asarray(state["embeddings.token_type_embeddings.weight"], dtype=np.float32)
    return {"words": q, "word_scales": scales, "segments": segments}


def write_encoder_gguf(
    state: Mapping[str, np.ndarray], shape: EncoderShape, path: str | Path, *, name: str
) -> Path:
    """Write the encoder's layers (``state``: a BertModel's weights, fp32, unpruned shapes)
    as a BERT GGUF taking input embeddings: matrices Q8_0, everything else F32."""
    gguf = gguf_module()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    w = gguf.GGUFWriter(str(out), "bert")
    w.add_name(name)
    w.add_description(
        "The transformer layers of an edgeagent encoder student. Its inputs are embeddings"
        " (word + segment rows, from the student folder's embeddings.npz), not token ids."
    )
    w.add_context_length(shape.positions)
    w.add_embedding_length(shape.hidden)
    w.add_feed_forward_length(shape.ffn)
    w.add_head_count(shape.heads)
    w.add_block_count(shape.layers)
    w.add_layer_norm_eps(shape.eps)
    w.add_causal_attention(False)
    w.add_pooling_type(gguf.PoolingType.NONE)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    w.add_tokenizer_model("bert")
    w.add_token_type_count(2)
    w.add_token_list(list(SPECIAL_TOKENS))
    w.add_token_types([gguf.TokenType.CONTROL] * len(SPECIAL_TOKENS))
    w.add_pad_token_id(0)
    w.add_unk_token_id(1)
    w.add_bos_token_id(2)
    w.add_eos_token_id(3)
    w.add_mask_token_id(4)

    def f32(key: str, array: np.ndarray) -> None:
        w.add_tensor(key, np.ascontiguousarray(array, dtype=np.float32))

    def q8(key: str, array: np.ndarray) -> None:
        data = np.ascontiguousarray(array, dtype=np.float32)
        q = gguf.quants.quantize(data, gguf.GGMLQuantizationType.Q8_0)
        w.add_tensor(key, q, raw_dtype=gguf.GGMLQuantizationType.Q8_0)

    f32("token_embd.weight", np.zeros((len(SPECIAL_TOKENS), shape.hidden)))
    f32("token_types.weight", np.zeros((2, shape.hidden)))
    f32("position_embd.weight", state["embeddings.position_embeddings.weight"])
    f32("token_embd_norm.weight", state["embeddings.LayerNorm.weight"])
    f32("token_embd_norm.bias", state["embeddings.LayerNorm.bias"])
    for i in range(shape.layers):
        for hf, ours in _LAYER.items():
            key = f"blk.{i}.{ours}"
            weight = state[f"encoder.layer.{i}.{hf}.weight"]
            (q8 if ours in _MATRICES else f32)(f"{key}.weight", weight)
            f32(f"{key}.bias", state[f"encoder.layer.{i}.{hf}.bias"])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out
