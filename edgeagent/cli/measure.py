"""``edgeagent eval``, ``report`` and ``calibrate``: measure the agent and tune its router."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from edgeagent.cli._common import (
    AdapterOpt,
    BrainOpt,
    ModelOpt,
    app,
    console,
    err_console,
    fail,
    user_errors,
)


@app.command()
def calibrate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Policy file to write.")],
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--db", help="Calibrate on logged decisions (local confidences)."),
    ] = None,
    cases: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--cases", help="Calibrate on labelled case files (case format or BFCL), repeatable."
        ),
    ] = None,
    brain: BrainOpt = None,
    model: ModelOpt = None,
    adapter: AdapterOpt = None,
    target_offload: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option("--target-offload", min=0.0, max=1.0, help="Fraction sent to the cloud."),
    ] = None,
    target_accuracy: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option("--target-accuracy", min=0.0, max=1.0, help="Routed accuracy (needs labels)."),
    ] = None,
    policy: Annotated[
        str, typer.Option("--policy", "-p", help="Base policy (file or name).")
    ] = "default",
) -> None:
    """Pick the escalation threshold that reaches a target offload rate or accuracy, and write
    it into a policy file. Cases are scored exactly as ``edgeagent eval`` scores them."""
    from rich.progress import track

    from edgeagent import calibration
    from edgeagent.evaluation.command import load_all
    from edgeagent.evaluation.runner import score_local
    from edgeagent.factory import build_local_brain, build_policy
    from edgeagent.policy import save_policy_file
    from edgeagent.policy.declarative import with_threshold

    if (target_offload is None) == (target_accuracy is None):
        raise fail("give exactly one of --target-offload, --target-accuracy")
    if (db is None) == (not cases):
        raise fail("give exactly one of --db, --cases")
    with user_errors(ValueError):
        base = build_policy(policy)
        if db is not None:
            items = calibration.scored_from_log(db)
        else:
            labelled = load_all(cases or [])
            suites = sorted({c.suite for c in labelled})
            local = build_local_brain(brain, model=model, adapter=adapter, suites=suites)
            try:
                if labelled:
                    local.warm_up(labelled[0].make_toolset())
                items = score_local(
                    labelled,
                    local,
                    lambda cs: track(
                        cs, description="running the local brain", console=err_console
                    ),
                )
            finally:
                local.close()
        op = calibration.choose(
            items, target_offload=target_offload, target_accuracy=target_accuracy
        )
        save_policy_file(with_threshold(base, op.threshold), out)
    acc = f", routed accuracy {op.accuracy:.1%}" if op.accuracy is not None else ""
    console.print(
        f"threshold [bold]{op.threshold:.4f}[/] on {len(items)} decisions: "
        f"offload {op.offload:.1%}{acc} → wrote {out}"
    )


@app.command()
def report(
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--db", help="Decision log (SQLite); default $EDGEAGENT_DB or the state dir."),
    ] = None,
    since: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--since", help="Start: a duration ago (30m, 24h, 7d) or an ISO date/time."),
    ] = None,
    until: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--until", help="End (exclusive), in the same forms as --since."),
    ] = None,
    bucket: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--bucket", help="Time bucket (15m, 1h, 1d); default: from the window."),
    ] = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--out", "-o", help="Write report.json, report.md and PNG figures here."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Report what a deployed agent does and costs, from its decision log: offload rate over
    time, per tool and per tier, local confidence, latency, escalation reasons, tokens."""
    from edgeagent.evaluation.live import live_report, parse_since, render, write_live_report
    from edgeagent.factory import default_db_path

    with user_errors(OSError):
        now = time.time()
        the_report = live_report(
            db or default_db_path(),
            since=parse_since(since, now) if since is not None else None,
            until=parse_since(until, now) if until is not None else None,
            bucket=bucket,
            now=now,
        )
        written = write_live_report(the_report, out) if out is not None else []
    if as_json:
        typer.echo(the_report.model_dump_json(indent=2))
    else:
        render(the_report, console)
    for path in written:
        (err_console if as_json else console).print(f"wrote {path}")


