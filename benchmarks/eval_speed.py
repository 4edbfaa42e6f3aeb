"""Harness overhead of ``edgeagent eval``: wall time against the brains' own decision time.

Runs a full evaluation (default: the smart-home dev file, the default local brain, the replay
cloud) into a fresh temporary folder and prints the wall time of the evaluation loop, the sum
of the decision times the brains report for the same cases, and their ratio (target <= 1.10).
The command's whole wall time (model load, prefix warm-up, report and plots) is printed too.

    python benchmarks/eval_speed.py [--cases FILE] [--limit N] [--brain NAME] [--model PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from edgeagent.evaluation.command import evaluate_file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASES = ROOT.parent / "shared" / "data" / "smart_home" / "dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--limit", type=int, default=0, help="a seeded sample of N cases (0: all)")
    ap.add_argument("--brain", default=None, help="local brain (default: the shipped default)")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None, help="keep the eval's files here")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        results = evaluate_file(
            args.cases,
            brain=args.brain,
            model=args.model,
            out_dir=args.out or Path(tmp),
            limit=args.limit or None,
            restart=True,
            progress=False,
        )
        total = time.perf_counter() - start
    timing = results["timing"]
    brains = timing["local_decide_s"] + timing["cloud_decide_s"]
    print(
        f"edgeagent eval on {args.cases.name}: {results['cases']} cases, brain {results['brain']}"
    )
    print(f"  whole command (load, warm-up, report, plots): {total:8.1f} s")
    print(f"  evaluation loop wall time:                    {timing['wall_s']:8.1f} s")
    print(
        f"  brains' own decision time:                    {brains:8.1f} s"
        f" (local {timing['local_decide_s']:.1f} s, cloud {timing['cloud_decide_s']:.1f} s)"
    )
    print(
        f"  harness overhead: loop / decisions = {timing['wall_s'] / brains:.3f} (target <= 1.10)"
    )
    print(
        f"  local accuracy {results['local_accuracy']:.1%}, routed {results['routed_accuracy']:.1%}"
        f" at offload {results['offload_rate']:.1%}"
    )


if __name__ == "__main__":
    main()
