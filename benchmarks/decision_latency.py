"""Decision latency of the GGUF brain on the smart-home dev file, against raw llama.cpp time.

For every case the brain decides once (timed end to end: prompt building, grammar, constrained
decoding, parsing, validation). Then, in the same run and on the same warm model, the raw
llama.cpp time for the same work is measured: evaluating the same prompt suffix and the same
output tokens in the same batches, with nothing else. The ratio is the framework's overhead.
A second raw baseline evaluates the output one token at a time (what decoding costs without
jump-forward). Also printed: the one-off prefix evaluation, peak RSS and exact-match accuracy.

    python benchmarks/decision_latency.py [--cases FILE] [--limit N] [--model PATH]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

from edgeagent.brains.gguf import GGUFBrain
from edgeagent.cases import load_cases
from edgeagent.factory import build_toolset
from edgeagent.scoring import calls_match

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASES = ROOT.parent / "shared" / "data" / "smart_home" / "dev.jsonl"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--limit", type=int, default=0, help="only the first N cases (0 = all)")
    ap.add_argument(
        "--model", type=Path, default=None, help="GGUF file (default: SmolLM2-135M Q4_1)"
    )
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument(
        "--stepwise-every", type=int, default=5, help="token-by-token baseline on every k-th case"
    )
    args = ap.parse_args()

    cases = load_cases(args.cases)
    if args.limit:
        cases = cases[: args.limit]
    suites = {c.suite for c in cases}
    toolset = build_toolset(sorted(suites))
    brain = GGUFBrain(args.model, n_threads=args.threads)
    t = time.perf_counter()
    brain.warm_up(toolset)
    prefix_ms = (time.perf_counter() - t) * 1000
    llama = brain.llama
    n_prefix = len(brain._prefix_tokens)

    framework, raw, raw_stepwise, raw_same, tokens_out, steps = [], [], [], [], [], []
    exact = tool_ok = invalid = 0
    for i, case in enumerate(cases, 1):
        t = time.perf_counter()
        decision = brain.decide(case.observation(), toolset)
        framework.append((time.perf_counter() - t) * 1000)
        trace = brain.last_trace
        assert trace is not None
        # raw llama.cpp: the same suffix and output tokens, in the same batches
        llama.n_tokens = n_prefix
        t = time.perf_counter()
        llama.eval(trace.suffix)
        for batch in trace.batches:
            llama.eval(batch)
        raw.append((time.perf_counter() - t) * 1000)
        # raw llama.cpp, one output token at a time (no jump-forward), on every k-th case
        if i % args.stepwise_every == 0:
            llama.n_tokens = n_prefix
            t = time.perf_counter()
            llama.eval(trace.suffix)
            for batch in trace.batches:
                for tok in batch:
                    llama.eval([tok])
            raw_stepwise.append((time.perf_counter() - t) * 1000)
            raw_same.append(raw[-1])
        tokens_out.append(sum(len(b) for b in trace.batches))
        steps.append(len(trace.batches))
        expected = case.expected_dicts()
        exact += calls_match(expected, decision.calls, case.match)
        tool_ok += calls_match(expected, decision.calls, "tool")
        invalid += decision.kind == "invalid"
        if i % 100 == 0:
            print(f"  {i}/{len(cases)} cases", file=sys.stderr)

    n = len(cases)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = sum(framework) / sum(raw)
    print(
        f"GGUF brain decision latency: {brain.model_path.name}, {brain.n_threads} threads, {n} cases from {args.cases.name}"
    )
    print(
        f"  static prefix: {n_prefix} tokens, ready in {prefix_ms:.0f} ms (evaluated once or loaded from the KV cache, then reused)"
    )
    print(
        f"  framework decide   p50 {pct(framework, 0.5):7.1f} ms   p95 {pct(framework, 0.95):7.1f} ms   mean {statistics.mean(framework):.1f} ms"
    )
    print(
        f"  raw llama.cpp      p50 {pct(raw, 0.5):7.1f} ms   p95 {pct(raw, 0.95):7.1f} ms   (same suffix + output tokens, same batches)"
    )
    print(
        f"  raw, token by token p50 {pct(raw_stepwise, 0.5):6.1f} ms   p95 {pct(raw_stepwise, 0.95):7.1f} ms"
        f"   (no jump-forward; every {args.stepwise_every}th case)"
    )
    print(
        f"  overhead: framework / raw = {ratio:.3f} (total time), median per-case ratio {statistics.median(f / r for f, r in zip(framework, raw, strict=False)):.3f}"
    )
    print(
        f"  jump-forward: {statistics.mean(tokens_out):.1f} output tokens in {statistics.mean(steps):.1f} model steps on average;"
        f" raw speed-up {sum(raw_stepwise) / sum(raw_same):.2f}x"
    )
    print(f"  peak RSS: {rss_mb:.0f} MB")
    print(
        f"  accuracy: exact {exact / n:.1%} ({exact}/{n}), right tool(s) {tool_ok / n:.1%}, invalid {invalid}"
    )
    brain.close()


if __name__ == "__main__":
    main()
