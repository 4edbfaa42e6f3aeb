"""Smaller encoder students: int8 storage, magnitude pruning, structured pruning.

- :func:`int8_copy`: the same weights stored as int8 with a scale per row (the brain runs the
  linear layers with torch's dynamic int8 kernels either way).
- :func:`prune_magnitude`: zero the smallest ``sparsity`` of the encoder's linear weights (one
  global threshold), fine-tune briefly with the zeros held, store fp32. Zeros do not shrink a
  dense file or speed up dense kernels: the gain is in compressibility and sparse runtimes.
- :func:`prune_structured`: remove the least important attention heads and FFN neurons of each
  layer (importance: the weight norms that feed and read them), fine-tune briefly. The encoder
  really shrinks: fewer parameters, a smaller file, less time per decision.

Every variant is a student folder like any other (``student.json`` + ``student.safetensors``),
run with ``--brain encoder --model FOLDER`` and measured by ``edgeagent compress report``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from edgeagent.cases import Case
from edgeagent.errors import ConfigError
from edgeagent.factory import build_toolset
from edgeagent.students import StudentManifest
from edgeagent.students.encoder.model import (
    EncoderFolder,
    load_student,
    read_folder,
    save_student,
    structure_of,
    torch_modules,
)
from edgeagent.students.encoder.train import EncoderTrainConfig, featurize, optimize

# Fine-tuning after pruning: a gentle continuation of a trained student, not a new training.
FINETUNE = {"lr": 5e-5, "head_lr": 1e-4, "warmup": 10}


def finetune_config(steps: int, seed: int = 0) -> EncoderTrainConfig:
    """The training options for the short fine-tune after pruning."""
    return EncoderTrainConfig(steps=steps, seed=seed, **FINETUNE)


def int8_copy(folder: str | Path, out: str | Path) -> Path:
    """The student with every weight stored as int8 (about a quarter of fp32)."""
    student, _, found = load_student(folder)
    _save_variant(student, found, "int8", {"from": str(folder)}, out)
    return Path(out)


def fp32_copy(folder: str | Path, out: str | Path) -> Path:
    """The student with its LoRA merged and every weight stored as fp32 (the baseline size)."""
    student, _, found = load_student(folder)
    _save_variant(student, found, "fp32", {"from": str(folder)}, out)
    return Path(out)


def _linear_weights(student: Any) -> list[Any]:
    torch = torch_modules()
    return [
        m.weight
        for name, m in student.encoder.named_modules()
        if isinstance(m, torch.nn.Linear) and ".layer." in f".{name}"
    ]


def prune_magnitude(
    folder: str | Path,
    out: str | Path,
    sparsity: float,
    cases: Sequence[Case],
    config: EncoderTrainConfig,
    progress: Callable[[int, float], None] | None = None,
) -> Path:
    """Zero the ``sparsity`` smallest-magnitude encoder linear weights, then fine-tune."""
    if not 0.0 < sparsity < 1.0:
        raise ConfigError(f"sparsity must be between 0 and 1, got {sparsity}")
    torch = torch_modules()
    student, tokenizer, base = load_student(folder)
    weights = _linear_weights(student)
    flat = torch.cat([w.detach().abs().flatten() for w in weights])
    threshold = torch.kthvalue(flat, max(1, int(sparsity * flat.numel()))).values
    masks = [(w.detach().abs() > threshold).float() for w in weights]

    def hold_zeros() -> None:
        with torch.no_grad():
            for w, m in zip(weights, masks, strict=True):
                w.mul_(m)

    hold_zeros()
    _finetune(student, tokenizer, base, cases, config, hold_zeros, progress)
    extra = {"from": str(folder), "pruning": "magnitude", "sparsity": sparsity}
    _save_variant(student, base, "fp32", extra, out)
    return Path(out)


def prune_structured(
    folder: str | Path,
    out: str | Path,
    heads: float,
    neurons: float,
    cases: Sequence[Case],
    config: EncoderTrainConfig,
    progress: Callable[[int, float], None] | None = None,
) -> Path:
    """Remove the fraction ``heads`` of attention heads and ``neurons`` of FFN neurons in
    every layer (the least important by weight norm), then fine-tune."""
    for value in (heads, neurons):
        if not 0.0 <= value < 1.0:
            raise ConfigError(f"pruned fractions must be in [0, 1), got {value}")
    torch = torch_modules()
    student, tokenizer, base = load_student(folder)
    with torch.no_grad():
        for layer in student.encoder.encoder.layer:
            _prune_heads(layer, heads)
            _prune_neurons(layer, neurons)
    _finetune(student, tokenizer, base, cases, config, None, progress)
    extra = {"from": str(folder), "pruning": "structured", "heads": heads, "neurons": neurons}
    _save_variant(student, base, "fp32", extra, out, structure=True)
    return Path(out)


def _prune_heads(layer: Any, fraction: float) -> None:
    torch = torch_modules()
    att = layer.attention.self
    size = att.attention_head_size
    n = att.query.out_features // size
    keep_n = max(1, round(n * (1 - fraction)))
    if keep_n == n:
        return
    out_w = layer.attention.output.dense.weight  # [hidden, heads * size]
    score = torch.stack(
        [
            att.value.weight[h * size : (h + 1) * size].norm()
            * out_w[:, h * size : (h + 1) * size].norm()
            for h in range(n)
        ]
    )
    kept = sorted(score.topk(keep_n).indices.tolist())
    rows = torch.cat([torch.arange(h * size, (h + 1) * size) for h in kept])
    for name in ("query", "key", "value"):
        setattr(att, name, _slice_linear(getattr(att, name), rows=rows))
    att.num_attention_heads, att.all_head_size = keep_n, keep_n * size
    layer.attention.output.dense = _slice_linear(layer.attention.output.dense, cols=rows)


def _prune_neurons(layer: Any, fraction: float) -> None:
    n = layer.intermediate.dense.out_features
    keep_n = max(1, round(n * (1 - fraction)))
    if keep_n == n:
        return
    score = layer.intermediate.dense.weight.norm(dim=1) * layer.output.dense.weight.norm(dim=0)
    kept = score.topk(keep_n).indices.sort().values
    layer.intermediate.dense = _slice_linear(layer.intermediate.dense, rows=kept)
    layer.output.dense = _slice_linear(layer.output.dense, cols=kept)


def _slice_linear(linear: Any, rows: Any = None, cols: Any = None) -> Any:
    torch = torch_modules()
    w = linear.weight
    w = w[rows] if rows is not None else w
    w = w[:, cols] if cols is not None else w
    bias = linear.bias[rows] if rows is not None else linear.bias
    new = torch.nn.Linear(w.shape[1], w.shape[0])
    new.weight = torch.nn.Parameter(w.detach().clone())
    new.bias = torch.nn.Parameter(bias.detach().clone())
    return new


def _finetune(
    student: Any,
    tokenizer: Any,
    config: EncoderFolder,
    cases: Sequence[Case],
    train: EncoderTrainConfig,
    after_step: Callable[[], None] | None,
    progress: Callable[[int, float], None] | None,
) -> None:
    torch = torch_modules()
    torch.manual_seed(train.seed)
    for p in student.parameters():
        p.requires_grad_(True)
    toolset = build_toolset(config.spec.suites)
    examples, _ = featurize(config.spec, tokenizer, toolset, cases)
    if not examples:
        raise ConfigError("no fine-tuning case fits the student's heads")
    optimize(
        student,
        examples,
        train,
        tokenizer.pad_token_id or 0,
        after_step=after_step,
        progress=progress,
    )


def _save_variant(
    student: Any,
    found: EncoderFolder,
    weights: str,
    compression: dict[str, Any],
    out: str | Path,
    *,
    structure: bool = False,
) -> StudentManifest:
    """Save ``student`` as a variant of the folder it came from: same heads and calibration,
    other weights; the training report records how it was made."""
    settings = found.settings.model_copy(
        update={
            "weights": weights,
            "structure": structure_of(student.encoder) if structure else found.settings.structure,
        }
    )
    training = {**found.manifest.training, "compression": compression}
    source = Path(found.folder)
    extra = {}
    for role, name in found.manifest.files.items():  # what travels with the weights
        if role != "weights" and (source / name).is_file():
            Path(out).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, Path(out) / name)
            extra[role] = name
    return save_student(
        student,
        settings,
        out,
        calibration=found.calibration,
        training=training,
        base=found.base,
        files=extra,
    )


def describe_sizes(folder: str | Path) -> dict[str, Any]:
    """Weights stored, the runtime, the folder's files' size and the encoder's shape, for
    reports (a torch folder or an exported one)."""
    found = read_folder(folder)
    files = [Path(folder) / name for name in found.manifest.files.values()]
    return {
        "weights": found.settings.weights,
        "runtime": found.settings.runtime,
        "size_mb": round(sum(p.stat().st_size for p in files) / 2**20, 2),
        "structure": found.settings.structure.model_dump() if found.settings.structure else None,
    }


def make_variants(
    folder: str | Path,
    out: str | Path,
    cases: Sequence[Case],
    *,
    int8: bool = True,
    sparsity: Sequence[float] = (),
    heads: Sequence[float] = (),
    neurons: float = 0.5,
    steps: int = 150,
    seed: int = 0,
) -> list[Path]:
    """An fp32 baseline, magnitude pruning at each ``sparsity``, structured pruning at each
    ``heads`` fraction (with ``neurons`` of the FFN), each pruned model fine-tuned ``steps``
    on ``cases``; with ``int8`` an int8 copy of each. Every variant is a folder under ``out``."""
    out = Path(out)
    tune = finetune_config(steps, seed)
    made = [fp32_copy(folder, out / "fp32")]
    for s in sparsity:
        made.append(prune_magnitude(folder, out / f"sparse{int(s * 100)}", s, cases, tune))
    for h in heads:
        name = f"heads{int(h * 100)}-ffn{int(neurons * 100)}"
        made.append(prune_structured(folder, out / name, h, neurons, cases, tune))
    if int8:
        made += [int8_copy(m, m.with_name(m.name + "-int8")) for m in list(made)]
    return made
