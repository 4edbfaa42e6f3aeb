"""Export a transformers Llama-architecture causal LM (the LM student) to GGUF, write and
read its LoRA adapters, and fold an adapter into its base.

The writer uses the ``gguf`` package. Tokenizer and chat-template metadata are copied from a
template GGUF (the model the student was initialised from, e.g. SmolLM2), so llama.cpp
tokenizes exactly as transformers did during training. Keys under ``edgeagent.`` carry what
the GGUF brain needs to prompt the model the way it was trained.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from edgeagent.compress.gguf import gguf_module, quantize, read_metadata
from edgeagent.errors import ConfigError


def _permute(w: np.ndarray, n_head: int) -> np.ndarray:
    """HF's rotary layout → llama.cpp's (the inverse of what transformers undoes on load)."""
    return (
        w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
        .swapaxes(1, 2)
        .reshape(w.shape)
    )


def _unpermute(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's rotary layout → HF's (inverse of :func:`_permute`)."""
    return (
        w.reshape(n_head, w.shape[0] // n_head // 2, 2, *w.shape[1:])
        .swapaxes(1, 2)
        .reshape(w.shape)
    )


def _copy_tokenizer(reader: Any, writer: Any) -> None:
    _copy_fields(reader, writer, lambda name: name.startswith("tokenizer."))


def _copy_fields(reader: Any, writer: Any, keep: Any) -> None:
    """Copy the metadata fields whose name ``keep(name)`` accepts."""
    gguf = gguf_module()
    for field in reader.fields.values():
        name = field.name
        if not keep(name):
            continue
        vtype = field.types[0]
        if vtype == gguf.GGUFValueType.ARRAY:
            sub = field.types[1] if len(field.types) > 1 else gguf.GGUFValueType.STRING
            if sub == gguf.GGUFValueType.STRING:
                values = [
                    bytes(field.parts[i]).decode("utf-8", errors="replace") for i in field.data
                ]
            else:
                values = [field.parts[i].tolist()[0] for i in field.data]
            writer.add_array(name, values)
        elif vtype == gguf.GGUFValueType.STRING:
            writer.add_string(
                name, bytes(field.parts[field.data[0]]).decode("utf-8", errors="replace")
            )
        else:
            value = field.parts[field.data[0]].tolist()[0]
            writer.add_key_value(name, value, vtype)


def export_llama(
    model: Any,
    out_path: str | Path,
    *,
    template_gguf: str | Path,
    dtype: str = "F16",
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Write a ``LlamaForCausalLM`` (transformers) as a GGUF file llama.cpp can run.

    Args:
        model: the transformers model (Llama architecture; tied or separate output head).
        out_path: where to write the ``.gguf``.
        template_gguf: a GGUF whose tokenizer metadata is copied (same vocabulary).
        dtype: ``F16`` or ``F32`` for the matrices (norms stay F32).
        metadata: extra string keys (written under ``edgeagent.``).
    """
    gguf = gguf_module()
    cfg = model.config
    if getattr(cfg, "model_type", "") != "llama":
        raise ConfigError(
            f"only Llama-architecture models export to GGUF here, not {cfg.model_type!r}"
        )
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    reader = gguf.GGUFReader(str(template_gguf))
    writer = gguf.GGUFWriter(str(out), "llama")
    n_head = cfg.num_attention_heads
    n_kv = getattr(cfg, "num_key_value_heads", None) or n_head
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // n_head
    ftype = gguf.LlamaFileType.MOSTLY_F16 if dtype == "F16" else gguf.LlamaFileType.ALL_F32
    writer.add_name(str(getattr(cfg, "_name_or_path", "") or "edgeagent-student"))
    writer.add_context_length(int(cfg.max_position_embeddings))
    writer.add_embedding_length(int(cfg.hidden_size))
    writer.add_block_count(int(cfg.num_hidden_layers))
    writer.add_feed_forward_length(int(cfg.intermediate_size))
    writer.add_head_count(int(n_head))
    writer.add_head_count_kv(int(n_kv))
    writer.add_rope_dimension_count(int(head_dim))
    writer.add_rope_freq_base(float(getattr(cfg, "rope_theta", 10000.0)))
    writer.add_layer_norm_rms_eps(float(cfg.rms_norm_eps))
    writer.add_vocab_size(int(cfg.vocab_size))
    writer.add_file_type(int(ftype))
    for key, value in (metadata or {}).items():
        writer.add_string(f"edgeagent.{key}", str(value))
    _copy_tokenizer(reader, writer)

    state = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
    mat = np.float16 if dtype == "F16" else np.float32

    def add(name: str, array: np.ndarray, *, matrix: bool = True) -> None:
        writer.add_tensor(name, np.ascontiguousarray(array.astype(mat if matrix else np.float32)))

    add("token_embd.weight", state["model.embed_tokens.weight"])
    for i in range(cfg.num_hidden_layers):
        p = f"model.layers.{i}."
        add(f"blk.{i}.attn_norm.weight", state[p + "input_layernorm.weight"], matrix=False)
        add(f"blk.{i}.attn_q.weight", _permute(state[p + "self_attn.q_proj.weight"], n_head))
        add(f"blk.{i}.attn_k.weight", _permute(state[p + "self_attn.k_proj.weight"], n_kv))
        add(f"blk.{i}.attn_v.weight", state[p + "self_attn.v_proj.weight"])
        add(f"blk.{i}.attn_output.weight", state[p + "self_attn.o_proj.weight"])
        add(f"blk.{i}.ffn_norm.weight", state[p + "post_attention_layernorm.weight"], matrix=False)
        add(f"blk.{i}.ffn_gate.weight", state[p + "mlp.gate_proj.weight"])
        add(f"blk.{i}.ffn_up.weight", state[p + "mlp.up_proj.weight"])
        add(f"blk.{i}.ffn_down.weight", state[p + "mlp.down_proj.weight"])
    add("output_norm.weight", state["model.norm.weight"], matrix=False)
    if not getattr(cfg, "tie_word_embeddings", False) and "lm_head.weight" in state:
        add("output.weight", state["lm_head.weight"])

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out


# transformers (HF Llama) module -> llama.cpp tensor name, and whether rows are rotary-permuted
_LORA_TARGETS = {
    "self_attn.q_proj": ("attn_q", "q"),
    "self_attn.k_proj": ("attn_k", "k"),
    "self_attn.v_proj": ("attn_v", None),
    "self_attn.o_proj": ("attn_output", None),
    "mlp.gate_proj": ("ffn_gate", None),
    "mlp.up_proj": ("ffn_up", None),
    "mlp.down_proj": ("ffn_down", None),
}
LORA_TARGET_MODULES = [name.split(".")[-1] for name in _LORA_TARGETS]


def export_lora(
    model: Any,
    out_path: str | Path,
    *,
    alpha: float,
    dtype: str = "F16",
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Write the LoRA weights of a PEFT-wrapped Llama as a llama.cpp adapter GGUF.

    llama.cpp computes ``W x + (alpha / r) · B A x`` for every ``blk.N.<tensor>.weight`` with a
    ``.lora_a`` (r × in) and ``.lora_b`` (out × r) pair; B's rows of the query and key
    projections get the same rotary permutation as the base weights (see ``export_llama``).
    """
    gguf = gguf_module()
    cfg = model.config
    if getattr(cfg, "model_type", "") != "llama":
        raise ConfigError(f"LoRA export supports Llama-architecture models, not {cfg.model_type!r}")
    n_head = cfg.num_attention_heads
    heads = {"q": n_head, "k": getattr(cfg, "num_key_value_heads", None) or n_head}
    state = {k: v for k, v in model.state_dict().items() if ".lora_" in k}
    if not state:
        raise ConfigError("the model has no LoRA weights to export")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(out), "llama")
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    for key, value in (metadata or {}).items():
        writer.add_string(f"edgeagent.{key}", str(value))
    mat = np.float16 if dtype == "F16" else np.float32
    written = 0
    for i in range(cfg.num_hidden_layers):
        for module, (tensor, rotary) in _LORA_TARGETS.items():
            a_key = next((k for k in state if f"layers.{i}.{module}.lora_A." in k), None)
            b_key = next((k for k in state if f"layers.{i}.{module}.lora_B." in k), None)
            if a_key is None or b_key is None:
                continue
            a = state[a_key].detach().float().cpu().numpy()
            b = state[b_key].detach().float().cpu().numpy()
            if rotary:
                b = _permute(b, heads[rotary])
            writer.add_tensor(
                f"blk.{i}.{tensor}.weight.lora_a", np.ascontiguousarray(a.astype(mat))
            )
            writer.add_tensor(
                f"blk.{i}.{tensor}.weight.lora_b", np.ascontiguousarray(b.astype(mat))
            )
            written += 1
    if not written:
        raise ConfigError("no LoRA weights on the projections llama.cpp can adapt")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out


def _read_adapter(path: str | Path) -> tuple[float, dict[str, np.ndarray]]:
    """An adapter GGUF's alpha and its tensors by GGUF name, as numpy arrays (GGUF lists
    dimensions fastest-first; numpy wants them the other way round)."""
    gguf = gguf_module()
    reader = gguf.GGUFReader(str(path))
    alpha_field = reader.fields.get("adapter.lora.alpha")
    if alpha_field is None:
        raise ConfigError(f"{path} is not a LoRA adapter GGUF")
    alpha = float(alpha_field.parts[alpha_field.data[0]][0])
    tensors = {
        t.name: np.array(t.data, dtype=np.float32).reshape(list(reversed(t.shape.tolist())))
        for t in reader.tensors
    }
    return alpha, tensors


def read_lora(path: str | Path, config: Any) -> tuple[dict[str, np.ndarray], float, int]:
    """An adapter GGUF (as written by :func:`export_lora`) back in PEFT's naming and layout.

    Returns ``({"model.layers.N.<module>.lora_A|B": array}, alpha, rank)`` for a Llama
    ``config``; the keys match the ends of a PEFT model's ``state_dict`` keys.
    """
    alpha, tensors = _read_adapter(path)
    n_head = config.num_attention_heads
    heads = {"q": n_head, "k": getattr(config, "num_key_value_heads", None) or n_head}
    by_tensor = {tensor: (module, rotary) for module, (tensor, rotary) in _LORA_TARGETS.items()}
    out: dict[str, np.ndarray] = {}
    rank = 0
    for name, data in tensors.items():
        _, layer, tensor, _, part = name.split(".")  # blk.N.<tensor>.weight.lora_a|b
        module, rotary = by_tensor[tensor]
        if part == "lora_b" and rotary:
            data = _unpermute(data, heads[rotary])
        if part == "lora_a":
            rank = data.shape[0]
        out[f"model.layers.{layer}.{module}.lora_{part[-1].upper()}"] = data
    return out, alpha, rank


def merge_lora(
    base: str | Path,
    adapter: str | Path,
    out_path: str | Path,
    *,
    quant: str = "Q8_0",
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Fold a LoRA adapter into its base model: ``W + (alpha / r) · B A`` for each adapted
    tensor, then quantize (llama.cpp) to ``quant``. The merged model decides like base +
    adapter, without the adapter's extra work on every token. Needs only numpy and ``gguf``.
    """
    gguf = gguf_module()
    from gguf.quants import dequantize

    alpha, tensors = _read_adapter(adapter)
    pairs: dict[str, dict[str, np.ndarray]] = {}
    for name, arr in tensors.items():
        target, _, part = name.rpartition(".")
        pairs.setdefault(target, {})[part] = arr
    extra = {**read_metadata(adapter), **(metadata or {})}

    reader = gguf.GGUFReader(str(base))
    arch = bytes(reader.fields["general.architecture"].parts[-1]).decode()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    f16 = out.with_name(out.stem + ".f16.tmp.gguf")
    writer = gguf.GGUFWriter(str(f16), arch)
    skip = ("general.architecture", "general.file_type", "GGUF.")
    _copy_fields(
        reader, writer, lambda name: not name.startswith(skip) and not name.startswith("edgeagent.")
    )
    writer.add_file_type(int(gguf.LlamaFileType.MOSTLY_F16))
    for key, value in extra.items():
        writer.add_string(f"edgeagent.{key}", str(value))
    merged = 0
    for t in reader.tensors:
        shape = list(reversed(t.shape.tolist()))
        w = dequantize(t.data, t.tensor_type).reshape(shape).astype(np.float32)
        if t.name in pairs:
            a, b = pairs[t.name]["lora_a"], pairs[t.name]["lora_b"]
            w = w + (alpha / a.shape[0]) * (b @ a)
            merged += 1
        matrix = len(shape) > 1
        writer.add_tensor(
            t.name, np.ascontiguousarray(w.astype(np.float16 if matrix else np.float32))
        )
    if merged != len(pairs):
        raise ConfigError(f"{adapter}: {merged} of {len(pairs)} adapted tensors found in {base}")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    try:
        quantize(f16, out, quant)
    finally:
        f16.unlink(missing_ok=True)
    return out
