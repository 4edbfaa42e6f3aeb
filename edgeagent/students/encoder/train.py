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

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from edgeagent.cases import Case
from edgeagent.errors import ConfigError, ToolArgumentError, UnknownNameError
from edgeagent.scoring import calls_match
from edgeagent.students import StudentManifest
from edgeagent.students.encoder.heads import (
    IGNORE,
    Calibration,
    Encoded,
    HeadSpec,
    Targets,
    decode,
    encode_input,
    input_texts,
    platt,
    targets,
)
from edgeagent.students.encoder.infer import Logits, predict
from edgeagent.students.encoder.model import (
    EncoderSettings,
    load_student,
    new_student,
    save_student,
    with_lora,
)
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
    holdout: float = Field(default=0.1, ge=0, lt=1)
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
    rng = random.Random(config.seed)
    pool = list(cases)
    rng.shuffle(pool)
    n_hold = int(len(pool) * config.holdout)
    held, train_cases = pool[:n_hold], pool[n_hold:]
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
    examples, skipped = featurize(spec, tokenizer, toolset, train_cases)
    if not examples:
        raise ConfigError("none of the teacher cases fits the student's heads")
    start = time.perf_counter()
    losses = optimize(student, examples, config, tokenizer.pad_token_id or 0, progress=progress)
    train_s = time.perf_counter() - start
    report: dict[str, Any] = {
        "cases": len(train_cases),
        "skipped": skipped,
        "held_aside": len(held),
        "steps": config.steps,
        "train_s": round(train_s, 1),
        "s_per_step": round(train_s / config.steps, 3),
        "final_loss": round(float(np.mean(losses[-20:])), 4),
        "config": config.model_dump(),
        "init": str(init) if init else None,
    }
    if held:
        calibration, figures = calibrate(student, tokenizer, spec, toolset, held)
        report["held_aside_accuracy"] = figures["held_aside_accuracy"]
    return save_student(student, settings, out, calibration=calibration, training=report)


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


@dataclass
class Scored:
    case: Case
    logits: Logits
    toolset: Toolset
    spec: HeadSpec


def score_cases(
    student: Any, tokenizer: Any, spec: HeadSpec, toolset: Toolset, cases: Sequence[Case]
) -> list[Scored]:
    return [
        Scored(c, predict(student, tokenizer, spec, c.observation()), toolset, spec) for c in cases
    ]


def calibrate(
    student: Any, tokenizer: Any, spec: HeadSpec, toolset: Toolset, cases: Sequence[Case]
) -> tuple[Calibration, dict[str, Any]]:
    """Fit the temperature, then the Platt map, on cases the student did not train on; returns
    the calibration (which records the figures of the fit: accuracy, ECE before and after)."""
    scored = score_cases(student, tokenizer, spec, toolset, cases)
    temperature = fit_temperature(lambda t: scored_at(scored, t))
    pairs = scored_at(scored, temperature)
    a_b = fit_platt(pairs)
    calibrated = [(ok, platt(c, *a_b)) for ok, c in pairs]
    figures = {
        "cases": len(cases),
        "held_aside_accuracy": round(float(np.mean([ok for ok, _ in pairs])), 4),
        "ece_raw": round(expected_calibration_error(pairs), 4),
        "ece": round(expected_calibration_error(calibrated), 4),
    }
    return Calibration(temperature=temperature, platt=a_b, fitted_on=figures), figures


def recalibrate(folder: str | Path, cases: Sequence[Case]) -> dict[str, Any]:
    """Refit a saved student's confidence on new held-aside cases (its weights are kept)."""
    from edgeagent.factory import build_toolset
    from edgeagent.students import read_manifest, write_manifest

    student, tokenizer, found = load_student(folder)
    calibration, figures = calibrate(
        student, tokenizer, found.spec, build_toolset(found.spec.suites), cases
    )
    manifest = read_manifest(folder)
    manifest.calibration = calibration.model_dump(mode="json")
    write_manifest(manifest, folder)
    return {"temperature": calibration.temperature, "platt": list(calibration.platt), **figures}


def expected_calibration_error(pairs: Sequence[tuple[bool, float]], bins: int = 10) -> float:
    from edgeagent.evaluation.metrics import ece

    return float(ece([c for _, c in pairs], [ok for ok, _ in pairs], bins) or 0.0)


def fit_platt(pairs: Sequence[tuple[bool, float]], iterations: int = 100) -> tuple[float, float]:
    """Logistic regression of correctness on ``logit(confidence)``: the Platt map ``(a, b)``.

    Platt's smoothed targets (``(N+ + 1) / (N+ + 2)`` for right, ``1 / (N- + 2)`` for wrong)
    keep the fit finite when the held-aside decisions are (nearly) separable; Newton steps
    with step halving."""
    if not pairs:
        return (1.0, 0.0)
    c = np.clip(np.array([p for _, p in pairs], dtype=float), 1e-6, 1 - 1e-6)
    x = np.stack([np.log(c / (1 - c)), np.ones_like(c)], axis=1)
    right = np.array([ok for ok, _ in pairs], dtype=bool)
    n_pos, n_neg = int(right.sum()), int((~right).sum())
    y = np.where(right, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def loss(w: np.ndarray) -> float:
        z = x @ w
        return float(np.sum(np.logaddexp(0, z) - y * z))

    w = np.array([1.0, 0.0])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -50, 50)))
        grad = x.T @ (p - y)
        hess = (x * (p * (1 - p))[:, None]).T @ x + 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        scale, before = 1.0, loss(w)
        while scale > 1e-4 and loss(w - scale * step) > before:
            scale /= 2
        w = w - scale * step
        if np.abs(scale * step).max() < 1e-9:
            break
    return (float(w[0]), float(w[1]))


def scored_at(scored: Sequence[Scored], temperature: float) -> list[tuple[bool, float]]:
    """(right?, raw confidence) of each held-aside decision at a temperature."""
    out = []
    for s in scored:
        lg = s.logits
        obs = s.case.observation()
        at = Calibration(temperature=temperature)
        d = decode(s.spec, lg.enc, lg.tools, lg.classes, lg.spans, s.toolset, obs, at)
        try:
            calls = s.toolset.validate_calls(d.calls, obs)
            ok = calls_match(s.case.expected_dicts(), calls, s.case.match)
        except (UnknownNameError, ToolArgumentError):
            ok = False  # an invalid decision is simply wrong
        out.append((ok, d.raw_confidence))
    return out


GRID = tuple(round(0.5 * 1.25**i, 3) for i in range(14))  # 0.5 .. ~9.1


def fit_temperature(
    pairs_at: Callable[[float], Sequence[tuple[bool, float]]], grid: Sequence[float] = GRID
) -> float:
    """The temperature whose confidences best predict correctness: the least binary
    log-loss of ``pairs_at(T)`` (each decision's (right?, confidence) at T) over the grid."""
    best, best_loss = 1.0, math.inf
    eps = 1e-6
    for t in grid:
        pairs = pairs_at(t)
        loss = -float(
            np.mean([math.log(max(c, eps)) if ok else math.log(max(1 - c, eps)) for ok, c in pairs])
        )
        if loss < best_loss:
            best, best_loss = t, loss
    return best
