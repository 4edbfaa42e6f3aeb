"""Fitting the encoder student to teacher cases, and calibrating its confidence.

Training is plain supervised learning on the teacher's decisions (hard labels): cross-entropy
on the tool per slot, on each argument's value head, and on the span pointers (start and end
token, softmax over the tokens, only where the teacher's value is a span of the input). A
tenth of the cases (by a seeded shuffle) is held aside: after training, the student decides
each of them and a single temperature ``T`` is fitted so that the decision's confidence (the
least probable of its choices, softmax at ``T``) best predicts whether the decision was right
(binary log-loss over a grid of ``T``), then a Platt map on top. The escalation thresholds
then mean "probability of being right" for this brain as they do for others.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from edgeagent.cases import Case
from edgeagent.errors import ConfigError
from edgeagent.students import StudentManifest, read_manifest
from edgeagent.students.encoder.calibrate import (
    MIN_CALIBRATION_CASES,
    fit_map,
    fit_signals,
    held_aside,
    score,
    split,
)
from edgeagent.students.encoder.heads import (
    IGNORE,
    Calibration,
    Encoded,
    HeadSpec,
    Targets,
    encode_input,
    input_texts,
    targets,
)
from edgeagent.students.encoder.infer import as_model, predict
from edgeagent.students.encoder.model import (
    UNFAMILIARITY_FILE,
    EncoderSettings,
    load_student,
    new_student,
    save_student,
    with_lora,
)
from edgeagent.students.encoder.unfamiliarity import Method, Unfamiliarity
from edgeagent.students.encoder.unfamiliarity import fit as fit_unfamiliarity
from edgeagent.students.training import Schedule, fit, require_torch
from edgeagent.toolset import Toolset


class EncoderTrainConfig(Schedule):
    """``edgeagent distill --student encoder`` options."""

    steps: int = Field(default=800, gt=0)
    batch_size: int = Field(default=32, gt=0)
    warmup: int = Field(default=50, ge=0)
    lr: float = Field(default=1e-3, gt=0, description="encoder (LoRA or full) learning rate")
    head_lr: float = Field(default=2e-3, gt=0)
    lora_rank: int = Field(default=16, ge=0, description="0: fine-tune every encoder weight")
    lora_alpha: int = Field(default=32, gt=0)
    holdout: float = Field(
        default=0.1, ge=0, lt=1, description="cases without a family held aside, at random"
    )
    holdout_families: float = Field(
        default=0.15, ge=0, lt=1, description="phrasing families held aside to calibrate on"
    )
    holdout_names: float = Field(
        default=0.1, ge=0, lt=1, description="entity names held aside to calibrate on"
    )
    test_families: float = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="phrasing families kept out of training and"
        " calibration, to measure generalisation (a measurement, off by default)",
    )
    test_names: float = Field(
        default=0.0, ge=0, lt=1, description="entity names kept out of training and calibration"
    )
    unfamiliarity: Literal["auto", "knn", "mahalanobis", "energy", "none"] = Field(
        default="auto", description="the unfamiliarity measure (auto: the best held aside)"
    )
    signal_sample: int = Field(
        default=6000, gt=0, description="training requests embedded for unfamiliarity"
    )
    slots: int = Field(default=3, gt=0)
    max_len: int = Field(default=128, gt=8)
    span_weight: float = Field(default=1.0, gt=0, description="loss weight of the span pointers")
    threads: int | None = Field(default=None, description="torch threads (default: torch's)")


@dataclass
class Example:
    case: Case
    enc: Encoded
    targets: Targets


def featurize(
    spec: HeadSpec, tokenizer: Any, toolset: Toolset, cases: Sequence[Case]
) -> tuple[list[Example], int]:
    """Encoded inputs and targets; also how many cases did not fit the heads."""
    out, skipped = [], 0
    for case in cases:
        enc = encode_input(
            tokenizer, input_texts(case.observation(), spec.context_keys), spec.max_len
        )
        t = targets(spec, case, enc, toolset)
        if t is None:
            skipped += 1
        else:
            out.append(Example(case, enc, t))
    return out, skipped


def collate(batch: Sequence[Example], pad_id: int) -> dict[str, Any]:
    torch = require_torch()
    width = max(len(e.enc.input_ids) for e in batch)
    n = len(batch)
    ids = torch.full((n, width), pad_id, dtype=torch.long)
    types = torch.zeros((n, width), dtype=torch.long)
    attn = torch.zeros((n, width), dtype=torch.long)
    for i, e in enumerate(batch):
        m = len(e.enc.input_ids)
        ids[i, :m] = torch.tensor(e.enc.input_ids)
        types[i, :m] = torch.tensor(e.enc.token_type_ids)
        attn[i, :m] = 1
    return {
        "input_ids": ids,
        "token_type_ids": types,
        "attention_mask": attn,
        "tools": torch.tensor([e.targets.tools for e in batch]),
        "classes": torch.tensor([e.targets.classes for e in batch]),
        "starts": torch.tensor([e.targets.starts for e in batch]),
        "ends": torch.tensor([e.targets.ends for e in batch]),
    }


def loss_of(student: Any, batch: dict[str, Any], span_weight: float) -> Any:
    torch = require_torch()
    f = torch.nn.functional
    spec: HeadSpec = student.spec
    tools, classes, spans = student(
        batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]
    )
    loss = f.cross_entropy(tools.flatten(0, 1), batch["tools"].flatten(), ignore_index=IGNORE)
    total, count = tools.new_zeros(()), 0
    for a, sl in enumerate(spec.class_slices.values()):
        labels = batch["classes"][:, :, a].flatten()
        if (labels != IGNORE).any():
            total = total + f.cross_entropy(
                classes[:, :, sl].flatten(0, 1), labels, ignore_index=IGNORE, reduction="sum"
            )
            count += int((labels != IGNORE).sum())
    loss = loss + total / max(count, 1)
    # span pointers: softmax over the tokens (padding masked), only where the value is a span
    logits = spans.permute(0, 2, 3, 1)  # [batch, columns, start/end, tokens]
    pad = (batch["attention_mask"] == 0)[:, None, None, :]
    logits = logits.masked_fill(pad, -1e4)
    for j, key in enumerate(("starts", "ends")):
        labels = batch[key].flatten()
        if (labels != IGNORE).any():
            loss = (
                loss
                + span_weight
                * f.cross_entropy(logits[:, :, j, :].flatten(0, 1), labels, ignore_index=IGNORE)
                / 2
            )
    return loss


def train_encoder(
    cases: Sequence[Case],
    toolset: Toolset,
    config: EncoderTrainConfig,
    out: str | Path,
    *,
    init: str | Path | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> StudentManifest:
    """Train a student on the cases and write its folder to ``out``; the manifest's training
    report gives the accuracy on the held-aside cases, the fitted calibration and timings."""
    torch = require_torch()
    torch.manual_seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    train_cases, held, test, bands = split(
        cases,
        toolset,
        families=config.holdout_families,
        test_families=config.test_families,
        names=config.holdout_names,
        test_names=config.test_names,
        random_share=config.holdout,
        seed=config.seed,
    )
    if init is not None:
        student, tokenizer, old = load_student(init, merge=False)
        settings = old.settings
        calibration = old.calibration
    else:
        spec = HeadSpec.from_cases(train_cases, toolset, slots=config.slots)
        spec.max_len = config.max_len
        student, tokenizer = new_student(spec)
        if config.lora_rank:
            with_lora(student, config.lora_rank, config.lora_alpha)
        settings = EncoderSettings(
            heads=spec,
            weights="lora" if config.lora_rank else "fp32",
            lora_rank=config.lora_rank or 16,
            lora_alpha=config.lora_alpha,
        )
        calibration = Calibration()
    spec = settings.heads
    if init is not None:
        wanted = {e.tool for c in cases for e in c.expected}
        missing = sorted(wanted - set(spec.tools))
        if missing:
            raise ConfigError(
                f"the student in {init} was trained for {', '.join(spec.suites)}: its heads have"
                f" no place for {', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}."
                " Train a new student for these tools (leave out --init)"
            )
    examples, skipped = featurize(spec, tokenizer, toolset, train_cases)
    if len(examples) < config.batch_size:
        raise ConfigError(
            f"only {len(examples)} training examples fit the student ({len(held)} more held aside"
            f" to calibrate on, {skipped} do not fit its heads); at least {config.batch_size} (one"
            " batch) are needed: draw more from the sentence files (--generated), log more cloud"
            " answers, or lower --batch"
        )
    start = time.perf_counter()
    losses = optimize(student, examples, config, tokenizer.pad_token_id or 0, progress=progress)
    train_s = time.perf_counter() - start
    report: dict[str, Any] = {
        "cases": len(train_cases),
        "skipped": skipped,
        "held_aside": len(held),
        "held_out_for_tests": len(test),
        "bands": bands.model_dump(mode="json"),
        "steps": config.steps,
        "train_s": round(train_s, 1),
        "s_per_step": round(train_s / config.steps, 3),
        "final_loss": round(float(np.mean(losses[-20:])), 4),
        "config": config.model_dump(),
        "init": str(init) if init else None,
    }
    if init is not None:  # the rounds before this one, so the folder keeps its history
        report["previous"] = read_manifest(init).training
    signal = None
    if len(held) >= MIN_CALIBRATION_CASES:
        calibration, signal, figures = calibrate(
            student, tokenizer, spec, toolset, held, train_cases, config
        )
        report["held_aside_accuracy"] = figures["held_aside_accuracy"]
    else:
        report["calibration"] = (
            f"not refitted: {len(held)} held-aside cases, {MIN_CALIBRATION_CASES} needed"
        )
        previous = Path(init) / UNFAMILIARITY_FILE if init is not None else None
        if previous is not None and previous.is_file():
            # the encoder moved: its measure of the familiar is refitted on this round's
            # training requests (same method; the calibration's weight on it is kept)
            method = Unfamiliarity.load(previous).method
            signal = refit_unfamiliarity(student, tokenizer, spec, train_cases, method, config)
            report["unfamiliarity"] = f"{method}, refitted on this round's training requests"
    folder = Path(out)
    extra = {}
    if signal is not None:
        folder.mkdir(parents=True, exist_ok=True)
        signal.save(folder / UNFAMILIARITY_FILE)
        extra["unfamiliarity"] = UNFAMILIARITY_FILE
    return save_student(
        student, settings, out, calibration=calibration, training=report, files=extra
    )


def optimize(
    student: Any,
    examples: Sequence[Example],
    config: EncoderTrainConfig,
    pad_id: int,
    *,
    after_step: Callable[[], None] | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Train the student on the examples: the encoder (LoRA or full) at ``lr``, the heads at
    ``head_lr`` (see :func:`edgeagent.students.training.fit`); ``after_step`` runs after each
    update (e.g. re-apply a pruning mask)."""
    heads = [p for n, p in student.named_parameters() if not n.startswith("encoder.")]
    body = [
        p for n, p in student.named_parameters() if n.startswith("encoder.") and p.requires_grad
    ]
    groups = [{"params": body, "lr": config.lr}, {"params": heads, "lr": config.head_lr}]

    def batch_loss(picked: list[int]) -> Any:
        batch = collate([examples[i] for i in picked], pad_id)
        return loss_of(student, batch, config.span_weight)

    return fit(
        student,
        groups,
        len(examples),
        batch_loss,
        config,
        after_step=(lambda _step: after_step()) if after_step is not None else None,
        progress=progress,
    )


