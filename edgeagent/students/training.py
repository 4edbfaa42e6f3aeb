"""What every student's training shares: the torch guard, LoRA wrapping, the schedule, the
seeded batches and the optimisation loop. Students differ in how a batch becomes a loss;
everything around that is here, once.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from edgeagent.errors import MissingDependencyError

TRAIN_EXTRA = "train"  # the extra that installs the training stack (torch, transformers, peft)


def require_torch() -> Any:
    """torch (with transformers importable), or a clear error naming the extra to install."""
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError("torch", TRAIN_EXTRA) from exc
    return torch


def add_lora(
    module: Any, *, rank: int, alpha: int, targets: Sequence[str], dropout: float = 0.0
) -> Any:
    """``module`` wrapped by PEFT with trainable LoRA adapters of ``rank`` on the named
    projections; every other weight is frozen."""
    try:
        from peft import LoraConfig, get_peft_model
    except ImportError as exc:
        raise MissingDependencyError("peft", TRAIN_EXTRA) from exc
    config = LoraConfig(
        r=rank, lora_alpha=alpha, target_modules=list(targets), lora_dropout=dropout, bias="none"
    )
    with quiet():
        return get_peft_model(module, config)


class Schedule(BaseModel):
    """The optimisation settings every student's config carries."""

    model_config = ConfigDict(extra="forbid")

    steps: int = Field(gt=0)
    batch_size: int = Field(gt=0)
    warmup: int = Field(ge=0)
    seed: int = 0
    clip: float = Field(default=1.0, gt=0, description="gradient norm clipping")
    weight_decay: float = Field(default=0.01, ge=0)


def warmup_cosine(optimizer: Any, warmup: int, steps: int) -> Any:
    """A torch scheduler: linear warmup over ``warmup`` steps, then cosine decay to 0 at
    ``steps``."""
    import torch

    def lr_at(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        done = (step - warmup) / max(1, steps - warmup)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, done)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)


def seeded_batches(n: int, batch_size: int, rng: random.Random) -> Iterator[list[int]]:
    """Endless batches of indices into ``n`` examples: each pass over them is a fresh
    ``rng`` shuffle, and a batch may run across two passes."""
    order: list[int] = []
    while True:
        if len(order) < batch_size:
            fresh = list(range(n))
            rng.shuffle(fresh)
            order += fresh
        yield [order.pop() for _ in range(batch_size)]


def fit(
    model: Any,
    param_groups: list[dict[str, Any]],
    n_examples: int,
    loss_of: Callable[[list[int]], Any],
    schedule: Schedule,
    *,
    after_step: Callable[[int], None] | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> list[float]:
    """AdamW over ``param_groups`` (each with its own ``lr``), warmup then cosine decay,
    gradient clipping, seeded batches of indices into the ``n_examples`` (``loss_of`` turns
    one batch into a scalar loss). ``after_step(step)`` runs after each update (re-apply a
    pruning mask, save a checkpoint). Returns the loss per step; the model is left in eval
    mode."""
    torch = require_torch()
    rng = random.Random(schedule.seed)
    opt = torch.optim.AdamW(param_groups, weight_decay=schedule.weight_decay)
    sched = warmup_cosine(opt, schedule.warmup, schedule.steps)
    params = [p for g in param_groups for p in g["params"]]
    losses: list[float] = []
    model.train()
    batches = seeded_batches(n_examples, schedule.batch_size, rng)
    for step, picked in zip(range(schedule.steps), batches, strict=False):
        loss = loss_of(picked)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, schedule.clip)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        if after_step is not None:
            after_step(step + 1)
        if progress is not None:
            progress(step + 1, losses[-1])
    model.eval()
    return losses


class quiet(warnings.catch_warnings):
    """Silence torch's, transformers' and peft's chatter around loading and wrapping models."""

    def __enter__(self) -> None:
        super().__enter__()
        warnings.simplefilter("ignore")
        try:
            from transformers.utils import logging

            logging.set_verbosity_error()
            logging.disable_progress_bar()
        except ImportError:  # pragma: no cover
            pass
