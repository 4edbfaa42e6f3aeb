"""The encoder student on the edge: the exported form (llama.cpp + numpy, no torch) against the
torch form it was exported from, measured in one run so the figures are comparable.

Prints, for the shipped ``encoder`` (exported, the default) and ``encoder-torch`` (torch,
int8 linear layers: the default before the export):

1. ``edgeagent run`` with one request, in a fresh process each time (a first unmeasured run
   warms the file cache; then ``--runs`` runs of each, interleaved): peak RSS and the time from
   the start of the process to the first answer printed;
2. ``edgeagent compress report``'s measurement of each on both dev files: size on disk, peak
   RSS, cold start, p50/p95 decision latency, accuracy;
3. the installed size of each install (every distribution the requirements pull in, from this
   environment's metadata, plus edgeagent's own files; llama-cpp-python's build excluded): the
   default ``pip install edgeagent`` against ``edgeagent[encoder,plots]``, what the torch
   student needs (before the export, the default install of the encoder student);
   ``--fresh-venv`` also installs the default into a new virtual environment and measures it;
   and each form's decisions on the smart-home file again, timed in wall and CPU time (on a
   busy machine the wall time includes waiting for a core; the CPU time does not);
4. with ``--agreement``: the exported student's decisions and confidences against the torch
   student's (fp32 and int8) on both dev files, and torch int8's against torch fp32's.

Then the targets of the export (2 cores): peak RSS <= 150 MB, start to first answer <= 1.5 s,
smart-home p50 <= 8 ms, default install <= 400 MB. The torch form needs the ``encoder`` extra.

    python benchmarks/edge_runtime.py [--runs 5] [--limit N] [--agreement] [--fresh-venv]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from edgeagent.compress.report import Variant, measure_all, to_markdown
from edgeagent.settings import settings
from edgeagent.students import bundled

ROOT = Path(__file__).resolve().parents[1]
DATA = settings().data or ROOT.parent / "shared" / "data"
HOME, ROBOT = "smart_home/dev.jsonl", "robot/dev.jsonl"
EXPORTED, TORCH = "encoder", "encoder-torch"
MB = 2**20


# -- 1. edgeagent run, one request ------------------------------------------------------------
def run_once(model: Path, request: Path, db: Path) -> tuple[float, float]:
    """(seconds from start to the first answer printed, peak RSS in MB) of one ``edgeagent
    run`` in a fresh process. (Linux's ``ru_maxrss`` of a child also counts what this process
    held when it started it, so these runs come first, before anything heavy is loaded here.)"""
    cmd = [str(Path(sys.executable).with_name("edgeagent")), "run", "--input", str(request)]
    cmd += ["--db", str(db), "--model", str(model)]
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
        assert proc.stdout is not None
        first = proc.stdout.readline()  # "» <request>  <brain> conf ...": the first answer
        answered = time.perf_counter() - start
        rest = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        if proc.returncode != 0 or not first.startswith("»"):
            raise RuntimeError(f"edgeagent run failed: {first}{rest}{err.read()[-2000:]}")
    return answered, usage.ru_maxrss / 1024


def run_figures(runs: int) -> dict[str, dict[str, list[float]]]:
    out: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        request = Path(tmp) / "request.txt"
        request.write_text("turn on the kitchen light\n", encoding="utf-8")
        names = [EXPORTED, TORCH]
        for name in names:  # warm the file cache (and the OS's page cache of the libraries)
            run_once(bundled(name), request, Path(tmp) / "log.db")
        for _ in range(runs):
            for name in names:
                s, mb = run_once(bundled(name), request, Path(tmp) / "log.db")
                out.setdefault(name, {"s": [], "mb": []})
                out[name]["s"].append(s)
                out[name]["mb"].append(mb)
    return out


# -- 2b. decision time, wall and CPU --------------------------------------------------------
def decide_times(name: str, limit: int | None) -> dict[str, float]:
    """p50/p95 of the wall time and of the process CPU time (all threads) per decision on the
    smart-home dev file, in this process. On a busy machine the wall time is the process's
    wait for a core too; the CPU time is what the decision costs."""
    from edgeagent.agent import Agent
    from edgeagent.evaluation.runner import load_eval_cases, select
    from edgeagent.students import load_brain

    cases = select(load_eval_cases(DATA / HOME), limit, 0)
    brain = load_brain(bundled(name))
    brain.warm_up(cases[0].make_toolset())
    wall, cpu = [], []
    for case in cases:
        toolset = case.make_toolset()
        observation = Agent(brain, toolset).perceive(case.observation)  # as eval does
        t = time.process_time()
        decision = brain.decide(observation, toolset)
        cpu.append((time.process_time() - t) * 1000)
        wall.append(decision.latency_ms)
    brain.close()
    q = statistics.quantiles
    return {
        "wall_p50": statistics.median(wall),
        "wall_p95": q(wall, n=20)[-1],
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": q(cpu, n=20)[-1],
    }


def decide_in_subprocess(name: str, limit: int | None) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--decide", name, "--limit", str(limit or 0)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# -- 3. installed size ------------------------------------------------------------------------
def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(extras: tuple[str, ...]) -> set[str]:
    """The distributions ``edgeagent[extras]`` pulls in, from the installed metadata."""
    from packaging.requirements import Requirement

    installed = {_norm(d.metadata["Name"]): d for d in metadata.distributions()}
    seen: dict[str, set[str]] = {}
    todo = [("edgeagent", set(extras))]
    while todo:
        name, wanted = todo.pop()
        key = _norm(name)
        if key in seen and wanted <= seen[key]:
            continue
        seen.setdefault(key, set()).update(wanted)
        dist = installed.get(key)
        if dist is None:
            raise SystemExit(f"{name} is not installed here: install edgeagent[dev]")
        for line in dist.requires or []:
            req = Requirement(line)
            envs = [{"extra": e} for e in ("", *seen[key])]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, set(req.extras)))
    return set(seen)


def installed_mb(name: str) -> float:
    """A distribution's files on disk (edgeagent: its packages as a wheel installs them)."""
    if name == "edgeagent":
        folders = [ROOT / "edgeagent", ROOT / "tools", ROOT / "policies"]
        files = [p for f in folders for p in f.rglob("*") if p.is_file()]
        return sum(p.stat().st_size for p in files if "__pycache__" not in p.parts) / MB
    dist = metadata.distribution(name)
    total = 0
    for f in dist.files or []:
        p = Path(str(dist.locate_file(f)))
        if p.is_file():
            total += p.stat().st_size
    return total / MB


