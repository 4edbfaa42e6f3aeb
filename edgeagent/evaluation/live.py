"""What a deployed agent does and costs, read from its live decision log (``edgeagent report``).

The report is computed from the ``decisions`` table that :class:`~edgeagent.telemetry.Telemetry`
writes, opened read-only so a running agent is never disturbed. Definitions:

- *escalated*: the router sent the decision past its local tiers: the logged ``escalated`` flag,
  or an escalation reason recorded when the cloud could not answer and the offline rule acted
  locally. ``offload_rate`` is escalated / decisions.
- *cloud answered*: the cloud decided (tier ``cloud``); *cloud unavailable*: it was escalated but
  the cloud did not answer (no cloud, budget spent, circuit open, call failed, invalid output),
  so the agent either acted locally (offline rule) or changed nothing (tier ``none``).
- *local confidence*: the first local tier's confidence (``decision.local_confidence``), or the
  confidence of a decision a local brain made on its own.
- *errors*: steps where at least one executed call failed; *invalid*: decisions of kind
  ``invalid`` (never executed).
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console
from rich.table import Table

from edgeagent.errors import ConfigError
from edgeagent.evaluation.metrics import quantile

NO_ACTION = "(no action)"
NOT_LOCAL = ("cloud", "none")  # tiers that are not a local brain's decision
HIST_BINS = 10
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
# bucket sizes tried in order: the first that splits the window into at most _MAX_BUCKETS wins
_BUCKETS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400)
_MAX_BUCKETS = 48

_FROZEN = ConfigDict(frozen=True)


# --- parsing the window ----------------------------------------------------------------------


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``90s``, ``30m``, ``24h``, ``7d`` or ``2w``."""
    match = _DURATION.match(text)
    if not match:
        raise ConfigError(f"invalid duration {text!r}: use a number and a unit s, m, h, d or w")
    seconds = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if seconds <= 0:
        raise ConfigError(f"invalid duration {text!r}: it must be positive")
    return seconds


def parse_since(text: str, now: float | None = None) -> float:
    """A point in time as a Unix timestamp: ``now``, a duration ago (``30m``, ``24h``, ``7d``) or
    an ISO date/datetime (``2024-05-01``, ``2024-05-01T08:00``, ``...+02:00``, ``...Z``; naive
    values are local time)."""
    now = time.time() if now is None else now
    value = text.strip()
    if value.lower() == "now":
        return now
    if _DURATION.match(value):
        return now - parse_duration(value)
    iso = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        raise ConfigError(
            f"invalid time {text!r}: use 'now', a duration ago such as 30m, 24h or 7d,"
            " or an ISO date/datetime such as 2024-05-01 or 2024-05-01T08:00"
        ) from None


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
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    tool: str
    failed: bool
    local_confidence: float | None

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
        reasons=_counted(rows, lambda r: trigger_group(r.escalation_reason)),
        cloud_outcomes=_counted(rows, _outcome),
    )


def _read(path: Path, since: float | None, until: float | None) -> list[_Row]:
    if not path.is_file():
        raise ConfigError(f"no decision log at {path}")
    where, params = [], []
    if since is not None:
        where.append("ts >= ?")
        params.append(since)
    if until is not None:
        where.append("ts < ?")
        params.append(until)
    query = (
        "SELECT ts, session, brain, tier, kind, confidence, escalated, escalation_reason,"
        " latency_ms, prompt_tokens, completion_tokens, calls, errors, decision FROM decisions"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY ts, id"
    )
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot open the decision log {path}: {exc}") from exc
    try:
        fetched = db.execute(query, params).fetchall()
    except sqlite3.Error as exc:
        raise ConfigError(f"{path} is not an edgeagent decision log: {exc}") from exc
    finally:
        db.close()
    return [_row(values) for values in fetched]


