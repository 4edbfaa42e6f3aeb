"""A live report for people: rich tables, Markdown and PNG figures."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from edgeagent.evaluation.live.stats import LiveReport
from edgeagent.plots import NO_PLOTS, can_plot


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
    console.print(_histogram_table("local confidence", report.confidence))
    if sum(report.unfamiliarity.counts):
        console.print(_histogram_table("local unfamiliarity", report.unfamiliarity))


def _histogram_table(title: str, histogram: Any) -> Table:
    table = Table(title=title)
    table.add_column("bin")
    table.add_column("n", justify="right")
    table.add_column("escalated", justify="right")
    table.add_column("")
    peak = max(histogram.counts) or 1
    edges = histogram.edges
    for i, (n, esc) in enumerate(zip(histogram.counts, histogram.escalated, strict=True)):
        bar = "[red]" + "█" * round(20 * esc / peak) + "[/][green]"
        bar += "█" * (round(20 * n / peak) - round(20 * esc / peak)) + "[/]"
        table.add_row(f"{edges[i]:.1f}–{edges[i + 1]:.1f}", str(n), str(esc), bar)
    return table


def to_markdown(report: LiveReport, *, figures: bool = True) -> str:
    """The report as a Markdown document (tables, and the figures when they are drawn)."""
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
    if sum(report.unfamiliarity.counts):
        lines += [
            "",
            "## Local unfamiliarity",
            "",
            "| bin | decisions | escalated |",
            "|---|--:|--:|",
        ]
        edges = report.unfamiliarity.edges
        lines += [
            f"| {edges[i]:.1f}–{edges[i + 1]:.1f} | {n} | {e} |"
            for i, (n, e) in enumerate(
                zip(report.unfamiliarity.counts, report.unfamiliarity.escalated, strict=True)
            )
        ]
    lines += ["", "## Figures", ""]
    lines += [f"![{name}]({name}.png)" for name in _FIGURES] if figures else [NO_PLOTS]
    return "\n".join(lines) + "\n"


_FIGURES = ("offload_over_time", "confidence_hist", "latency_by_tier")


def write_live_report(report: LiveReport, out_dir: str | Path) -> list[Path]:
    """Write report.json, report.md and the PNG figures (with matplotlib: the ``plots``
    extra) into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md"]
    figures = can_plot()
    paths[0].write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(to_markdown(report, figures=figures), encoding="utf-8")
    if not figures:
        return paths
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