def install_size(extras: tuple[str, ...]) -> tuple[float, list[tuple[float, str]]]:
    sizes = sorted(
        ((installed_mb(n), n) for n in closure(extras) if n != "llama-cpp-python"), reverse=True
    )
    return sum(s for s, _ in sizes), sizes


def fresh_venv_mb() -> float:
    """site-packages of a new venv with ``pip install edgeagent`` (no extras), less an empty
    venv's and llama-cpp-python's files (copied from here, as the install test does)."""
    sys.path.insert(0, str(ROOT))
    from tests.test_default_install import _run, _site_packages, copy_distribution

    def du(path: Path) -> int:
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())

    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        _run(sys.executable, "-m", "venv", venv)
        site = _site_packages(venv / "bin" / "python")
        empty = du(site)
        copy_distribution("llama_cpp_python", site)
        llama = du(site) - empty
        _run(venv / "bin" / "python", "-m", "pip", "install", "-q", ROOT)
        return (du(site) - empty - llama) / MB


# -- 4. agreement -----------------------------------------------------------------------------
def agreement(limit: int | None) -> None:
    from edgeagent.evaluation.agreement import compare_all
    from edgeagent.students.encoder.brain import EncoderBrain

    files = [DATA / HOME, DATA / ROBOT]
    with EncoderBrain(bundled(EXPORTED)) as exported:
        for int8 in (False, True):
            mode = "int8" if int8 else "fp32"
            with EncoderBrain(bundled(TORCH), int8=int8) as torch_student:
                for a in compare_all(torch_student, exported, files, limit):
                    print(f"  torch {mode} vs exported, {a.line((f'torch {mode}', 'exported'))}")
    # how far torch's own int8 kernels move its decisions, for scale
    with (
        EncoderBrain(bundled(TORCH), int8=False) as fp32,
        EncoderBrain(bundled(TORCH), int8=True) as int8_student,
    ):
        for a in compare_all(fp32, int8_student, files, limit):
            print(f"  torch fp32 vs torch int8, {a.line(('torch fp32', 'torch int8'))}")


