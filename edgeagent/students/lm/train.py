"""Sequence-level distillation: teach a small causal LM to write the compact call format.

Teacher examples (a labelled case file, generated utterances, or the cloud's answers stored in
the decision log) become (prompt, calls) pairs. The prompt is exactly what the GGUF brain
will show the student (the compact prompt: worlds' names, context and words, in the model's
chat template); the target is the calls in the compact format followed by end-of-turn. The
loss is cross-entropy on the target tokens (hard labels); where teacher token probabilities
are given, the KD loss ``T² · KL(softmax(teacher/T) || softmax(student/T))`` is mixed in with
weight ``alpha``. CPU by default, deterministic for a seed, with checkpoints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from edgeagent.brains.prompt import PromptBuilder
from edgeagent.callformat import render_calls
from edgeagent.cases import Case
from edgeagent.datamodel import ToolCall
from edgeagent.errors import ConfigError, MissingDependencyError
from edgeagent.students.training import TRAIN_EXTRA, Schedule, fit, require_torch
from edgeagent.students.training import add_lora as wrap_lora
from edgeagent.toolset import Toolset


class DistillConfig(Schedule):
    """``edgeagent distill --student lm`` options."""

    steps: int = Field(default=300, gt=0)
    batch_size: int = Field(default=8, gt=0)
    warmup: int = Field(default=20, ge=0)
    weight_decay: float = Field(default=0.0, ge=0)
    lr: float = Field(default=1e-4, gt=0)
    max_len: int = Field(default=96, gt=8)
    temperature: float = Field(default=2.0, gt=0, description="KD temperature T")
    alpha: float = Field(default=0.5, ge=0, le=1, description="KD weight vs. hard labels")
    checkpoint_every: int = Field(default=0, ge=0)
    threads: int | None = None
    lora_rank: int = Field(default=0, ge=0, description="LoRA rank (0: full fine-tuning)")
    lora_alpha: int = Field(default=32, gt=0, description="LoRA scale numerator (alpha / r)")
    base_model: str | None = Field(
        default=None, description="GGUF to start from (default: the packaged SmolLM2-135M)"
    )
    quant: str = Field(default="Q8_0", description="Also write this quantization (full students)")


@dataclass(frozen=True)
class Pair:
    prompt: str
    target: str


def make_pairs(
    cases: Sequence[Case], toolsets: dict[str, Toolset], prompt: PromptBuilder, eos: str
) -> list[Pair]:
    """(prompt, target) text pairs; the prompt is the GGUF brain's for that observation."""
    pairs = []
    for case in cases:
        toolset = toolsets[case.suite]
        orders = {t.name: [p.name for p in t.params] for t in toolset}
        parts = prompt.parts(toolset, case.observation())
        calls = [ToolCall(tool=e.tool, args=e.args) for e in case.expected]
        pairs.append(Pair(parts.prefix + parts.suffix, render_calls(calls, orders) + eos))
    return pairs


def encode(tokenizer: Any, pair: Pair, max_len: int) -> tuple[list[int], list[int]]:
    """Token ids and labels (-100 on the prompt: only the target is learned)."""
    p = tokenizer(pair.prompt, add_special_tokens=False)["input_ids"]
    t = tokenizer(pair.target, add_special_tokens=False)["input_ids"]
    ids = (p + t)[-max_len:]
    labels = ([-100] * len(p) + t)[-max_len:]
    return ids, labels


def kd_loss(student_logits: Any, teacher_logits: Any, mask: Any, temperature: float) -> Any:
    """T² · KL(teacher_T || student_T), averaged over the masked positions."""
    torch = require_torch()
    f = torch.nn.functional
    t = temperature
    s_log = f.log_softmax(student_logits / t, dim=-1)
    t_prob = f.softmax(teacher_logits / t, dim=-1)
    kl = (t_prob * (torch.log(t_prob.clamp_min(1e-12)) - s_log)).sum(-1)
    return (kl * mask).sum() / mask.sum().clamp_min(1) * t * t


