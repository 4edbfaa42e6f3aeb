"""Accuracy, speed and size of GGUF brains (the zero-shot default and distilled students).

For each model file: file size, exact-match accuracy on each case file (the case's own match
rule, no cloud), p50/p95 decision latency on this machine, and the peak RSS of a process that
loads only that model (each model is measured in its own subprocess).

    python benchmarks/compression.py MODEL.gguf [MODEL.gguf ...] [--cases FILE ...] [--limit N]
    (no MODEL: the packaged SmolLM2-135M-Instruct Q4_1)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DEFAULT_CASES = [DATA / "smart_home" / "dev.jsonl", DATA / "robot" / "dev.jsonl"]


def measure(model: str | None, cases_files: list[str], limit: int) -> dict[str, object]:
    """Runs in a fresh process: one model, every case file."""
    from edgeagent.brains.gguf import GGUFBrain
    from edgeagent.cases import load_cases
    from edgeagent.factory import build_toolset
    from edgeagent.scoring import calls_match

    brain = GGUFBrain(model)
    result: dict[str, object] = {
        "model": str(brain.model_path),
        "size_mb": brain.model_path.stat().st_size / 2**20,
    }
    for path in cases_files:
        cases = load_cases(path)[: limit or None]
        toolset = build_toolset(sorted({c.suite for c in cases}))
        brain.warm_up(toolset)
        lat, right, invalid = [], 0, 0
        for case in cases:
            t = time.perf_counter()
            d = brain.decide(case.observation(), toolset)
            lat.append((time.perf_counter() - t) * 1000)
            right += d.kind != "invalid" and calls_match(case.expected_dicts(), d.calls, case.match)
            invalid += d.kind == "invalid"
        lat.sort()
        result[Path(path).parent.name] = {
            "cases": len(cases),
            "accuracy": right / len(cases),
            "invalid": invalid,
            "p50_ms": lat[len(lat) // 2],
            "p95_ms": lat[int(0.95 * (len(lat) - 1))],
        }
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    brain.close()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("models", nargs="*")
    ap.add_argument("--cases", nargs="*", default=[str(p) for p in DEFAULT_CASES])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one or None, args.cases, args.limit)))
        return
    rows = []
    for model in args.models or [""]:
        cmd = [
            sys.executable,
            __file__,
            "--one",
            model,
            "--limit",
            str(args.limit),
            "--cases",
            *args.cases,
        ]
        out = (
            subprocess.run(cmd, capture_output=True, text=True, check=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        rows.append(json.loads(out))
    suites = [Path(c).parent.name for c in args.cases]
    head = f"{'model':40} {'MB':>6} {'RSS MB':>7} " + " ".join(
        f"{s + ' acc':>15} {'p50 ms':>7} {'p95 ms':>7}" for s in suites
    )
    print(head)
    for r in rows:
        cells = " ".join(
            f"{r[s]['accuracy']:>15.1%} {r[s]['p50_ms']:>7.1f} {r[s]['p95_ms']:>7.1f}"
            for s in suites  # type: ignore[index]
        )
        print(
            f"{Path(str(r['model'])).name:40} {r['size_mb']:>6.1f} {r['peak_rss_mb']:>7.0f} {cells}"
        )
    print(
        "(accuracy: exact-match under each case's rule, local brain only, no cloud;"
        f" {'first ' + str(args.limit) if args.limit else 'all'} cases per file)"
    )


if __name__ == "__main__":
    main()