def med(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=5, help="edgeagent run repeats per form")
    ap.add_argument("--limit", type=int, default=0, help="seeded sample of N cases per file")
    ap.add_argument("--agreement", action="store_true", help="compare decisions on both files")
    ap.add_argument("--fresh-venv", action="store_true", help="also measure a real install")
    ap.add_argument("--decide", help=argparse.SUPPRESS)  # internal: time one form's decisions
    args = ap.parse_args()
    if args.decide:
        print(json.dumps(decide_times(args.decide, args.limit or None)))
        return

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("1. edgeagent run, one request (start to first answer s, peak RSS MB; median of runs)")
    runs = run_figures(args.runs)
    for name, f in runs.items():
        print(f"  {name:14} {med(f['s'])} s   {med(f['mb'])} MB")

    print("\n2. compress report on both dev files")
    rows = measure_all(
        [Variant.parse(EXPORTED), Variant.parse(f"{TORCH}@int8")],
        [DATA / HOME, DATA / ROBOT],
        args.limit or None,
    )
    print(to_markdown(rows))
    print("2b. decisions on the smart-home dev file: wall and CPU ms (all threads), p50 / p95")
    times = {name: decide_in_subprocess(name, args.limit or None) for name in (EXPORTED, TORCH)}
    for name, t in times.items():
        print(
            f"  {name:14} wall {t['wall_p50']:.1f} / {t['wall_p95']:.1f}"
            f"   CPU {t['cpu_p50']:.1f} / {t['cpu_p95']:.1f}"
        )
    print(f"  load average now {os.getloadavg()[0]:.1f}\n")

    print("3. installed size, llama-cpp-python excluded (MB)")
    after, sizes = install_size(())
    before, _ = install_size(("encoder", "plots"))
    print(f"  pip install edgeagent                  {after:7.0f}")
    print(f"  pip install 'edgeagent[encoder,plots]' {before:7.0f}")
    print("  largest in the default install: " + ", ".join(f"{n} {s:.0f}" for s, n in sizes[:8]))
    fresh = fresh_venv_mb() if args.fresh_venv else None
    if fresh is not None:
        print(f"  a fresh venv's pip install edgeagent   {fresh:7.0f}")

    if args.agreement:
        print("\n4. agreement")
        agreement(args.limit or None)

    exported, torch_row = rows
    rss, start = statistics.median(runs[EXPORTED]["mb"]), statistics.median(runs[EXPORTED]["s"])
    p50 = exported["files"][HOME]["p50_ms"]
    size = fresh if fresh is not None else after
    table: list[tuple[str, str, str, str]] = [
        ("installed size, llama-cpp-python excluded", f"{before:.0f} MB", f"{size:.0f} MB", f"<= 400 MB: {verdict(size <= 400)}"),
        ("peak RSS, edgeagent run, one decision", f"{statistics.median(runs[TORCH]['mb']):.0f} MB", f"{rss:.0f} MB", f"<= 150 MB: {verdict(rss <= 150)}"),
        ("start to first answer (warm cache)", f"{statistics.median(runs[TORCH]['s']):.2f} s", f"{start:.2f} s", f"<= 1.5 s: {verdict(start <= 1.5)}"),
        ("decision p50, smart-home dev", f"{torch_row['files'][HOME]['p50_ms']:.1f} ms", f"{p50:.1f} ms", f"<= 8 ms: {verdict(p50 <= 8)}"),
        ("  CPU time per decision, p50", f"{times[TORCH]['cpu_p50']:.1f} ms", f"{times[EXPORTED]['cpu_p50']:.1f} ms", f"<= 8 ms: {verdict(times[EXPORTED]['cpu_p50'] <= 8)}"),
    ]  # fmt: skip
    print("\n| | torch student (before) | exported (after) | target |\n|---|---:|---:|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    main()
