"""Turning per-case records into the ``results.json`` summary of an ``edgeagent eval`` run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from edgeagent.evaluation.live import trigger_group
from edgeagent.evaluation.metrics import (
    apgr,
    auc,
    auroc,
    cpt,
    ece,
    percentiles,
    reliability,
    routing_curve,
)
from edgeagent.evaluation.records import CaseRecord

NO_TOOL = "(none)"  # the per-tool key of cases that expect no action
RATIO_DIGITS = 4  # accuracies, rates, AUC, ...
THRESHOLD_DIGITS = 6  # the full-offload threshold sits 1e-6 above the top confidence
MS_DIGITS = 1  # latencies in milliseconds


def _r(value: float | None, digits: int = RATIO_DIGITS) -> float | None:
    return None if value is None else round(float(value), digits)


def _mean(flags: Sequence[bool]) -> float | None:
    return sum(1 for f in flags if f) / len(flags) if flags else None


def routed_latency_ms(record: CaseRecord) -> float:
    """What the routed agent spent: the local decision, plus the cloud's when it escalated."""
    return record.local.latency_ms + (record.cloud.latency_ms if record.escalated else 0.0)


def tool_key(record: CaseRecord) -> str:
    """The per-tool bucket of a case: its first expected tool, or ``(none)``."""
    return record.expected_tools[0] if record.expected_tools else NO_TOOL


def _per_tier(
    records: Sequence[CaseRecord], flag: Callable[[Any], bool]
) -> dict[str, float | None]:
    """A rate for the local, cloud and routed outcomes of ``records``."""
    return {
        "local": _r(_mean([flag(r.local) for r in records])),
        "cloud": _r(_mean([flag(r.cloud) for r in records])),
        "routed": _r(_mean([flag(r.routed) for r in records])),
    }


def _group(records: Sequence[CaseRecord]) -> dict[str, Any]:
    return {
        "cases": len(records),
        "local_accuracy": _r(_mean([r.local.correct for r in records])),
        "cloud_accuracy": _r(_mean([r.cloud.correct for r in records])),
        "routed_accuracy": _r(_mean([r.routed.correct for r in records])),
        "local_effect_accuracy": _r(_mean([r.local.effect for r in records])),
        "offload": _r(_mean([r.escalated for r in records])),
    }


def _grouped(
    records: Sequence[CaseRecord], key: Callable[[CaseRecord], str]
) -> dict[str, dict[str, Any]]:
    """Figures per group, largest group first (then by name)."""
    groups: dict[str, list[CaseRecord]] = {}
    for r in records:
        groups.setdefault(key(r), []).append(r)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {name: _group(rs) for name, rs in ordered}


def _latency(values: Sequence[float]) -> dict[str, float | None]:
    return {k: _r(v, MS_DIGITS) for k, v in percentiles(values).items()}


def summarize(records: Sequence[CaseRecord], *, meta: dict[str, Any]) -> dict[str, Any]:
    """The ``results.json`` dict: run metadata, then every figure computed from ``records``.

    ``meta`` is copied first (local/cloud brain names, policy, case file, seed, ...); its
    ``threshold`` (the policy's base threshold) is reported as ``threshold``. Computed keys
    win over meta keys of the same name. Empty ``records`` give None for every ratio.
    """
    conf = [r.local.confidence for r in records]
    local_ok = [r.local.correct for r in records]
    cloud_ok = [r.cloud.correct for r in records]
    local_acc = _mean(local_ok)
    cloud_acc = _mean(cloud_ok)

    curve = routing_curve(conf, local_ok, cloud_ok)
    area = auc(curve)
    no_action = [r for r in records if not r.expected_tools]
    measured = [r for r in records if r.local.unfamiliarity is not None]
    unfamiliar = [float(r.local.unfamiliarity or 0.0) for r in measured]
    known_ok = [r.local.correct for r in measured]

    figures: dict[str, Any] = {
        "cases": len(records),
        "local_accuracy": _r(local_acc),
        "cloud_accuracy": _r(cloud_acc),
        "routed_accuracy": _r(_mean([r.routed.correct for r in records])),
        "offload_rate": _r(_mean([r.escalated for r in records])),
        "threshold": meta.get("threshold"),
        "latency_ms": {
            "local": _latency([r.local.latency_ms for r in records]),
            "cloud": _latency([r.cloud.latency_ms for r in records]),
            "routed": _latency([routed_latency_ms(r) for r in records]),
        },
        "curve": [
            {
                "threshold": _r(p.threshold, THRESHOLD_DIGITS),
                "offload": _r(p.offload),
                "accuracy": _r(p.accuracy),
            }
            for p in curve
        ],
        "auc": _r(area),
        "apgr": _r(apgr(area, local_acc, cloud_acc)),
        "cpt50": _r(cpt(curve, local_acc, cloud_acc, 0.5)),
        "cpt80": _r(cpt(curve, local_acc, cloud_acc, 0.8)),
        "auroc": _r(auroc(conf, local_ok)),
        "ece": _r(ece(conf, local_ok)),
        "reliability": [
            {
                "lo": _r(b.lo),
                "hi": _r(b.hi),
                "count": b.count,
                "mean_confidence": _r(b.mean_confidence),
                "accuracy": _r(b.accuracy),
            }
            for b in reliability(conf, local_ok)
        ],
        "per_tool": _grouped(records, tool_key),
        "per_category": _grouped(records, lambda r: r.category),
        "invalid": {
            "local": sum(1 for r in records if r.local.kind == "invalid"),
            "cloud": sum(1 for r in records if r.cloud.kind == "invalid"),
        },
        "effect_accuracy": _per_tier(records, lambda o: o.effect),
        "no_action_cases": len(no_action),
        "false_action_rate": _per_tier(no_action, lambda o: o.acted),
        "false_change_rate": _per_tier(no_action, lambda o: o.changed),
        "no_action_offload": _r(_mean([r.escalated for r in no_action])),
        "signals": {
            "confidence": {"auroc": _r(auroc(conf, local_ok)), "ece": _r(ece(conf, local_ok))},
            **(
                {"unfamiliarity": {"auroc": _r(auroc([1.0 - u for u in unfamiliar], known_ok))}}
                if unfamiliar
                else {}
            ),
        },
        "escalation_reasons": dict(
            Counter(
                trigger_group(r.trigger, r.rule) or "(unspecified)" for r in records if r.escalated
            ).most_common()
        ),
    }
    return {**meta, **figures}
