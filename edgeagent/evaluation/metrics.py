"""Offload-quality and calibration metrics over per-case outcomes (pure functions).

The routing sweep follows RouteLLM: a local decision with confidence ``c`` escalates when
``c < threshold``; sweeping the threshold traces routed accuracy against the fraction sent to
the cloud (the *offload*). From that curve come the AUC, APGR (the share of the local→cloud
accuracy gap recovered, averaged over offloads) and CPT(x) (the least offload that recovers
``x`` of the gap). AUROC and ECE judge the confidence itself: does it rank right decisions
above wrong ones, and does it match the observed accuracy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from edgeagent.calibration import Scored, candidate_thresholds, operating_point

# Routed accuracies are sums of 1/n steps; a tolerance keeps ``>=`` honest under float error.
_EPS = 1e-9


@dataclass(frozen=True)
class CurvePoint:
    """One operating point of the threshold sweep."""

    threshold: float  # escalate when confidence < threshold
    offload: float  # fraction of cases escalated
    accuracy: float  # routed accuracy at this threshold


@dataclass(frozen=True)
class Bin:
    """One equal-width confidence bin of a reliability diagram (``[lo, hi)``, last bin closed)."""

    lo: float
    hi: float
    count: int
    mean_confidence: float | None  # None for an empty bin
    accuracy: float | None  # None for an empty bin


def _check_lengths(*columns: Sequence[object]) -> int:
    n = len(columns[0])
    if any(len(c) != n for c in columns):
        raise ValueError("inputs must have the same length")
    return n


def routing_curve(
    confidences: Sequence[float],
    local_correct: Sequence[bool],
    cloud_correct: Sequence[bool],
) -> list[CurvePoint]:
    """Routed accuracy for every distinct offload, by increasing offload.

    Thresholds are those of ``edgeagent calibrate``: 0 (offload 0), each distinct positive
    confidence, and just above the highest confidence (offload 1). Empty input gives ``[]``.
    """
    n = _check_lengths(confidences, local_correct, cloud_correct)
    if n == 0:
        return []
    items = [
        Scored(confidence=c, local_correct=bool(lc), cloud_correct=bool(cc))
        for c, lc, cc in zip(confidences, local_correct, cloud_correct, strict=True)
    ]
    by_offload: dict[float, CurvePoint] = {}
    for t in candidate_thresholds(items):
        op = operating_point(items, t)
        assert op.accuracy is not None  # every item is labelled
        # The lowest threshold reaching an offload represents it.
        by_offload.setdefault(op.offload, CurvePoint(t, op.offload, op.accuracy))
    return sorted(by_offload.values(), key=lambda p: p.offload)


def auc(curve: Sequence[CurvePoint]) -> float | None:
    """Area under routed accuracy vs offload (trapezoid rule); None for an empty curve.

    A curve from :func:`routing_curve` spans offload 0 to 1, so this is the mean routed
    accuracy over offloads (linear interpolation = randomly mixing two thresholds).
    """
    if not curve:
        return None
    pts = sorted(curve, key=lambda p: p.offload)
    return sum((b.offload - a.offload) * (a.accuracy + b.accuracy) / 2 for a, b in pairwise(pts))


def apgr(
    auc_router: float | None, local_acc: float | None, cloud_acc: float | None
) -> float | None:
    """Average performance gap recovered: ``(AUC - local) / (cloud - local)``.

    The baselines are the constant lines at the local-only and cloud-only accuracies. None when
    an input is missing or the two tiers are equally accurate (no gap to recover). Negative when
    the cloud is the weaker tier or the router does worse than local alone.
    """
    if auc_router is None or local_acc is None or cloud_acc is None:
        return None
    gap = cloud_acc - local_acc
    if abs(gap) < _EPS:
        return None
    return (auc_router - local_acc) / gap


def cpt(
    curve: Sequence[CurvePoint],
    local_acc: float | None,
    cloud_acc: float | None,
    fraction: float,
) -> float | None:
    """Call-performance threshold: the least offload recovering ``fraction`` of the gap.

    Returns the smallest offload among the curve's points (no interpolation) whose routed
    accuracy reaches ``local + fraction * (cloud - local)``. When the cloud is no more accurate
    than local (gap <= 0) nothing needs offloading and the answer is 0.0. None when an input is
    missing or no point reaches the target (impossible for a full curve, whose offload-1 point
    has the cloud's accuracy).
    """
    if not curve or local_acc is None or cloud_acc is None:
        return None
    gap = cloud_acc - local_acc
    if gap <= _EPS:
        return 0.0
    target = local_acc + fraction * gap
    reaching = [p.offload for p in curve if p.accuracy >= target - _EPS]
    return min(reaching) if reaching else None


def auroc(confidences: Sequence[float], correct: Sequence[bool]) -> float | None:
    """P(a random right decision has higher confidence than a random wrong one), ties count 1/2.

    The Mann–Whitney U statistic from average ranks. None when either class is empty.
    """
    n = _check_lengths(confidences, correct)
    n_pos = sum(1 for c in correct if c)
    n_neg = n - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    order = sorted(range(n), key=lambda i: confidences[i])
    ranks = [0.0] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and confidences[order[j + 1]] == confidences[order[i]]:
            j += 1
        mean_rank = (i + j) / 2 + 1  # 1-based average rank of the tie group
        for k in range(i, j + 1):
            ranks[order[k]] = mean_rank
        i = j + 1
    rank_sum = sum(r for r, c in zip(ranks, correct, strict=True) if c)
    u = rank_sum - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)


def reliability(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> list[Bin]:
    """Equal-width confidence bins on [0, 1], empty ones included; 1.0 falls in the last bin."""
    if bins < 1:
        raise ValueError("bins must be >= 1")
    _check_lengths(confidences, correct)
    members: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for c, ok in zip(confidences, correct, strict=True):
        idx = min(max(int(c * bins), 0), bins - 1)
        members[idx].append((c, bool(ok)))
    out = []
    for i, group in enumerate(members):
        if group:
            mean_conf: float | None = sum(c for c, _ in group) / len(group)
            acc: float | None = sum(1 for _, ok in group if ok) / len(group)
        else:
            mean_conf = acc = None
        out.append(Bin(i / bins, (i + 1) / bins, len(group), mean_conf, acc))
    return out


def ece(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float | None:
    """Expected calibration error: count-weighted mean |accuracy - confidence| over the bins.

    None for empty input.
    """
    n = _check_lengths(confidences, correct)
    if n == 0:
        return None
    total = 0.0
    for b in reliability(confidences, correct, bins):
        if b.count and b.accuracy is not None and b.mean_confidence is not None:
            total += b.count / n * abs(b.accuracy - b.mean_confidence)
    return total


def quantile(values: Iterable[float], q: float) -> float | None:
    """The q-th quantile (0..1), linear interpolation between ranks; None when empty."""
    s = sorted(values)
    if not s:
        return None
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """Median and 95th percentile with linear interpolation (numpy's default); None when empty."""
    return {"p50": quantile(values, 0.5), "p95": quantile(values, 0.95)}