def _row(values: Sequence[Any]) -> _Row:
    (ts, session, brain, tier, kind, conf, esc, reason, lat, ptok, ctok, calls, errors, dec) = (
        values
    )
    calls_list = json.loads(calls) if calls else []
    decision = json.loads(dec) if dec else {}
    local_conf = decision.get("local_confidence")
    if local_conf is None and tier not in NOT_LOCAL:
        local_conf = conf
    return _Row(
        ts=ts,
        session=session,
        brain=brain,
        tier=tier,
        kind=kind,
        confidence=conf,
        escalated=bool(esc),
        escalation_reason=reason,
        latency_ms=lat,
        prompt_tokens=ptok or 0,
        completion_tokens=ctok or 0,
        tool=calls_list[0]["tool"] if calls_list else NO_ACTION,
        failed=bool(json.loads(errors)) if errors else False,
        local_confidence=local_conf,
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


def _histogram(rows: list[_Row]) -> ConfidenceHistogram:
    counts, escalated = [0] * HIST_BINS, [0] * HIST_BINS
    for r in rows:
        if r.local_confidence is None:
            continue
        i = confidence_bin(r.local_confidence)
        counts[i] += 1
        escalated[i] += r.offloaded
    return ConfidenceHistogram(counts=counts, escalated=escalated)


# --- escalation reasons ----------------------------------------------------------------------

_OFFLINE = (  # what EscalatingBrain appends when the cloud cannot answer
    ("no cloud configured", "offline: no cloud configured"),
    ("cloud budget spent", "offline: cloud budget spent"),
    ("cloud circuit open", "offline: cloud circuit open"),
    ("cloud failed", "offline: cloud call failed"),
    ("cloud output invalid", "offline: cloud output invalid"),
)


def trigger_group(reason: str | None) -> str | None:
    """Why a decision left the local tiers, as a group name (None: it did not)."""
    if reason is None:
        return None
    # EscalatingBrain writes "<tier>: <why>[; <what the cloud did>][; <offline rule>]"
    why = reason.split(";", 1)[0]
    why = why.split(": ", 1)[1] if ": " in why else why
    if why.startswith("invalid local output"):
        return "invalid local output"
    if why.startswith("confidence"):
        return (
            "confidence below threshold"
            if why.rstrip().endswith("(threshold)")
            else "confidence below a tool/risk threshold"
        )
    if why.startswith("multi-step plans"):
        return "always cloud: multi-step plan"
    if "always goes to the cloud" in why:
        return "always cloud: tool"
    if why.startswith("no local tier"):
        return "no local tier"
    return "other"


def _outcome(row: _Row) -> str | None:
    """What happened once a decision reached for the cloud (None: it did not)."""
    if not row.offloaded:
        return None
    if row.tier == "cloud":
        return "cloud answered"
    reason = row.escalation_reason or ""
    cause = next((name for key, name in _OFFLINE if key in reason), "offline: other")
    return f"{cause} → {'acted locally' if row.is_local else 'no change'}"


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


# --- output ----------------------------------------------------------------------------------


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).isoformat(sep=" ", timespec="seconds") if ts else "-"


def _ms(value: float | None) -> str:
    return f"{value:.0f}" if value is not None else "-"


def _span(size: float) -> str:
    for unit, seconds in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if size >= seconds and size % seconds == 0:
            return f"{size / seconds:g}{unit}"
    return f"{size:g}s"


def _window(report: LiveReport) -> str:
    lo = report.since if report.since is not None else report.first_ts
    hi = report.until if report.until is not None else report.last_ts
    return f"{_when(lo)} → {_when(hi)}"


def summary_lines(report: LiveReport) -> list[tuple[str, str]]:
    """The headline figures as (label, value) pairs."""
    t, lat = report.totals, report.latency
    return [
        ("window", _window(report)),
        ("decisions", f"{t.decisions} in {t.sessions} session(s)"),
        ("offload rate", f"{t.offload_rate:.1%} ({t.escalated} escalated)"),
        ("cloud answered", f"{t.cloud_answered} ({t.cloud_rate:.1%})"),
        (
            "cloud unavailable",
            f"{t.cloud_unavailable} ({t.fell_back_local} acted locally, {t.no_change} no change)",
        ),
        ("invalid decisions", str(t.invalid)),
        ("steps with a failed call", str(t.errors)),
        ("latency p50 / p95", f"{_ms(lat.p50_ms)} / {_ms(lat.p95_ms)} ms"),
        ("tokens (prompt + completion)", f"{t.prompt_tokens} + {t.completion_tokens}"),
        ("cloud tokens", f"{t.cloud_prompt_tokens} + {t.cloud_completion_tokens}"),
    ]


