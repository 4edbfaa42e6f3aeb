"""Mixing requests from two sources into one training set: the ones a toolkit's code writes
and the ones its sentence files give."""

from __future__ import annotations

import random
from collections.abc import Sequence

from edgeagent.cases import Case
from edgeagent.sentences.noise import add_noise, protected_spans


def with_noise(cases: Sequence[Case], share: float, rng: random.Random) -> list[Case]:
    """``share`` of the cases with speech-recognition noise, never touching the words that
    name an argument's value."""
    out = []
    for case in cases:
        if share and rng.random() < share:
            values = [v for call in case.expected for v in call.args.values()]
            noisy = add_noise(case.utterance, protected_spans(case.utterance, values), rng)
            case = case.model_copy(update={"utterance": noisy})
        out.append(case)
    return out


def mix_cases(
    written: Sequence[Case],
    drawn: Sequence[Case],
    *,
    seed: int,
    noise: float,
    prefix: str,
) -> list[Case]:
    """``written`` (given ``noise``) and ``drawn`` (noisy already), shuffled together with a
    seeded order and numbered ``PREFIX-i``."""
    rng = random.Random(seed)
    cases = [*with_noise(written, noise, rng), *drawn]
    rng.shuffle(cases)
    return [c.model_copy(update={"id": f"{prefix}-{i}"}) for i, c in enumerate(cases)]
