"""The figures of a live report, computed from the decision log's rows (fields, not prose)."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from edgeagent.errors import ConfigError
from edgeagent.evaluation.live.window import parse_duration
from edgeagent.evaluation.metrics import quantile

NO_ACTION = "(no action)"
NOT_LOCAL = ("cloud", "none")  # tiers that are not a local brain's decision
HIST_BINS = 10
# bucket sizes tried in order: the first that splits the window into at most _MAX_BUCKETS wins
_BUCKETS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400)
_MAX_BUCKETS = 48

_FROZEN = ConfigDict(frozen=True)


# --- the report ------------------------------------------------------------------------------


class Totals(BaseModel):
    """Counts over the whole window."""

    model_config = _FROZEN

    decisions: int = 0
    sessions: int = 0
    local: int = Field(0, description="Decided by a local tier (or an unrouted brain)")
    escalated: int = 0
    offload_rate: float = 0.0
    cloud_answered: int = 0
    cloud_rate: float = Field(0.0, description="cloud_answered / decisions")
    cloud_unavailable: int = Field(0, description="Escalated, but the cloud did not answer")
    fell_back_local: int = Field(0, description="Cloud unavailable; the offline rule acted locally")
    no_change: int = Field(0, description="Cloud unavailable; nothing was changed (tier 'none')")
    invalid: int = 0
    errors: int = Field(0, description="Steps where a call failed")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cloud_prompt_tokens: int = 0
    cloud_completion_tokens: int = 0


class LatencyStats(BaseModel):
    """Decision latency in milliseconds (None without decisions)."""

    model_config = _FROZEN

    p50_ms: float | None = None
    p95_ms: float | None = None
    mean_ms: float | None = None
    max_ms: float | None = None


class TierStats(BaseModel):
    """Decisions made by one tier (a local tier's label, ``cloud`` or ``none``)."""

    model_config = _FROZEN

    tier: str
    decisions: int
    share: float
    mean_confidence: float
    latency: LatencyStats
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ToolStats(BaseModel):
    """Decisions grouped by their first call's tool (``(no action)`` without calls)."""

    model_config = _FROZEN

    tool: str
    decisions: int
    offload_rate: float
    error_rate: float
    latency_p50_ms: float | None


class Bucket(BaseModel):
    """One time bucket ``[start, end)`` with at least one decision."""

    model_config = _FROZEN

    start: float
    end: float
    decisions: int
    escalated: int
    cloud_answered: int
    offload_rate: float


class ConfidenceHistogram(BaseModel):
    """Local confidences in 10 equal bins over [0, 1]; ``escalated`` counts the escalated part."""

    model_config = _FROZEN

    edges: list[float] = Field(default_factory=lambda: [i / HIST_BINS for i in range(11)])
    counts: list[int] = Field(default_factory=lambda: [0] * HIST_BINS)
    escalated: list[int] = Field(default_factory=lambda: [0] * HIST_BINS)


class ReasonCount(BaseModel):
    """A group of escalation reasons, with one example of the logged text."""

    model_config = _FROZEN

    reason: str
    count: int
    share: float = Field(description="Of the escalated decisions")
    example: str


class LiveReport(BaseModel):
    """Figures for one window of a live decision log."""

    model_config = _FROZEN

    db: str
    generated_at: float
    since: float | None = None
    until: float | None = None
    first_ts: float | None = None
    last_ts: float | None = None
    bucket_s: float
    totals: Totals
    latency: LatencyStats
    tiers: list[TierStats]
    tools: list[ToolStats]
    buckets: list[Bucket]
    confidence: ConfidenceHistogram
    unfamiliarity: ConfidenceHistogram = Field(
        default_factory=ConfidenceHistogram,
        description="Local unfamiliarity (brains that measure it), same bins",
    )
    reasons: list[ReasonCount] = Field(description="Why decisions escalated, most frequent first")
    cloud_outcomes: list[ReasonCount] = Field(
        description="What happened when escalated decisions reached for the cloud"
    )


class _Row(BaseModel):
    """The columns of one logged decision that the report uses."""

    ts: float
    session: str | None
    brain: str
    tier: str | None
    kind: str
    confidence: float
    escalated: bool
    escalation_reason: str | None
    trigger: str | None
    rule: str | None = None
    cloud_outcome: str | None = None
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    tool: str
    failed: bool
    local_confidence: float | None
    unfamiliarity: float | None = None

    @property
    def where(self) -> str:
        """The tier that decided, or the brain for an unrouted one."""
        return self.tier or self.brain

    @property
    def is_local(self) -> bool:
        return self.tier not in NOT_LOCAL

    @property
    def offloaded(self) -> bool:
        return self.escalated or self.escalation_reason is not None

    @property
    def cloud_unavailable(self) -> bool:
        return self.offloaded and self.tier != "cloud"


def live_report(
    db_path: str | Path,
    since: float | None = None,
    until: float | None = None,
    bucket: float | str | None = None,
    *,
    now: float | None = None,
) -> LiveReport:
    """Read the decisions logged in ``[since, until)`` (read-only) and compute the report.

    ``bucket`` is the size of the time buckets in seconds or as a duration (``15m``, ``1h``,
    ``1d``); by default it is chosen from the span of the window.
    """
    if since is not None and until is not None and since >= until:
        raise ConfigError("the window is empty: --since must be before --until")
    bucket_s = parse_duration(bucket) if isinstance(bucket, str) else bucket
    if bucket_s is not None and bucket_s <= 0:
        raise ConfigError("the bucket size must be positive")
    rows = _read(Path(db_path), since, until)
    first = rows[0].ts if rows else None
    last = rows[-1].ts if rows else None
    if bucket_s is None:
        lo = since if since is not None else first
        hi = until if until is not None else last
        bucket_s = _auto_bucket((hi - lo) if lo is not None and hi is not None else 0.0)
    return LiveReport(
        db=str(db_path),
        generated_at=time.time() if now is None else now,
        since=since,
        until=until,
        first_ts=first,
        last_ts=last,
        bucket_s=bucket_s,
        totals=_totals(rows),
        latency=_latency([r.latency_ms for r in rows]),
        tiers=_tiers(rows),
        tools=_tools(rows),
        buckets=_buckets(rows, bucket_s),
        confidence=_histogram(rows),
        unfamiliarity=_histogram(rows, lambda r: r.unfamiliarity),
        reasons=_counted(rows, lambda r: trigger_group(r.trigger, r.rule, r.offloaded)),
        cloud_outcomes=_counted(rows, _outcome),
    )


def _read(path: Path, since: float | None, until: float | None) -> list[_Row]:
    from edgeagent.telemetry import read_decisions

    return [_row(r) for r in read_decisions(path, since=since, until=until)]


def _row(r: dict[str, Any]) -> _Row:
    calls = r["calls"] or []
    local_conf = r["local_confidence"]
    if local_conf is None and r["tier"] not in NOT_LOCAL:  # a log from before the column
        local_conf = r["confidence"]
    return _Row(
        ts=r["ts"],
        session=r["session"],
        brain=r["brain"],
        tier=r["tier"],
        kind=r["kind"],
        confidence=r["confidence"],
        escalated=bool(r["escalated"]),
        escalation_reason=r["escalation_reason"],
        trigger=r["trigger"],
        rule=r["escalation_rule"],
        cloud_outcome=r["cloud_outcome"],
        latency_ms=r["latency_ms"],
        prompt_tokens=r["prompt_tokens"] or 0,
        completion_tokens=r["completion_tokens"] or 0,
        tool=calls[0]["tool"] if calls else NO_ACTION,
        failed=bool(r["errors"]),
        local_confidence=local_conf,
        unfamiliarity=r["unfamiliarity"],
    )


# --- figures ---------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _latency(values: list[float]) -> LatencyStats:
    if not values:
        return LatencyStats()
    return LatencyStats(
        p50_ms=quantile(values, 0.5),
        p95_ms=quantile(values, 0.95),
        mean_ms=sum(values) / len(values),
        max_ms=max(values),
    )


def _totals(rows: list[_Row]) -> Totals:
    n = len(rows)
    escalated = sum(r.offloaded for r in rows)
    cloud = [r for r in rows if r.tier == "cloud"]
    unavailable = [r for r in rows if r.cloud_unavailable]
    return Totals(
        decisions=n,
        sessions=len({r.session for r in rows}),
        local=sum(r.is_local for r in rows),
        escalated=escalated,
        offload_rate=_rate(escalated, n),
        cloud_answered=len(cloud),
        cloud_rate=_rate(len(cloud), n),
        cloud_unavailable=len(unavailable),
        fell_back_local=sum(r.is_local for r in unavailable),
        no_change=sum(r.tier == "none" for r in unavailable),
        invalid=sum(r.kind == "invalid" for r in rows),
        errors=sum(r.failed for r in rows),
        prompt_tokens=sum(r.prompt_tokens for r in rows),
        completion_tokens=sum(r.completion_tokens for r in rows),
        cloud_prompt_tokens=sum(r.prompt_tokens for r in cloud),
        cloud_completion_tokens=sum(r.completion_tokens for r in cloud),
    )


def _tiers(rows: list[_Row]) -> list[TierStats]:
    groups: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        groups[r.where].append(r)
    stats = [
        TierStats(
            tier=tier,
            decisions=len(group),
            share=_rate(len(group), len(rows)),
            mean_confidence=sum(r.confidence for r in group) / len(group),
            latency=_latency([r.latency_ms for r in group]),
            prompt_tokens=sum(r.prompt_tokens for r in group),
            completion_tokens=sum(r.completion_tokens for r in group),
        )
        for tier, group in groups.items()
    ]
    return sorted(stats, key=lambda s: (-s.decisions, s.tier))


def _tools(rows: list[_Row]) -> list[ToolStats]:
    groups: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        groups[r.tool].append(r)
    stats = [
        ToolStats(
            tool=tool,
            decisions=len(group),
            offload_rate=_rate(sum(r.offloaded for r in group), len(group)),
            error_rate=_rate(sum(r.failed for r in group), len(group)),
            latency_p50_ms=quantile((r.latency_ms for r in group), 0.5),
        )
        for tool, group in groups.items()
    ]
    return sorted(stats, key=lambda s: (-s.decisions, s.tool))


def _auto_bucket(span_s: float) -> float:
    for size in _BUCKETS:
        if span_s / size <= _MAX_BUCKETS:
            return float(size)
    return float(_BUCKETS[-1])


def _bucket_start(ts: float, size: float, offset: float) -> float:
    """Buckets align with local clock time (an hour bucket starts on the hour, a day at 00:00)."""
    return math.floor((ts + offset) / size) * size - offset


def _buckets(rows: list[_Row], size: float) -> list[Bucket]:
    if not rows:
        return []
    offset = _utc_offset(rows[0].ts)
    groups: dict[float, list[_Row]] = defaultdict(list)
    for r in rows:
        groups[_bucket_start(r.ts, size, offset)].append(r)
    return [
        Bucket(
            start=start,
            end=start + size,
            decisions=len(group),
            escalated=sum(r.offloaded for r in group),
            cloud_answered=sum(r.tier == "cloud" for r in group),
            offload_rate=_rate(sum(r.offloaded for r in group), len(group)),
        )
        for start, group in sorted(groups.items())
    ]


def _utc_offset(ts: float) -> float:
    delta = datetime.fromtimestamp(ts).astimezone().utcoffset()
    return delta.total_seconds() if delta is not None else 0.0


def confidence_bin(confidence: float) -> int:
    """The histogram bin (0..9) of a confidence; 1.0 falls in the last bin."""
    return min(math.floor(round(confidence * HIST_BINS, 9)), HIST_BINS - 1)


def _histogram(
    rows: list[_Row], value: Callable[[_Row], float | None] = lambda r: r.local_confidence
) -> ConfidenceHistogram:
    """How many decisions (and how many of them escalated) fall in each tenth of a value."""
    counts, escalated = [0] * HIST_BINS, [0] * HIST_BINS
    for r in rows:
        v = value(r)
        if v is None:
            continue
        i = confidence_bin(v)
        counts[i] += 1
        escalated[i] += r.offloaded
    return ConfidenceHistogram(counts=counts, escalated=escalated)


# --- escalation reasons ----------------------------------------------------------------------

_TRIGGERS = {
    "invalid_output": "invalid local output",
    "always_cloud": "always cloud",
    "unfamiliar": "unfamiliar request",
    "local_error": "local brain failed",
    "sampled": "sampled to collect teacher examples",
}
_CLOUD = {
    "invalid_answer": "cloud output invalid",
    "failed": "cloud call failed",
    "timed_out": "cloud timed out",
    "no_time": "no time left for the cloud",
    "budget_spent": "cloud budget spent",
    "breaker_open": "cloud circuit open",
    "no_cloud": "no cloud configured",
}


def trigger_group(
    trigger: str | None, rule: str | None = None, escalated: bool = True
) -> str | None:
    """Why a decision left the local tiers, as a group name (None: it did not), from the
    logged ``trigger`` and ``escalation_rule`` (which threshold applied, what forced the
    cloud)."""
    if trigger is None:
        return "(not recorded)" if escalated else None
    if trigger == "low_confidence":
        if rule in (None, "threshold"):
            return "confidence below threshold"
        return "confidence below a tool/risk threshold"
    if trigger == "always_cloud":
        return f"always cloud: {rule}" if rule else "always cloud"
    return _TRIGGERS.get(trigger, trigger)


def _outcome(row: _Row) -> str | None:
    """What happened once a decision reached for the cloud (None: it did not)."""
    if not row.offloaded:
        return None
    if row.tier == "cloud":
        return "cloud answered"
    cause = _CLOUD.get(row.cloud_outcome or "", "other")
    return f"offline: {cause} → {'acted locally' if row.is_local else 'no change'}"


def _counted(rows: list[_Row], group: Any) -> list[ReasonCount]:
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for r in rows:
        name = group(r)
        if name is None:
            continue
        counts[name] += 1
        examples.setdefault(name, r.escalation_reason or "")
    total = sum(r.offloaded for r in rows)
    return [
        ReasonCount(reason=name, count=n, share=_rate(n, total), example=examples[name])
        for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
