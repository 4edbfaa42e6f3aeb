"""What every training loop here shares: the learning-rate schedule and the seeded batches."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any


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
