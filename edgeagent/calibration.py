"""Choosing an escalation threshold from data (RouteLLM-style calibration).

A local decision with confidence ``c`` escalates when ``c < t``. For a set of decisions, the
offload rate at ``t`` is the fraction with ``c < t``; the routed accuracy is the local
accuracy on the kept ones plus the cloud's on the escalated ones (the cloud is taken as right
unless told otherwise). ``for_offload`` picks the confidence quantile that gives a target
offload; ``for_accuracy`` the lowest-offload threshold that reaches a target accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from edgeagent.errors import ConfigError


@dataclass(frozen=True)
class Scored:
    """One local decision: its confidence and, where labels exist, whether it was right."""

    confidence: float
    local_correct: bool | None = None
    cloud_correct: bool = True


@dataclass(frozen=True)
class Operating:
    threshold: float
    offload: float
    accuracy: float | None


def candidate_thresholds(items: Sequence[Scored]) -> list[float]:
    """Thresholds that give every distinct offload: 0, each distinct confidence, and > max."""
    values = sorted({i.confidence for i in items})
    top = (values[-1] + 1e-6) if values else 1.0
    return [0.0, *[v for v in values if v > 0.0], min(top, 1.0 + 1e-6)]


def operating_point(items: Sequence[Scored], threshold: float) -> Operating:
    n = len(items)
    if n == 0:
        raise ValueError("no decisions to calibrate on")
    escalated = [i.confidence < threshold for i in items]
    offload = sum(escalated) / n
    if any(i.local_correct is None for i in items):
        return Operating(threshold, offload, None)
    right = sum(
        (i.cloud_correct if esc else bool(i.local_correct))
        for i, esc in zip(items, escalated, strict=True)
    )
    return Operating(threshold, offload, right / n)


def curve(items: Sequence[Scored]) -> list[Operating]:
    """Operating points for every distinct threshold, by increasing offload."""
    return [operating_point(items, t) for t in candidate_thresholds(items)]


def for_offload(items: Sequence[Scored], target: float) -> Operating:
    """The threshold whose offload is closest to ``target`` (the lower offload on ties)."""
    if not 0.0 <= target <= 1.0:
        raise ValueError("target offload must be in [0, 1]")
    return min(curve(items), key=lambda op: (abs(op.offload - target), op.offload))


def for_accuracy(items: Sequence[Scored], target: float) -> Operating:
    """The lowest-offload threshold whose routed accuracy reaches ``target``.

    Falls back to sending everything to the cloud when no threshold reaches it.
    """
    if any(i.local_correct is None for i in items):
        raise ValueError("a target accuracy needs labelled decisions")
    points = curve(items)
    reaching = [op for op in points if op.accuracy is not None and op.accuracy >= target]
    if reaching:
        return min(reaching, key=lambda op: (op.offload, -op.threshold))
    return points[-1]


def scored_from_log(path: str | Path) -> list[Scored]:
    """The first local tier's confidence of every logged decision (no labels: a target
    offload only)."""
    from edgeagent.telemetry import read_decisions

    items = []
    for row in read_decisions(path):
        conf = row["local_confidence"]
        if conf is None:  # a log from before the column: the decision JSON has it
            decision = row["decision"] or {}
            conf = decision.get("local_confidence", decision.get("confidence", row["confidence"]))
        items.append(Scored(confidence=float(conf)))
    return items


def choose(
    items: Sequence[Scored], *, target_offload: float | None, target_accuracy: float | None
) -> Operating:
    """The operating point for exactly one of a target offload or a target accuracy."""
    if (target_offload is None) == (target_accuracy is None):
        raise ConfigError("give exactly one of a target offload and a target accuracy")
    if target_offload is not None:
        return for_offload(items, target_offload)
    assert target_accuracy is not None
    return for_accuracy(items, target_accuracy)