@app.command("eval")
def eval_(
    cases: Annotated[
        list[Path],
        typer.Argument(help="Case file(s): the shared JSONL case format or BFCL files."),
    ],
    brain: BrainOpt = None,
    model: ModelOpt = None,
    adapter: AdapterOpt = None,
    cloud: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--cloud",
            help="Cloud brain: 'replay' (the file's labelled calls, default), 'openai', 'replay:FILE'.",
        ),
    ] = None,
    policy: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--policy", "-p", help="Policy YAML file or name (default: 'default')."),
    ] = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--out", "-o", help="Output folder (default: eval-<file name>)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --limit sampling; fixes the run.")] = 0,
    limit: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--limit", "-n", min=1, help="Evaluate a seeded random sample of N cases."),
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Discard the records of an earlier run in --out.")
    ] = False,
) -> None:
    """Measure a local brain, the cloud and the routed agent on a case file.

    Writes results.json (accuracy per tier, offload, the accuracy-vs-offload curve, AUC, APGR,
    CPT, AUROC, ECE, per-tool and per-category figures), report.md and PNG plots to --out.
    Ctrl-C keeps finished cases: run the same command again to resume.
    """
    from edgeagent.evaluation.command import default_out_dir, evaluate_file

    out_dir = out or default_out_dir(cases)
    try:
        with user_errors():
            results = evaluate_file(
                cases,
                brain=brain,
                model=model,
                adapter=adapter,
                cloud=cloud,
                policy=policy,
                out_dir=out_dir,
                seed=seed,
                limit=limit,
                restart=restart,
                console=err_console,
            )
    except KeyboardInterrupt:
        err_console.print(
            f"[yellow]interrupted[/]: finished cases are kept in {out_dir}; run the same command to resume"
        )
        raise typer.Exit(130) from None
    _print_eval(results, out_dir)


def _print_eval(r: dict[str, Any], out_dir: Path) -> None:
    from rich.table import Table

    def pct(x: Any) -> str:
        return "-" if x is None else f"{x:.1%}"

    lat = r["latency_ms"]
    table = Table(title=f"{r['cases']} cases · local {r['brain']} · cloud {r['cloud']}")
    for col in ("", "accuracy", "offload", "p50 ms", "p95 ms"):
        table.add_column(col, justify="right" if col else "left")
    rows = (
        ("local only", r["local_accuracy"], 0.0, lat["local"]),
        ("cloud only", r["cloud_accuracy"], 1.0, lat["cloud"]),
        (_routed_label(r), r["routed_accuracy"], r["offload_rate"], lat["routed"]),
    )
    for label, acc, offload, latency in rows:
        table.add_row(
            label, pct(acc), pct(offload), f"{latency['p50']:.0f}", f"{latency['p95']:.0f}"
        )
    console.print(table)
    apgr = "-" if r["apgr"] is None else f"{r['apgr']:.3f}"
    auroc = "-" if r["auroc"] is None else f"{r['auroc']:.3f}"
    console.print(
        f"AUC {r['auc']:.3f} · APGR {apgr} · CPT(50%) {pct(r['cpt50'])} · CPT(80%) {pct(r['cpt80'])}"
        f" · AUROC {auroc} · ECE {r['ece']:.3f}"
    )
    effect, fa = r.get("effect_accuracy") or {}, r.get("false_action_rate") or {}
    fc = r.get("false_change_rate") or {}
    line = f"effect accuracy local {pct(effect.get('local'))} · routed {pct(effect.get('routed'))}"
    if r.get("no_action_cases"):
        line += (
            f" · {r['no_action_cases']} no-action cases: false actions local"
            f" {pct(fa.get('local'))} / routed {pct(fa.get('routed'))}, world changed local"
            f" {pct(fc.get('local'))} / routed {pct(fc.get('routed'))}"
        )
    unfamiliar = (r.get("signals") or {}).get("unfamiliarity")
    if unfamiliar and unfamiliar.get("auroc") is not None:  # None: all right or all wrong
        line += f" · AUROC of unfamiliarity {unfamiliar['auroc']:.3f}"
    console.print(line)
    console.print(f"results, report and plots in [bold]{out_dir}[/]")


def _routed_label(r: dict[str, Any]) -> str:
    threshold = r.get("threshold")
    return "routed" if threshold is None else f"routed (threshold {threshold:.2f})"
