"""A busy device: decision latency with another CPU-bound process on the same cores.

For each local brain (the LM student on llama.cpp, the encoder student on torch) and each
setup (before the fix: OpenMP's default wait; after: passive waits; and, for llama.cpp, one
thread instead of one per core), the same decision ("turn on the kitchen light") is timed in a fresh
process three times: on its own, with a plain busy loop running, and with a second agent of
the same kind deciding in a loop. A decision may take at most 3x its time on its own.

    python benchmarks/busy_device.py [--brains lm encoder] [--decisions 12] [--budget 60]

(the encoder, whose decisions take milliseconds, gets 20 times ``--decisions``).

Each measurement runs at most ``--budget`` seconds (slow setups report the decisions they
finished). The machine's load average before each run is printed: on a shared machine the
"on its own" runs are not idle either, so compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
REQUEST = "turn on the kitchen light"
SETUPS = {
    # name: (environment, GGUF threads)
    "before (OpenMP default wait, threads = cores)": ({"EDGEAGENT_CPU_WAIT": "runtime"}, "cores"),
    "after (passive wait, threads = cores)": ({}, "cores"),
    "passive wait, 1 thread": ({}, "1"),
}
ENCODER_SETUPS = {
    "before (OpenMP default wait)": {"EDGEAGENT_CPU_WAIT": "runtime"},
    "after (passive wait)": {},
}


def child(brain: str, threads: str, decisions: int, budget: float) -> None:
    """Time decisions in this process; print one JSON line."""
    from edgeagent.datamodel import Observation
    from edgeagent.factory import build_local_brain, build_toolset

    toolset = build_toolset(["smart_home"])
    options = (
        {} if brain == "encoder" else {"n_threads": int(threads) if threads.isdigit() else None}
    )
    if brain == "encoder":
        agent_brain = build_local_brain("encoder", suites=["smart_home"])
    else:
        from edgeagent.cpu import configure
        from edgeagent.students.lm.brain import lm_student

        configure()
        agent_brain = lm_student(**options)
    agent_brain.warm_up(toolset)
    times: list[float] = []
    start = time.monotonic()
    while len(times) < decisions and time.monotonic() - start < budget:
        t = time.perf_counter()
        agent_brain.decide(Observation(utterance=REQUEST), toolset)
        times.append(time.perf_counter() - t)
        if decisions > 10_000:  # a competitor: keep going, say nothing
            continue
    print(json.dumps({"times": times}), flush=True)


def measure(
    brain: str, env: dict[str, str], threads: str, competitor: str | None, n: int, budget: float
) -> dict[str, float]:
    full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    rival = None
    if competitor == "busy loop":
        rival = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    elif competitor == "second agent":
        rival = subprocess.Popen(
            [sys.executable, str(HERE), "--child", brain, "--threads", threads,
             "--decisions", "1000000", "--budget", "100000"],
            env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(8 if brain == "lm" else 12)  # let it load and start deciding
    load = os.getloadavg()[0]
    try:
        out = subprocess.run(
            [sys.executable, str(HERE), "--child", brain, "--threads", threads,
             "--decisions", str(n), "--budget", str(budget)],
            env=full_env, capture_output=True, text=True, timeout=budget + 300,
        )  # fmt: skip
    finally:
        if rival is not None:
            rival.kill()
            rival.wait()
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(out.stderr[-2000:])
    times = json.loads(lines[-1])["times"]
    return {
        "p50_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "n": len(times),
        "load": load,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--brains", nargs="+", default=["lm", "encoder"])
    ap.add_argument("--decisions", type=int, default=12)
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--json", type=Path, help="Also write the figures here")
    ap.add_argument("--setups", nargs="*", help="Only setups whose name has one of these words")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--threads", default="cores", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.threads, args.decisions, args.budget)
        return
    rows = []
    print(f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()}")
    print("| brain | setup | alone p50 | + busy loop p50 (ratio) | + second agent p50 (ratio) |")
    print("|---|---|---:|---:|---:|")
    for brain in args.brains:
        setups = (
            {k: (v, "cores") for k, v in ENCODER_SETUPS.items()} if brain == "encoder" else SETUPS
        )
        for name, (env, threads) in setups.items():
            if args.setups and not any(word in name for word in args.setups):
                continue
            n = args.decisions * (20 if brain == "encoder" else 1)  # milliseconds: more samples
            alone = measure(brain, env, threads, None, n, args.budget)
            loop = measure(brain, env, threads, "busy loop", n, args.budget)
            agent = measure(brain, env, threads, "second agent", n, args.budget)
            rows.append(
                {"brain": brain, "setup": name, "alone": alone, "loop": loop, "agent": agent}
            )

            def cell(m: dict[str, float], alone: dict[str, float] = alone) -> str:
                ratio = m["p50_ms"] / alone["p50_ms"]
                return f"{m['p50_ms']:.0f} ms ({ratio:.1f}x, n={m['n']:.0f}, load {m['load']:.1f})"

            print(
                f"| {brain} | {name} | {alone['p50_ms']:.0f} ms (n={alone['n']:.0f}, load "
                f"{alone['load']:.1f}) | {cell(loop)} | {cell(agent)} |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