def render(report: LiveReport, console: Console) -> None:
    """Print the report as rich tables."""
    head = Table(title=f"edgeagent report · {report.db}", show_header=False)
    head.add_column(style="bold")
    head.add_column()
    for label, value in summary_lines(report):
        head.add_row(label, value)
    console.print(head)
    if not report.totals.decisions:
        console.print("[yellow]no decisions in this window[/]")
        return
    tiers = Table(title="per tier")
    for col in ("tier", "decisions", "share", "mean conf", "p50 ms", "p95 ms", "tokens"):
        tiers.add_column(col, justify="left" if col == "tier" else "right")
    for s in report.tiers:
        tiers.add_row(
            s.tier, str(s.decisions), f"{s.share:.1%}", f"{s.mean_confidence:.2f}",
            _ms(s.latency.p50_ms), _ms(s.latency.p95_ms),
            str(s.prompt_tokens + s.completion_tokens),
        )  # fmt: skip
    console.print(tiers)
    tools = Table(title="per tool (first call)")
    for col in ("tool", "decisions", "offload", "errors", "p50 ms"):
        tools.add_column(col, justify="left" if col == "tool" else "right")
    for u in report.tools:
        tools.add_row(
            u.tool, str(u.decisions), f"{u.offload_rate:.1%}", f"{u.error_rate:.1%}",
            _ms(u.latency_p50_ms),
        )  # fmt: skip
    console.print(tools)
    for title, items in (("escalation reasons", report.reasons), ("cloud", report.cloud_outcomes)):
        if not items:
            continue
        table = Table(title=title)
        table.add_column("group")
        table.add_column("count", justify="right")
        table.add_column("share", justify="right")
        table.add_column("example", overflow="fold")
        for item in items:
            table.add_row(item.reason, str(item.count), f"{item.share:.1%}", item.example)
        console.print(table)
    shown = report.buckets[-24:]
    last = f", last {len(shown)}" if len(shown) < len(report.buckets) else ""
    over_time = Table(title=f"offload over time ({_span(report.bucket_s)} buckets{last})")
    for col in ("from", "decisions", "escalated", "offload"):
        over_time.add_column(col, justify="left" if col == "from" else "right")
    for b in shown:
        over_time.add_row(
            _when(b.start), str(b.decisions), str(b.escalated), f"{b.offload_rate:.1%}"
        )
    console.print(over_time)
    hist = Table(title="local confidence")
    hist.add_column("bin")
    hist.add_column("n", justify="right")
    hist.add_column("escalated", justify="right")
    hist.add_column("")
    peak = max(report.confidence.counts) or 1
    edges = report.confidence.edges
    for i, (n, esc) in enumerate(
        zip(report.confidence.counts, report.confidence.escalated, strict=True)
    ):
        bar = "[red]" + "█" * round(20 * esc / peak) + "[/][green]"
        bar += "█" * (round(20 * n / peak) - round(20 * esc / peak)) + "[/]"
        hist.add_row(f"{edges[i]:.1f}–{edges[i + 1]:.1f}", str(n), str(esc), bar)
    console.print(hist)


