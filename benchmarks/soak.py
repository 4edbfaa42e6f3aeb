"""Soak: many decisions through the agent loop with a real local brain and real tools.

    python benchmarks/soak.py                                # 10,000 decisions, default brain
    python benchmarks/soak.py --brain lm --decisions 1000    # the LM student on llama.cpp

Requests are the smart-home toolkit's own generated ones (500, cycled), each perceived,
decided, checked by a policy, executed in one long-lived simulated home and logged to a
SQLite decision log, as ``edgeagent run`` does. The policy is the default one without its
rate limits (which would refuse most calls at this pace). Prints decisions per second,
p50/p99 step latency, peak RSS, the RSS growth between the first and the last 10% of the run
(mean of the samples in each; target at most 5%) and the open file descriptors before and
after. Runs outside CI.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--brain", default=None, help="Local brain (default: the shipped default)")
    ap.add_argument("--decisions", type=int, default=10_000)
    ap.add_argument("--json", type=Path, help="Also write the figures here")
    args = ap.parse_args()

    from edgeagent import Agent
    from edgeagent.datamodel import Observation
    from edgeagent.factory import build_local_brain, build_policy, build_toolset
    from edgeagent.policy import DeclarativePolicy
    from edgeagent.telemetry import Telemetry

    toolset = build_toolset(["smart_home"])
    kit = toolset.get("HassTurnOn").owner
    requests = [
        Observation(utterance=c.utterance, context=c.context or {})
        for c in kit.training_cases(500, seed=11)
    ]
    brain = build_local_brain(args.brain, suites=["smart_home"])
    base = build_policy("default").config
    policy = DeclarativePolicy(base.model_copy(update={"rate_limit": type(base.rate_limit)()}))
    with tempfile.TemporaryDirectory() as tmp:
        log = Telemetry(Path(tmp) / "soak.db", session="soak")
        agent = Agent(brain, toolset, policy=policy, telemetry=log)
        brain.warm_up(toolset)
        fds_before = open_fds()
        n = args.decisions
        tenth = max(1, n // 10)
        latencies: list[float] = []
        rss: list[tuple[int, float]] = []
        kinds: dict[str, int] = {}
        start = time.perf_counter()
        for i in range(n):
            obs = requests[i % len(requests)].model_copy(update={"id": f"soak{i}"})
            t = time.perf_counter()
            step = agent.step(obs)
            latencies.append(time.perf_counter() - t)
            kinds[step.decision.kind] = kinds.get(step.decision.kind, 0) + 1
            if i % max(1, n // 200) == 0 or i == n - 1:
                rss.append((i, rss_mb()))
        elapsed = time.perf_counter() - start
        logged = log.count()
        log.close()
        brain.close()
        fds_after = open_fds()
    first = [m for i, m in rss if i < tenth]
    last = [m for i, m in rss if i >= n - tenth]
    growth = (statistics.mean(last) - statistics.mean(first)) / statistics.mean(first)
    q = statistics.quantiles(latencies, n=100)
    figures = {
        "brain": brain.name,
        "decisions": n,
        "logged": logged,
        "kinds": kinds,
        "seconds": round(elapsed, 1),
        "decisions_per_s": round(n / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(q[98] * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_first_10pct_mb": round(statistics.mean(first), 1),
        "rss_last_10pct_mb": round(statistics.mean(last), 1),
        "rss_growth_pct": round(growth * 100, 2),
        "open_fds_before": fds_before,
        "open_fds_after": fds_after,
        "load_average": os.getloadavg(),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
