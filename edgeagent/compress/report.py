"""``edgeagent compress report``: size, memory, speed and accuracy of every model variant.

Each variant (a GGUF model, optionally with a LoRA adapter, or a student folder of any kind,
torch or exported) is measured in its own process so its peak RSS is its own: parameters, file
size, peak RSS, cold start (building the brain, its runtime's imports included, through its
first decision), p50/p95 decision latency and exact-match accuracy of the local brain alone on
each case file (scored like ``edgeagent eval``: fresh world per case, the case's match rule).
The report is a markdown table, the same rows as JSON, and a Pareto plot of accuracy against
size.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from edgeagent.errors import ConfigError


class Variant(BaseModel):
    """A model to measure: a GGUF file (optionally with a LoRA adapter), or a student folder
    of any kind run with its options (``DIR@int8`` / ``DIR@fp32`` for an encoder student's
    linear layers)."""

    model_config = ConfigDict(frozen=True)

    model: Path
    adapter: Path | None = None
    student: bool = False
    options: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def parse(cls, spec: str) -> Variant:
        """``MODEL.gguf``, ``MODEL.gguf:ADAPTER.gguf`` (``default`` = the packaged model), or a
        student folder ``DIR`` / ``DIR@int8`` / ``DIR@fp32`` (``encoder``, ``encoder-torch``,
        ``lm``: the shipped ones)."""
        from edgeagent.assets import default_gguf_path
        from edgeagent.students import bundled, is_student_folder, shipped_names

        folder, _, mode = spec.partition("@")
        shipped = shipped_names()
        if mode or folder in shipped or is_student_folder(folder):
            path = bundled(folder) if folder in shipped else Path(folder)
            if not is_student_folder(path):
                raise ConfigError(f"not a student folder (no student.json): {path}")
            if mode not in ("", "fp32", "int8"):
                raise ConfigError(f"unknown mode {mode!r}: use @fp32 or @int8")
            options = {"int8": mode == "int8"} if mode else {}
            return cls(model=path, student=True, options=options)
        model, _, adapter = spec.partition(":")
        path = default_gguf_path() if model in ("", "default") else Path(model)
        for f in (path, Path(adapter) if adapter else None):
            if f is not None and not f.is_file():
                raise ConfigError(f"model file not found: {f}")
        return cls(model=path, adapter=Path(adapter) if adapter else None)

    @property
    def spec(self) -> str:
        if self.student:
            mode = self.options.get("int8")
            return f"{self.model}" + ("" if mode is None else "@int8" if mode else "@fp32")
        return f"{self.model}:{self.adapter}" if self.adapter else str(self.model)

    @property
    def label(self) -> str:
        if self.student:
            mode = self.options.get("int8")
            return self.model.name + (
                "" if mode is None else f" ({'int8' if mode else 'fp32'} linear)"
            )
        return self.model.stem + (f" + {self.adapter.stem}" if self.adapter else "")

    def build(self) -> Any:
        """The brain this variant is (one way to build a brain: the factory's)."""
        from edgeagent.factory import build_brain
        from edgeagent.students import load_brain

        if self.student:
            return load_brain(self.model, **self.options)
        options: dict[str, Any] = {"adapter": self.adapter} if self.adapter else {}
        return build_brain("gguf", model=self.model, **options)

    @property
    def files(self) -> list[Path]:
        """What must be on disk to run it (a LoRA student needs its base model too)."""
        if self.student:
            from edgeagent.students import read_manifest, student_kind

            plugin = student_kind(read_manifest(self.model).kind)
            footprint = getattr(plugin, "footprint", None)
            if footprint is not None:
                return list(footprint(self.model))
            return [p for p in self.model.iterdir() if p.is_file()]
        return [self.model, *([self.adapter] if self.adapter else [])]

    @property
    def size_mb(self) -> float:
        return sum(f.stat().st_size for f in self.files) / 2**20


def file_label(path: Path) -> str:
    """``smart_home/dev.jsonl``: the folder too, since benchmark files share names."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def measure(
    variant: Variant, case_files: Sequence[Path], limit: int | None = None, seed: int = 0
) -> dict[str, Any]:
    """Measure one variant in this process (call it in a fresh one: see :func:`measure_all`)."""
    from edgeagent.evaluation.metrics import percentiles
    from edgeagent.evaluation.runner import load_eval_cases, run_tier, select

    start = time.perf_counter()
    brain = variant.build()
    cold_start: float | None = None
    row: dict[str, Any] = {
        "variant": variant.label,
        "brain": brain.name,
        "model": str(variant.model),
        "adapter": str(variant.adapter) if variant.adapter else None,
        "size_mb": round(variant.size_mb, 2),
        "files": {},
    }
    try:
        for path in case_files:
            cases = select(load_eval_cases(path), limit, seed)
            if cases:
                brain.warm_up(cases[0].make_toolset())
                if cold_start is None:
                    cold_start = time.perf_counter() - start
            outcomes = [run_tier(brain, case)[0] for case in cases]
            lat = percentiles([o.latency_ms for o in outcomes])
            row["files"][file_label(Path(path))] = {
                "cases": len(outcomes),
                "accuracy": round(sum(o.correct for o in outcomes) / max(1, len(outcomes)), 4),
                "invalid": sum(o.kind == "invalid" for o in outcomes),
                "p50_ms": round(lat["p50"] or 0.0, 1),
                "p95_ms": round(lat["p95"] or 0.0, 1),
                **routing_figures([o.confidence for o in outcomes], [o.correct for o in outcomes]),
            }
        counts = getattr(brain, "parameter_counts", None)
        params, nonzero = counts() if counts is not None else (0, 0)
        row["params_m"] = round(params / 1e6, 2)
        row["nonzero_params_m"] = round(nonzero / 1e6, 2)
    finally:
        brain.close()
    row["cold_start_s"] = round(cold_start, 2) if cold_start is not None else None
    row["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return row


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB: ``VmHWM`` where Linux reports it (its
    ``ru_maxrss`` also counts what the parent held when it started this process), else
    ``ru_maxrss``."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


ROUTED_TARGETS = (0.90, 0.95, 0.97)


def routing_figures(confidences: Sequence[float], correct: Sequence[bool]) -> dict[str, Any]:
    """With a cloud that is always right (the replay of the labels): the least offload that
    reaches each target accuracy, and the best routed accuracy at <= 15% offload."""
    from edgeagent.evaluation.metrics import routing_curve

    curve = routing_curve(confidences, correct, [True] * len(correct))
    need = {
        f"{t:.0%}": min((p.offload for p in curve if p.accuracy >= t), default=None)
        for t in ROUTED_TARGETS
    }
    at15 = max((p.accuracy for p in curve if p.offload <= 0.15), default=None)
    return {"offload_needed": need, "routed_at_15": at15}


def measure_all(
    variants: Sequence[Variant], case_files: Sequence[Path], limit: int | None = None, seed: int = 0
) -> list[dict[str, Any]]:
    """Measure each variant in its own subprocess (so peak RSS is per variant)."""
    rows = []
    for v in variants:
        cmd = [sys.executable, "-m", "edgeagent.compress.report", v.spec, "--seed", str(seed)]
        cmd += ["--limit", str(limit or 0), *map(str, case_files)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise ConfigError(f"measuring {v.label} failed:\n{done.stderr[-2000:]}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


def to_markdown(rows: Sequence[dict[str, Any]]) -> str:
    files = sorted({f for r in rows for f in r["files"]})
    head = ["variant", "params (M)", "size (MB)", "peak RSS (MB)", "cold start (s)"]
    for f in files:
        head += [f"{f} accuracy", f"{f} p50 ms", f"{f} p95 ms"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for r in rows:
        cold = r.get("cold_start_s")
        cells = [
            r["variant"],
            f"{r['params_m']:.1f}",
            f"{r['size_mb']:.1f}",
            f"{r['peak_rss_mb']:.0f}",
            "–" if cold is None else f"{cold:.2f}",
        ]
        for f in files:
            m = r["files"].get(f)
            cells += (
                [f"{m['accuracy']:.1%}", f"{m['p50_ms']:.0f}", f"{m['p95_ms']:.0f}"]
                if m
                else ["–"] * 3
            )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def pareto(rows: Sequence[dict[str, Any]], file: str) -> list[dict[str, Any]]:
    """The rows no other row beats on both size (smaller) and accuracy (higher) for ``file``."""
    have = [r for r in rows if file in r["files"]]
    front = []
    for r in have:
        acc, size = r["files"][file]["accuracy"], r["size_mb"]
        beaten = any(
            o["files"][file]["accuracy"] >= acc
            and o["size_mb"] <= size
            and (o["files"][file]["accuracy"] > acc or o["size_mb"] < size)
            for o in have
        )
        if not beaten:
            front.append(r)
    return sorted(front, key=lambda r: r["size_mb"])


def write_report(rows: Sequence[dict[str, Any]], out_dir: Path) -> list[Path]:
    """``report.json``, ``report.md`` and ``pareto.png`` (accuracy vs size per case file;
    with matplotlib, the ``plots`` extra)."""
    from edgeagent.plots import NO_PLOTS, can_plot

    out_dir.mkdir(parents=True, exist_ok=True)
    files = sorted({f for r in rows for f in r["files"]})
    figures = can_plot()
    (out_dir / "report.json").write_text(json.dumps(list(rows), indent=2), encoding="utf-8")
    md = ["# edgeagent compress report", "", to_markdown(rows)]
    md += [
        "Accuracy: exact match under each case's rule, the local brain alone (no cloud), every"
        " case in a fresh world. Latency: one decision, this machine. Peak RSS: the measuring"
        " process with that variant loaded. Cold start: building the brain (its runtime's"
        " imports included) through its first decision, in a fresh process.",
        "",
        "![Accuracy vs size](pareto.png)" if figures else NO_PLOTS,
        "",
    ]
    (out_dir / "report.md").write_text("\n".join(md), encoding="utf-8")
    if not figures:
        return [out_dir / "report.json", out_dir / "report.md"]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5), dpi=120)
    for i, f in enumerate(files):
        have = [r for r in rows if f in r["files"]]
        xs = [r["size_mb"] for r in have]
        ys = [r["files"][f]["accuracy"] * 100 for r in have]
        ax.scatter(xs, ys, label=f, color=f"C{i}", zorder=3)
        for r, x, y in zip(have, xs, ys, strict=True):
            ax.annotate(r["variant"], (x, y), textcoords="offset points", xytext=(5, 4), fontsize=7)
        front = pareto(rows, f)
        ax.plot(
            [r["size_mb"] for r in front],
            [r["files"][f]["accuracy"] * 100 for r in front],
            color=f"C{i}",
            linestyle="--",
            alpha=0.6,
        )
    ax.set_xscale("log")
    ax.set_xlabel("file size (MB, log scale)")
    ax.set_ylabel("exact-match accuracy, no cloud (%)")
    ax.set_ylim(0, 100)
    ax.set_title("Accuracy vs size (dashed: Pareto front)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out_dir / "pareto.png")
    plt.close(fig)
    return [out_dir / "report.json", out_dir / "report.md", out_dir / "pareto.png"]


def _main(argv: Sequence[str]) -> None:
    """``python -m edgeagent.compress.report SPEC [--limit N] [--seed S] FILE...`` → JSON row."""
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    row = measure(Variant.parse(args.spec), args.files, args.limit or None, args.seed)
    print(json.dumps(row))


if __name__ == "__main__":
    _main(sys.argv[1:])