def to_markdown(report: LiveReport) -> str:
    """The report as a Markdown document (tables and the figures)."""
    lines = ["# edgeagent report", "", f"Decision log: `{report.db}`", ""]
    lines += ["| figure | value |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in summary_lines(report)]
    if report.totals.decisions:
        lines += ["", "## Per tier", ""]
        lines += ["| tier | decisions | share | mean conf | p50 ms | p95 ms | tokens |"]
        lines += ["|---|--:|--:|--:|--:|--:|--:|"]
        lines += [
            f"| {s.tier} | {s.decisions} | {s.share:.1%} | {s.mean_confidence:.2f} |"
            f" {_ms(s.latency.p50_ms)} | {_ms(s.latency.p95_ms)} |"
            f" {s.prompt_tokens + s.completion_tokens} |"
            for s in report.tiers
        ]
        lines += ["", "## Per tool (first call)", ""]
        lines += ["| tool | decisions | offload | errors | p50 ms |", "|---|--:|--:|--:|--:|"]
        lines += [
            f"| {u.tool} | {u.decisions} | {u.offload_rate:.1%} | {u.error_rate:.1%} |"
            f" {_ms(u.latency_p50_ms)} |"
            for u in report.tools
        ]
        for title, items in (
            ("Escalation reasons", report.reasons),
            ("Cloud outcomes", report.cloud_outcomes),
        ):
            if items:
                lines += ["", f"## {title}", "", "| group | count | share |", "|---|--:|--:|"]
                lines += [f"| {i.reason} | {i.count} | {i.share:.1%} |" for i in items]
    lines += ["", "## Figures", ""]
    lines += [f"![{name}]({name}.png)" for name in _FIGURES]
    return "\n".join(lines) + "\n"


_FIGURES = ("offload_over_time", "confidence_hist", "latency_by_tier")


def write_live_report(report: LiveReport, out_dir: str | Path) -> list[Path]:
    """Write report.json, report.md and the PNG figures into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md"]
    paths[0].write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(to_markdown(report), encoding="utf-8")
    for name, draw in zip(_FIGURES, (_plot_offload, _plot_confidence, _plot_latency), strict=True):
        fig = _figure()
        draw(report, fig)
        path = out / f"{name}.png"
        fig.savefig(path, dpi=120)
        paths.append(path)
    return paths


def _figure() -> Any:
    from matplotlib.figure import Figure  # lazy: matplotlib is slow to import

    fig = Figure(figsize=(9, 4.5), layout="constrained")
    fig.add_subplot()
    return fig


def _empty(ax: Any, title: str) -> None:
    ax.set_title(title)
    ax.text(0.5, 0.5, "no decisions in this window", ha="center", va="center", fontsize=14)
    ax.set_axis_off()


def _plot_offload(report: LiveReport, fig: Any) -> None:
    import matplotlib.dates as mdates
    from matplotlib.ticker import PercentFormatter

    ax = fig.axes[0]
    title = f"Offload over time ({_span(report.bucket_s)} buckets) · {_window(report)}"
    if not report.buckets:
        _empty(ax, title)
        return
    starts = [datetime.fromtimestamp(b.start) for b in report.buckets]
    width = report.bucket_s / 86400 * 0.9  # matplotlib dates count in days
    local = [b.decisions - b.escalated for b in report.buckets]
    escalated = [b.escalated for b in report.buckets]
    ax.bar(starts, local, width=width, align="edge", color="#4c9f70", label="kept local")
    ax.bar(starts, escalated, width=width, align="edge", bottom=local, color="#d9534f",
           label="escalated")  # fmt: skip
    ax.set_ylabel("decisions")
    rate_ax = ax.twinx()
    mids = [datetime.fromtimestamp(b.start + report.bucket_s / 2) for b in report.buckets]
    rate_ax.plot(mids, [b.offload_rate for b in report.buckets], "o-", color="black",
                 label="offload rate")  # fmt: skip
    rate_ax.axhline(report.totals.offload_rate, color="grey", linestyle="--", linewidth=1)
    rate_ax.set_ylim(0, 1.3)
    rate_ax.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
    rate_ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    rate_ax.set_ylabel(f"offload rate (overall {report.totals.offload_rate:.0%})")
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylim(0, max(b.decisions for b in report.buckets) * 1.3)  # room for the legend
    handles = ax.get_legend_handles_labels()[0] + rate_ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper center", ncol=3, frameon=False)
    ax.set_title(title)


def _plot_confidence(report: LiveReport, fig: Any) -> None:
    ax = fig.axes[0]
    hist = report.confidence
    title = "Local confidence"
    if not sum(hist.counts):
        _empty(ax, title)
        return
    lefts = hist.edges[:-1]
    kept = [n - e for n, e in zip(hist.counts, hist.escalated, strict=True)]
    ax.bar(lefts, kept, width=0.1, align="edge", color="#4c9f70", edgecolor="white",
           label="kept local")  # fmt: skip
    ax.bar(lefts, hist.escalated, width=0.1, align="edge", bottom=kept, color="#d9534f",
           edgecolor="white", label="escalated")  # fmt: skip
    for left, n in zip(lefts, hist.counts, strict=True):
        if n:
            ax.text(left + 0.05, n, str(n), ha="center", va="bottom", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, max(hist.counts) * 1.3)
    ax.set_xticks(hist.edges)
    ax.set_xlabel("first local tier's confidence")
    ax.set_ylabel("decisions")
    ax.legend(loc="upper center", ncol=2, frameon=False)
    ax.set_title(f"{title} ({sum(hist.counts)} decisions)")


def _plot_latency(report: LiveReport, fig: Any) -> None:
    ax = fig.axes[0]
    title = "Latency by tier"
    if not report.tiers:
        _empty(ax, title)
        return
    names = [s.tier for s in report.tiers]
    rows = [0.0 + i for i in range(len(names))]
    p50 = [s.latency.p50_ms or 0.0 for s in report.tiers]
    p95 = [s.latency.p95_ms or 0.0 for s in report.tiers]
    h = 0.38
    ax.barh([y - h / 2 for y in rows], p50, height=h, color="#5b8ff9", label="p50")
    ax.barh([y + h / 2 for y in rows], p95, height=h, color="#f6bd16", label="p95")
    for y, a, b in zip(rows, p50, p95, strict=True):
        ax.text(a, y - h / 2, f" {a:.0f} ms", va="center", fontsize=9)
        ax.text(b, y + h / 2, f" {b:.0f} ms", va="center", fontsize=9)
    ax.set_yticks(rows)
    ax.set_yticklabels([f"{s.tier}\n({s.decisions})" for s in report.tiers])
    ax.invert_yaxis()
    ax.set_xlabel("latency (ms)")
    ax.set_xlim(0, max(p95 + p50) * 1.2 or 1.0)
    ax.legend(loc="lower right")
    lat = report.latency
    ax.set_title(f"{title} · overall p50 {_ms(lat.p50_ms)} ms, p95 {_ms(lat.p95_ms)} ms")
