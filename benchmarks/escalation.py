"""Offload vs accuracy of the escalating brain on a case file, with a replay cloud.

The local brain (default: the GGUF brain on SmolLM2-135M) decides every case once; the cloud
is a *replay* brain answering with the file's expected calls (no live cloud is used, so the
cloud is right by construction wherever its answer validates). For a sweep of thresholds the
offload rate and routed accuracy follow from the logged confidences. Printed: the sweep, the
threshold that reaches 95% of the cloud's accuracy and the offload it needs, and the latency
the escalating brain adds over the local brain alone (measured in the same run on every k-th
case, at that threshold).

    python benchmarks/escalation.py [--cases FILE] [--limit N] [--model PATH] [--every K]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from edgeagent.brains.escalating import EscalatingBrain
from edgeagent.brains.gguf import GGUFBrain
from edgeagent.brains.replay import ReplayBrain
from edgeagent.calibration import Scored, curve
from edgeagent.cases import load_cases
from edgeagent.factory import build_toolset
from edgeagent.policy import DeclarativePolicy, PolicyConfig
from edgeagent.scoring import calls_match

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASES = ROOT.parent / "shared" / "data" / "smart_home" / "dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--every", type=int, default=5, help="latency comparison on every k-th case")
    args = ap.parse_args()

    cases = load_cases(args.cases)[: args.limit or None]
    suites = sorted({c.suite for c in cases})
    toolset = build_toolset(suites)
    local = GGUFBrain(args.model)
    local.warm_up(toolset)
    cloud = ReplayBrain.from_cases(cases, source=args.cases.name)

    items, local_ms = [], []
    for case in cases:
        obs = case.observation()
        t = time.perf_counter()
        d = local.decide(obs, toolset)
        local_ms.append((time.perf_counter() - t) * 1000)
        c = cloud.decide(obs, toolset)
        expected = case.expected_dicts()
        items.append(
            Scored(
                confidence=d.confidence if d.kind != "invalid" else 0.0,
                local_correct=d.kind != "invalid" and calls_match(expected, d.calls, case.match),
                cloud_correct=c.kind != "invalid" and calls_match(expected, c.calls, case.match),
            )
        )
    n = len(items)
    local_acc = sum(bool(i.local_correct) for i in items) / n
    cloud_acc = sum(i.cloud_correct for i in items) / n
    points = curve(items)
    target = 0.95 * cloud_acc
    reaching = [p for p in points if (p.accuracy or 0) >= target]
    best = min(reaching, key=lambda p: p.offload) if reaching else points[-1]

    print(
        f"Escalation on {args.cases.name}: {n} cases, local {local.name}, cloud {cloud.name} (REPLAY of the expected calls, no live cloud)"
    )
    print(f"  local alone: accuracy {local_acc:.1%}; cloud alone: accuracy {cloud_acc:.1%}")
    print("  threshold  offload  accuracy")
    shown = sorted({round(x / 10, 1) for x in range(11)})
    for t in shown:
        p = min(points, key=lambda q: abs(q.threshold - t))
        print(f"  {p.threshold:9.3f}  {p.offload:7.1%}  {p.accuracy or 0:8.1%}")
    print(
        f"  95% of the cloud's accuracy ({target:.1%}) needs threshold {best.threshold:.3f}: offload {best.offload:.1%}, accuracy {best.accuracy or 0:.1%}"
    )

    routed = EscalatingBrain(
        local,
        cloud,
        policy=DeclarativePolicy(PolicyConfig(threshold=best.threshold, deadline_ms=60000)),
    )
    pairs = []
    for case in cases[:: args.every]:
        obs = case.observation()
        t = time.perf_counter()
        local.decide(obs, toolset)
        alone = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        routed.decide(obs, toolset)
        pairs.append((alone, (time.perf_counter() - t) * 1000))
    alone_total = sum(a for a, _ in pairs)
    routed_total = sum(r for _, r in pairs)
    print(
        f"  latency on {len(pairs)} cases: local alone p50 {statistics.median(a for a, _ in pairs):.1f} ms,"
        f" escalating p50 {statistics.median(r for _, r in pairs):.1f} ms; escalating / local = {routed_total / alone_total:.3f}"
    )
    print(f"  (local decide p50 over all cases {statistics.median(local_ms):.1f} ms)")
    routed.close()


if __name__ == "__main__":
    main()