def calibrate(
    student: Any,
    tokenizer: Any,
    spec: HeadSpec,
    toolset: Toolset,
    held: Sequence[Case],
    train_cases: Sequence[Case],
    config: EncoderTrainConfig,
) -> tuple[Calibration, Unfamiliarity | None, dict[str, Any]]:
    """Fit the confidence and the unfamiliarity measure on the held-aside cases (see
    :mod:`edgeagent.students.encoder.calibrate`); a sample of the training cases gives the
    measures their picture of the familiar."""
    train_logits, labels = training_outputs(student, tokenizer, spec, train_cases, config)
    return fit_signals(
        train_logits,
        labels,
        score(student, tokenizer, spec, held),
        spec,
        toolset,
        method=config.unfamiliarity,
        seed=config.seed,
    )


def training_outputs(
    student: Any,
    tokenizer: Any,
    spec: HeadSpec,
    train_cases: Sequence[Case],
    config: EncoderTrainConfig,
) -> tuple[list[Any], list[int]]:
    """The student's outputs on a seeded sample of its training requests (``signal_sample``)
    and their first-slot tool labels: the picture of the familiar the measures are fitted on."""
    rng = random.Random(config.seed)
    sample = rng.sample(list(train_cases), min(config.signal_sample, len(train_cases)))
    model = as_model(student)
    train_logits = [predict(model, tokenizer, spec, c.observation()) for c in sample]
    labels = [
        spec.tools.index(c.expected[0].tool)
        if c.expected and c.expected[0].tool in spec.tools
        else 0
        for c in sample
    ]
    return train_logits, labels


