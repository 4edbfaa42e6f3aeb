"""``edgeagent eval``: run a case file, write ``results.json``, ``report.md`` and the plots."""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from edgeagent.brains.base import Brain
from edgeagent.evaluation.records import CaseRecord
from edgeagent.evaluation.runner import (
    EvalCase,
    Evaluation,
    ReferenceBrain,
    file_sha256,
    load_eval_cases,
    select,
)

RESULTS = "results.json"


def default_out_dir(cases_files: Sequence[Path]) -> Path:
    """``eval-<first file's stem>`` in the working directory."""
    return Path(f"eval-{cases_files[0].stem}" + ("-etc" if len(cases_files) > 1 else ""))


def _build_local(
    brain: str | None, model: Path | None, adapter: Path | None, suites: list[str]
) -> Brain:
    from edgeagent.factory import build_local_brain

    return build_local_brain(brain, model=model, adapter=adapter, suites=suites)


def _build_cloud(spec: str | None, cases: Sequence[EvalCase], source: str) -> Brain:
    from edgeagent.factory import build_cloud

    if spec is None or spec == "replay":
        return ReferenceBrain(cases, source)
    cloud = build_cloud(spec)
    if cloud is None:
        raise ValueError("an evaluation needs a cloud; use the default (replay) or name one")
    return cloud


def policy_threshold(policy: Any) -> float | None:
    """A policy's base threshold, where it has one (a YAML policy's ``threshold``)."""
    config = getattr(policy, "config", None)
    value = getattr(config, "threshold", None)
    return float(value) if isinstance(value, int | float) else None


def load_all(files: Sequence[Path]) -> list[EvalCase]:
    """The cases of every file, in order; a case id used twice is an error."""
    from edgeagent.errors import ConfigError

    cases: list[EvalCase] = []
    seen: set[str] = set()
    for f in files:
        for case in load_eval_cases(f):
            if case.id in seen:
                raise ConfigError(f"case id {case.id!r} occurs twice ({f})")
            seen.add(case.id)
            cases.append(case)
    return cases


def _live_figures(records: Sequence[CaseRecord]) -> str:
    if not records:
        return ""
    n = len(records)
    local = sum(r.local.correct for r in records) / n
    routed = sum(r.routed.correct for r in records) / n
    offload = sum(r.escalated for r in records) / n
    return f"local {local:.0%} · routed {routed:.0%} · offload {offload:.0%}"


def evaluate_file(
    cases_files: Path | Sequence[Path],
    *,
    brain: str | None = None,
    model: Path | None = None,
    adapter: Path | None = None,
    cloud: str | None = None,
    policy: str | None = None,
    out_dir: Path | None = None,
    seed: int = 0,
    limit: int | None = None,
    restart: bool = False,
    console: Console | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Evaluate the case files (together: e.g. every BFCL category) and write the results;
    returns the ``results.json`` content.

    Interrupting (Ctrl-C) keeps every finished case: the same command resumes the run.
    """
    from edgeagent import __version__
    from edgeagent.evaluation.report import write_report
    from edgeagent.evaluation.summary import summarize
    from edgeagent.factory import build_policy

    console = console or Console(stderr=True)
    files = [cases_files] if isinstance(cases_files, Path) else list(cases_files)
    out_dir = out_dir or default_out_dir(files)
    cases = select(load_all(files), limit, seed)
    label = ", ".join(f.name for f in files)
    the_policy = build_policy(policy)
    local = _build_local(brain, model, adapter, sorted({c.suite for c in cases}))
    the_cloud = _build_cloud(cloud, cases, label)
    meta: dict[str, Any] = {
        "cases_file": ", ".join(map(str, files)),
        "cases_sha256": ",".join(file_sha256(f) for f in files),
        "brain": local.name,
        "model": str(model or getattr(local, "model_path", None) or ""),
        "adapter": str(getattr(local, "adapter", None) or ""),
        "cloud": the_cloud.name,
        "policy": the_policy.name,
        "threshold": policy_threshold(the_policy),
        "seed": seed,
        "limit": limit,
        "suites": sorted({c.suite for c in cases}),
        "edgeagent": __version__,
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
    }
    run = Evaluation(cases, local, the_cloud, the_policy, out_dir, meta)
    try:
        done = run.prepare(restart=restart)
        if done:
            console.print(f"resuming: {len(done)} of {len(cases)} cases already evaluated")
        records = list(done)
        start = time.perf_counter()
        todo = [c for c in cases if c.id not in {r.id for r in done}]
        warm_up = getattr(local, "warm_up", None)
        if todo and warm_up is not None:
            warm_up(todo[0].make_toolset())
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[figures]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not progress,
        ) as bar:
            task = bar.add_task(
                label, total=len(cases), completed=len(done), figures=_live_figures(done)
            )
            for record in run.run(done):
                records.append(record)
                bar.update(task, advance=1, figures=_live_figures(records))
        wall_s = time.perf_counter() - start
    finally:
        local.close()
        the_cloud.close()
    fresh = records[len(done) :]
    meta["timing"] = {
        "wall_s": round(wall_s, 3),
        "cases_this_run": len(fresh),
        "local_decide_s": round(sum(r.local.latency_ms for r in fresh) / 1000, 3),
        "cloud_decide_s": round(sum(r.cloud.latency_ms for r in fresh) / 1000, 3),
    }
    order = {c.id: i for i, c in enumerate(cases)}
    records.sort(key=lambda r: order[r.id])
    summary = summarize(records, meta=meta)
    (out_dir / RESULTS).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    write_report(summary, records, out_dir)
    return summary