def train(
    model: Any,
    tokenizer: Any,
    pairs: Sequence[Pair],
    config: DistillConfig,
    *,
    teacher: Any | None = None,
    progress: Callable[[int, float], None] | None = None,
    checkpoint_dir: Path | None = None,
) -> list[float]:
    """Fine-tune ``model`` on the pairs; returns the loss per step."""
    torch = require_torch()
    torch.manual_seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    encoded = [encode(tokenizer, p, config.max_len) for p in pairs]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    trainable = [p for p in model.parameters() if p.requires_grad]

    def batch_loss(picked: list[int]) -> Any:
        batch = [encoded[i] for i in picked]
        width = max(len(ids) for ids, _ in batch)
        ids = torch.full((len(batch), width), pad, dtype=torch.long)
        labels = torch.full((len(batch), width), -100, dtype=torch.long)
        attn = torch.zeros((len(batch), width), dtype=torch.long)
        for i, (x, y) in enumerate(batch):  # left-pad so every target ends at the same column
            ids[i, width - len(x) :] = torch.tensor(x)
            labels[i, width - len(y) :] = torch.tensor(y)
            attn[i, width - len(x) :] = 1
        out = model(input_ids=ids, attention_mask=attn, labels=labels)
        loss = out.loss
        if teacher is not None and config.alpha > 0:
            with torch.no_grad():
                t_logits = teacher(input_ids=ids, attention_mask=attn).logits
            mask = (labels[:, 1:] != -100).float()
            soft = kd_loss(out.logits[:, :-1], t_logits[:, :-1], mask, config.temperature)
            loss = (1 - config.alpha) * loss + config.alpha * soft
        return loss

    def checkpoint(step: int) -> None:
        if checkpoint_dir and config.checkpoint_every and step % config.checkpoint_every == 0:
            model.save_pretrained(checkpoint_dir / f"step-{step}")

    return fit(
        model,
        [{"params": trainable, "lr": config.lr}],
        len(encoded),
        batch_loss,
        config,
        after_step=checkpoint,
        progress=progress,
    )


_LORA_KEY = re.compile(r"(model\.layers\.\d+\.\w+\.\w+)\.lora_([AB])\.")


def add_lora(model: Any, config: DistillConfig, init_adapter: str | Path | None = None) -> Any:
    """Wrap ``model`` with LoRA adapters (PEFT) on every attention and MLP projection; only
    the adapters train. The base stays as loaded, so the adapter applies to the original GGUF.

    ``init_adapter`` (an adapter GGUF) continues training it: its rank and alpha win.
    """
    from edgeagent.students.lm.gguf_export import LORA_TARGET_MODULES, read_lora

    rank, alpha, start = config.lora_rank, config.lora_alpha, None
    if init_adapter is not None:
        start, alpha_f, rank = read_lora(init_adapter, model.config)
        alpha = round(alpha_f)
    wrapped = wrap_lora(model, rank=rank, alpha=alpha, targets=LORA_TARGET_MODULES)
    if start is not None:
        torch = require_torch()
        loaded = 0
        with torch.no_grad():
            for name, param in wrapped.named_parameters():
                m = _LORA_KEY.search(name)
                if m and (key := f"{m.group(1)}.lora_{m.group(2)}") in start:
                    param.copy_(torch.from_numpy(start[key]))
                    loaded += 1
        if loaded != len(start):
            raise ConfigError(
                f"{init_adapter}: {loaded} of {len(start)} LoRA tensors fit the model"
            )
    return wrapped


def load_gguf_as_transformers(path: str | Path) -> tuple[Any, Any]:
    """A GGUF file (e.g. the packaged SmolLM2) dequantized into a transformers model."""
    try:
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:
        raise MissingDependencyError("transformers", TRAIN_EXTRA) from exc
    path = Path(path)
    tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name)
    return model, tokenizer