def refit_unfamiliarity(
    student: Any,
    tokenizer: Any,
    spec: HeadSpec,
    train_cases: Sequence[Case],
    method: Method,
    config: EncoderTrainConfig,
) -> Unfamiliarity:
    """The unfamiliarity measure ``method`` fitted afresh on the student's training requests
    (after a round that changed the encoder, the old bank describes another encoder)."""
    logits, labels = training_outputs(student, tokenizer, spec, train_cases, config)
    pooled = np.stack([lg.pooled for lg in logits])
    tools = np.stack([lg.tools[0] for lg in logits])
    return fit_unfamiliarity(method, pooled, tools, labels, seed=config.seed)


def recalibrate(folder: str | Path, cases: Sequence[Case]) -> dict[str, Any]:
    """Refit a saved student's confidence on new held-aside cases (its weights and its
    unfamiliarity measure are kept)."""
    from edgeagent.factory import build_toolset
    from edgeagent.students import read_manifest, write_manifest

    student, tokenizer, found = load_student(folder)
    toolset = build_toolset(found.spec.suites)
    signal_file = Path(folder) / UNFAMILIARITY_FILE
    signal = Unfamiliarity.load(signal_file) if signal_file.is_file() else None
    calibration, figures = refit(student, tokenizer, found.spec, toolset, cases, signal)
    manifest = read_manifest(folder)
    manifest.calibration = calibration.model_dump(mode="json")
    write_manifest(manifest, folder)
    return {"temperature": calibration.temperature, "platt": list(calibration.platt), **figures}


def refit(
    student: Any,
    tokenizer: Any,
    spec: HeadSpec,
    toolset: Toolset,
    cases: Sequence[Case],
    signal: Unfamiliarity | None,
) -> tuple[Calibration, dict[str, Any]]:
    """The calibration refitted on ``cases`` with a fixed unfamiliarity measure (or none)."""
    scored = score(student, tokenizer, spec, cases)
    held = held_aside(scored, spec, toolset)
    u = (
        np.array([signal(s.logits.pooled, s.logits.tools[0]) for s in scored])
        if signal is not None
        else None
    )
    return fit_map(held, u)
