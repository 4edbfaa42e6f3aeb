"""The human side of an ``edgeagent eval`` run: ``report.md`` and three PNG plots.

Everything is drawn from the ``results.json`` summary (see :func:`summarize`) plus the records
(for latency histograms and the confidently wrong cases). Matplotlib is imported lazily with the
Agg backend, so importing this module costs nothing and needs no display.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edgeagent.evaluation.records import CaseRecord
from edgeagent.evaluation.summary import routed_latency_ms
from edgeagent.plots import NO_PLOTS, can_plot

REPORT = "report.md"
OFFLOAD_PNG = "offload_curve.png"
RELIABILITY_PNG = "reliability.png"
LATENCY_PNG = "latency.png"
MISTAKES = 10  # confidently wrong local decisions listed in the report

FIGSIZE = (7.0, 5.0)
DPI = 120
COLORS = {"local": "#1f77b4", "cloud": "#d62728", "routed": "#2ca02c"}

# Meta keys tried, in order, for the names shown in titles and the report header.
_CASES_KEYS = ("case_file", "cases_file", "case_path", "suite")
_LOCAL_KEYS = ("local_brain", "local", "brain", "local_model", "model")
_CLOUD_KEYS = ("cloud_brain", "cloud", "cloud_model")
_POLICY_KEYS = ("policy", "policy_name")


def _meta(summary: dict[str, Any], keys: Sequence[str], default: str = "?") -> str:
    for k in keys:
        v = summary.get(k)
        if isinstance(v, str | int | float) and not isinstance(v, bool) and str(v):
            if k in _CASES_KEYS:  # "dir/a.json, dir/b.json" -> "a.json, b.json"
                return ", ".join(Path(part).name for part in str(v).split(", "))
            return str(v)
    return default


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def _cell(text: str, limit: int = 120) -> str:
    """Text safe inside a markdown table cell."""
    flat = " ".join(str(text).split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _calls(calls: Sequence[dict[str, Any]]) -> str:
    if not calls:
        return "(no call)"
    parts = []
    for c in calls:
        args = c.get("args") or {}
        inner = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args.items())
        parts.append(f"{c.get('tool', '?')}({inner})")
    return "; ".join(parts)


def _title_suffix(summary: dict[str, Any]) -> str:
    """``cases — local: x, cloud: y``, leaving out what the meta does not name."""
    cases = _meta(summary, _CASES_KEYS, "")
    local, cloud = _meta(summary, _LOCAL_KEYS, ""), _meta(summary, _CLOUD_KEYS, "")
    brains = ", ".join(f"{k}: {v}" for k, v in (("local", local), ("cloud", cloud)) if v)
    # one line each, wrapped, so long model and file names never run off the figure
    return "\n".join(textwrap.fill(part, 85) for part in (cases, brains) if part)


# --------------------------------------------------------------------------- plots


def _plot_offload(summary: dict[str, Any], path: Path) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    curve = summary.get("curve") or []
    local_acc = summary.get("local_accuracy")
    cloud_acc = summary.get("cloud_accuracy")
    if curve and local_acc is not None and cloud_acc is not None:
        xs = [p["offload"] for p in curve]
        ys = [p["accuracy"] for p in curve]
        ax.plot(
            xs,
            ys,
            "-",
            color=COLORS["routed"],
            lw=2,
            marker="." if len(xs) <= 60 else None,
            label=f"confidence threshold sweep (AUC {_num(summary.get('auc'))})",
        )
        ax.plot(
            [0, 1],
            [local_acc, cloud_acc],
            "--",
            color="grey",
            lw=1.2,
            label="random routing",
        )
        ax.plot(
            0, local_acc, "o", ms=9, color=COLORS["local"], label=f"local only {_pct(local_acc)}"
        )
        ax.plot(
            1, cloud_acc, "s", ms=9, color=COLORS["cloud"], label=f"cloud only {_pct(cloud_acc)}"
        )
        offload, routed = summary.get("offload_rate"), summary.get("routed_accuracy")
        if offload is not None and routed is not None:
            ax.plot(
                offload,
                routed,
                "*",
                ms=16,
                color="black",
                label=f"policy: {_pct(routed)} at {_pct(offload)} offload",
            )
        cpt50 = summary.get("cpt50")
        if cpt50 is not None:
            target = local_acc + 0.5 * (cloud_acc - local_acc)
            ax.axvline(cpt50, color="orange", ls=":", lw=1.5)
            ax.plot(
                cpt50, target, "D", color="orange", ms=7, label=f"CPT50 = {_pct(cpt50)} offload"
            )
        lo = min([*ys, local_acc, cloud_acc])
        hi = max([*ys, local_acc, cloud_acc])
        pad = max(0.02, 0.08 * (hi - lo))
        ax.set_ylim(max(0.0, lo - pad), min(1.0, hi + pad) + 0.005)
        ax.legend(loc="lower right", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no cases", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlim(-0.02, 1.02)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    ax.set_xlabel("fraction of cases sent to the cloud (offload)")
    ax.set_ylabel("routed accuracy")
    ax.set_title(f"Accuracy vs offload\n{_title_suffix(summary)}".strip(), fontsize=10)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _plot_reliability(summary: dict[str, Any], path: Path) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    bins = summary.get("reliability") or []
    ax.plot([0, 1], [0, 1], "--", color="grey", lw=1.2, label="perfect calibration")
    filled = [b for b in bins if b["count"]]
    if filled:
        centers = [(b["lo"] + b["hi"]) / 2 for b in filled]
        widths = [b["hi"] - b["lo"] for b in filled]
        accs = [b["accuracy"] for b in filled]
        ax.bar(
            centers,
            accs,
            width=widths,
            color=COLORS["local"],
            alpha=0.75,
            edgecolor="black",
            label="local accuracy in bin",
        )
        ax.plot(
            centers,
            [b["mean_confidence"] for b in filled],
            "o",
            color="orange",
            ms=5,
            label="mean confidence in bin",
        )
        for x, y, b in zip(centers, accs, filled, strict=True):
            ax.text(
                x, min(y, 0.93) + 0.015, f"n={b['count']}", ha="center", va="bottom", fontsize=7
            )
        ax.legend(loc="upper left", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no cases", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    ax.set_xlabel("local confidence")
    ax.set_ylabel("local accuracy")
    ax.set_title(
        f"Reliability of local confidence (ECE {_num(summary.get('ece'))}, "
        f"AUROC {_num(summary.get('auroc'))})\n{_title_suffix(summary)}".strip(),
        fontsize=10,
    )
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _plot_latency(records: Sequence[CaseRecord], summary: dict[str, Any], path: Path) -> None:
    """One panel per tier (local, cloud, routed) on a shared x axis, so none hides another."""
    import matplotlib.pyplot as plt

    series = {
        "local": [r.local.latency_ms for r in records],
        "cloud": [r.cloud.latency_ms for r in records],
        "routed": [routed_latency_ms(r) for r in records],
    }
    fig, axes = plt.subplots(3, 1, figsize=(FIGSIZE[0], FIGSIZE[1] + 1), dpi=DPI, sharex=True)
    everything = [v for vs in series.values() for v in vs]
    positive = [v for v in everything if v > 0] or [1.0]
    lo, hi = min(positive), max(positive)
    log = hi / lo > 50
    floor = lo / 2 if log else 0.0
    if log:
        a, b = math.log10(floor), math.log10(hi * 1.05)
        edges = [10 ** (a + (b - a) * i / 39) for i in range(40)]
    else:
        top = max(hi, 1.0) * 1.05
        edges = [top * i / 39 for i in range(40)]
    stats = summary.get("latency_ms") or {}
    for ax, (tier, values) in zip(axes, series.items(), strict=True):
        p50 = (stats.get(tier) or {}).get("p50")
        p95 = (stats.get(tier) or {}).get("p95")
        if values:
            ax.hist([max(v, floor) for v in values], bins=edges, color=COLORS[tier], alpha=0.8)
        if p50 is not None:
            ax.axvline(max(p50, floor) if log else p50, color="black", ls=":", lw=1.2)
        ax.set_ylabel("cases")
        ax.set_title(f"{tier}: p50 {_ms(p50)}, p95 {_ms(p95)}", fontsize=9, loc="left")
        ax.grid(True, alpha=0.3)
        if log:
            ax.set_xscale("log")
    axes[-1].set_xlabel("latency per case (ms" + (", log scale)" if log else ")"))
    fig.suptitle(
        f"Latency per tier (dotted: median)\n{_title_suffix(summary)}".strip(), fontsize=10
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# --------------------------------------------------------------------------- markdown


def _group_table(title: str, key_name: str, groups: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        f"## {title}",
        "",
        f"| {key_name} | cases | local | cloud | routed | offload |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1]["cases"], kv[0]))
    for name, g in ordered:
        lines.append(
            f"| {_cell(name)} | {g['cases']} | {_pct(g.get('local_accuracy'))} | "
            f"{_pct(g.get('cloud_accuracy'))} | {_pct(g.get('routed_accuracy'))} | "
            f"{_pct(g.get('offload'))} |"
        )
    return [*lines, ""]


def _headline(summary: dict[str, Any]) -> list[str]:
    lat = summary.get("latency_ms") or {}

    def p(tier: str, q: str) -> str:
        return _ms((lat.get(tier) or {}).get(q))

    threshold = summary.get("threshold")
    inv = summary.get("invalid") or {}
    effect = summary.get("effect_accuracy") or {}
    fa, fc = summary.get("false_action_rate") or {}, summary.get("false_change_rate") or {}
    unfamiliar = (summary.get("signals") or {}).get("unfamiliarity") or {}
    rows = [
        ("cases", str(summary.get("cases", 0))),
        ("local accuracy", _pct(summary.get("local_accuracy"))),
        ("cloud accuracy", _pct(summary.get("cloud_accuracy"))),
        ("**routed accuracy**", f"**{_pct(summary.get('routed_accuracy'))}**"),
        ("**offload** (sent to cloud)", f"**{_pct(summary.get('offload_rate'))}**"),
        (
            "effect accuracy local / routed",
            f"{_pct(effect.get('local'))} / {_pct(effect.get('routed'))}",
        ),
        (
            f"no-action cases ({summary.get('no_action_cases', 0)}): false actions local / routed",
            f"{_pct(fa.get('local'))} / {_pct(fa.get('routed'))}",
        ),
        (
            "no-action cases: world changed local / routed",
            f"{_pct(fc.get('local'))} / {_pct(fc.get('routed'))}",
        ),
        ("no-action cases escalated", _pct(summary.get("no_action_offload"))),
        ("policy threshold", _num(threshold, 2) if isinstance(threshold, int | float) else "–"),
        ("AUC (accuracy vs offload)", _num(summary.get("auc"))),
        ("APGR", _num(summary.get("apgr"))),
        ("CPT50 / CPT80", f"{_pct(summary.get('cpt50'))} / {_pct(summary.get('cpt80'))}"),
        ("AUROC (local confidence)", _num(summary.get("auroc"))),
        ("AUROC (local unfamiliarity, lower = more likely right)", _num(unfamiliar.get("auroc"))),
        ("ECE (local confidence)", _num(summary.get("ece"))),
        ("invalid decisions local / cloud", f"{inv.get('local', 0)} / {inv.get('cloud', 0)}"),
        ("latency local p50 / p95", f"{p('local', 'p50')} / {p('local', 'p95')}"),
        ("latency cloud p50 / p95", f"{p('cloud', 'p50')} / {p('cloud', 'p95')}"),
        ("latency routed p50 / p95", f"{p('routed', 'p50')} / {p('routed', 'p95')}"),
    ]
    return ["| metric | value |", "|---|---:|", *[f"| {k} | {v} |" for k, v in rows], ""]


_HOW_TO_READ = [
    "## How to read this",
    "",
    "- **local / cloud accuracy**: share of cases each brain alone gets right (scored in a fresh world).",
    "- **routed accuracy / offload**: what the agent under its policy delivers, and the share of cases it escalated.",
    "- **accuracy vs offload curve**: routed accuracy if every case with local confidence below a threshold went to the cloud, for every threshold.",
    "- **AUC**: area under that curve, i.e. routed accuracy averaged over all offloads (higher is better).",
    "- **APGR**: (AUC − local) / (cloud − local), the share of the local→cloud gap recovered on average; random routing scores 0.5.",
    "- **CPT50 / CPT80**: least offload that recovers 50% / 80% of the gap (lower is better; random routing needs 50% / 80%).",
    "- **AUROC**: chance a right local decision has higher confidence than a wrong one (0.5 = confidence says nothing, 1 = perfect ranking).",
    "- **ECE**: average gap between confidence and accuracy over 10 confidence bins (0 = confidence means what it says).",
    "- **effect accuracy**: right when executing the decision changes the world exactly as executing the labelled calls does and its queries read the same entities (another spelling of the same target counts).",
    "- **false actions / world changed**: among the cases that expect no action, the share where the brain called a tool / where the world changed.",
    "- **latency**: per case; routed = local + cloud when escalated, else local.",
    "",
]


def _mistakes(records: Sequence[CaseRecord]) -> list[str]:
    wrong = sorted(
        (r for r in records if not r.local.correct),
        key=lambda r: (-r.local.confidence, r.id),
    )[:MISTAKES]
    lines = [
        "## Confidently wrong local decisions",
        "",
        "The local mistakes with the highest confidence: where confidence cannot be trusted.",
        "",
    ]
    if not wrong:
        return [*lines, "No local mistakes.", ""]
    lines += [
        "| id | utterance | expected tools | local calls | confidence | escalated |",
        "|---|---|---|---|---:|:---:|",
    ]
    for r in wrong:
        expected = ", ".join(r.expected_tools) or "(none)"
        calls = _calls(r.local.calls)
        if r.local.kind == "invalid":
            calls = f"invalid: {r.local.reason or '?'}"
        elif r.local.kind in ("noop", "answer") and not r.local.calls:
            calls = f"({r.local.kind})"
        lines.append(
            f"| {_cell(r.id, 40)} | {_cell(r.utterance)} | {_cell(expected)} | {_cell(calls)} | "
            f"{r.local.confidence:.2f} | {'yes' if r.escalated else 'no'} |"
        )
    return [*lines, ""]


def _markdown(summary: dict[str, Any], records: Sequence[CaseRecord], *, figures: bool) -> str:
    header = [
        f"# edgeagent eval: {_meta(summary, _CASES_KEYS)}",
        "",
        f"Local brain **{_meta(summary, _LOCAL_KEYS)}**"
        + (f" (model `{summary['model']}`)" if summary.get("model") else "")
        + f", cloud brain "
        f"**{_meta(summary, _CLOUD_KEYS)}**, policy **{_meta(summary, _POLICY_KEYS)}**"
        + (f", seed {summary['seed']}" if summary.get("seed") is not None else "")
        + ".",
        "",
    ]
    plots = (
        [
            "## Plots",
            "",
            f"![Routed accuracy vs offload]({OFFLOAD_PNG})",
            "",
            f"![Reliability of local confidence]({RELIABILITY_PNG})",
            "",
            f"![Latency per tier]({LATENCY_PNG})",
            "",
        ]
        if figures
        else ["## Plots", "", NO_PLOTS, ""]
    )
    lines = [
        *header,
        *_headline(summary),
        *_group_table("Per category", "category", summary.get("per_category") or {}),
        *_group_table("Per tool (first expected tool)", "tool", summary.get("per_tool") or {}),
        *_HOW_TO_READ,
        *plots,
        *_mistakes(records),
    ]
    return "\n".join(lines)


def write_report(
    summary: dict[str, Any], records: Sequence[CaseRecord], out_dir: Path
) -> list[Path]:
    """Write ``report.md`` and the three PNGs (with matplotlib: the ``plots`` extra) into
    ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / REPORT
    figures = can_plot()
    report.write_text(_markdown(summary, records, figures=figures), encoding="utf-8")
    if not figures:
        return [report]
    import matplotlib

    matplotlib.use("Agg")
    offload, rel, lat = out_dir / OFFLOAD_PNG, out_dir / RELIABILITY_PNG, out_dir / LATENCY_PNG
    _plot_offload(summary, offload)
    _plot_reliability(summary, rel)
    _plot_latency(records, summary, lat)
    return [report, offload, rel, lat]
