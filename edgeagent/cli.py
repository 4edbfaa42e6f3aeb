"""The ``edgeagent`` command line (typer + rich)."""

from __future__ import annotations

import json
import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from edgeagent import __version__
from edgeagent.errors import ConfigError, EdgeAgentError
from edgeagent.types import Observation, StepResult

app = typer.Typer(
    name="edgeagent",
    help="AI agents for edge devices with pluggable compressed brains.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        console.print(f"edgeagent {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        Optional[bool],  # noqa: UP045 - typer needs Optional here
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """AI agents for edge devices with pluggable compressed brains."""


WorldOpt = Annotated[
    str, typer.Option("--world", "-w", help="Toolkit/world: smart_home, robot, or any plugin.")
]
BrainOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--brain",
        "-b",
        help="Local brain plugin (student, gguf, ...); default: the best one shipped for the world.",
    ),
]
ModelOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--model", "-m", help="GGUF model file (default: the packaged SmolLM2-135M)."),
]
AdapterOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--adapter", help="LoRA adapter GGUF for the model (edgeagent distill --lora)."),
]


@app.command()
def run(
    world: WorldOpt = "smart_home",
    input: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--input", "-i", help="Observations: a JSONL file (or text, one utterance a line)."
        ),
    ] = None,
    brain: BrainOpt = None,
    model: ModelOpt = None,
    adapter: AdapterOpt = None,
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--db", help="Decision log (SQLite); default $EDGEAGENT_DB or the state dir."),
    ] = None,
    cloud: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--cloud",
            help="Escalate to: 'openai' (EDGEAGENT_CLOUD_* settings), 'replay:FILE', or a brain name.",
        ),
    ] = None,
    policy: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--policy", "-p", help="Policy: a YAML file or a name (default, cautious_home, robot)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON result a line.")] = False,
    mqtt_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--mqtt-url", help="Broker of --world mqtt (mqtt://HOST:PORT)."),
    ] = None,
    ha_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--ha-url",
            help="Home Assistant of --world homeassistant (token: $EDGEAGENT_HA_TOKEN).",
        ),
    ] = None,
) -> None:
    """Run an agent: read observations, decide, act on the world, print each step.

    With --cloud or --policy, the local brain escalates to the cloud per the policy, and cloud
    answers are stored as teacher examples in the decision log.
    """
    from edgeagent.agent import Agent
    from edgeagent.factory import build_local_brain, build_toolset, default_db_path
    from edgeagent.sources import iter_observations
    from edgeagent.telemetry import Telemetry

    options: dict[str, Any] = {
        k: v for k, v in {"mqtt_url": mqtt_url, "ha_url": ha_url}.items() if v
    }
    try:
        toolset = build_toolset([world], **options)
        telemetry = Telemetry(db or default_db_path(), session=f"cli-{world}")
        suites = sorted({w.name for w in toolset.worlds}) or [world]  # what the worlds are
        local = build_local_brain(brain, model=model, adapter=adapter, suites=suites)
        the_brain, the_policy = _routed_brain(local, cloud, policy, telemetry)
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    agent = Agent(
        the_brain,
        toolset,
        policy=the_policy,
        telemetry=telemetry,
        confirm=_ask if sys.stdin.isatty() else None,
    )
    interactive = input is None and sys.stdin.isatty()
    if interactive:
        console.print(
            f"[bold]edgeagent[/] {world} · brain [cyan]{the_brain.name}[/] · "
            f"log {telemetry.path}\nType a request (empty line or Ctrl-D to quit)."
        )
    source: Iterator[Observation] | Path = (
        _prompt_loop() if interactive else iter_observations(input or sys.stdin)
    )
    try:
        warm_up = getattr(the_brain, "warm_up", None)
        if warm_up is not None:  # load before the first request, so its latency is its own
            with (
                console.status("loading the model and the world...")
                if interactive
                else nullcontext()
            ):
                warm_up(toolset)
        for step in agent.run(source):
            if as_json:
                console.print_json(step.model_dump_json())
            else:
                print_step(step)
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    finally:
        the_brain.close()
        telemetry.close()
        for w in toolset.worlds:  # real worlds hold connections
            close = getattr(w, "close", None)
            if close is not None:
                close()


def _routed_brain(
    local: Any, cloud: str | None, policy: str | None, telemetry: Any
) -> tuple[Any, Any]:
    from edgeagent.brains.escalating import EscalatingBrain
    from edgeagent.factory import build_cloud, build_policy

    if cloud is None and policy is None:
        return local, None
    the_policy = build_policy(policy)
    routed = EscalatingBrain(
        local, build_cloud(cloud), policy=the_policy, teacher=telemetry.record_teacher
    )
    return routed, the_policy


def _ask(call: Any, reason: str) -> bool:
    answer = console.input(f"[yellow]{reason}.[/] Run {call}? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _prompt_loop() -> Iterator[Observation]:
    while True:
        try:
            text = console.input("[bold green]you>[/] ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if not text.strip():
            return
        yield Observation(utterance=text.strip())


def print_step(step: StepResult) -> None:
    """Print one step: the decision, each call's outcome and the state that changed."""
    d = step.decision
    head = f"[dim]{d.brain}[/] conf [bold]{d.confidence:.2f}[/] · {d.latency_ms:.0f} ms"
    if d.escalated:
        head += f" · escalated ({d.escalation_reason})"
    console.print(f"[bold]» {step.observation.utterance or step.observation.event}[/]  {head}")
    if d.kind == "invalid":
        console.print(f"  [red]invalid decision, nothing done:[/] {d.reason}")
    elif d.kind == "noop":
        console.print("  [yellow]no action[/]")
    elif d.kind == "answer":
        console.print(f"  [cyan]{d.answer}[/]")
    for r in step.results:
        if r.ok:
            speech = r.output.get("speech") if isinstance(r.output, dict) else r.output
            console.print(f"  [green]✓[/] {r.call}" + (f" → {speech}" if speech else ""))
        else:
            console.print(f"  [red]✗[/] {r.call}: {r.error}")
    for key, change in step.changes.items():
        old, new = change if isinstance(change, list) else (None, change)
        console.print(f"    [magenta]{key}[/]: {old} → {new}")


@app.command()
def tools(
    world: WorldOpt = "smart_home",
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON schemas.")] = False,
) -> None:
    """List the tools of a world and their argument schemas."""
    from edgeagent.factory import build_toolset

    try:
        toolset = build_toolset([world])
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        payload = [
            {
                "name": t.name,
                "description": t.description,
                "risk": t.risk.value,
                "parameters": t.json_schema(),
            }
            for t in toolset
        ]
        console.print_json(json.dumps(payload))
        return
    table = Table(title=f"{world}: {len(toolset)} tools")
    table.add_column("tool", style="bold")
    table.add_column("risk")
    table.add_column("arguments")
    table.add_column("description")
    for t in toolset:
        args = ", ".join(
            f"{p.name}{'' if p.required else '?'}: {p.type}"
            + (f" ∈ {p.vocab.kind}" if p.vocab else "")
            for p in t.params
        )
        table.add_row(t.name, t.risk.value, args, t.description)
    console.print(table)


@app.command()
def calibrate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Policy file to write.")],
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--db", help="Calibrate on logged decisions (local confidences)."),
    ] = None,
    cases: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--cases", help="Calibrate on a labelled case file, running the local brain."),
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
    it into a policy file."""
    from edgeagent import calibration
    from edgeagent.factory import build_policy
    from edgeagent.policies import save_policy_file

    if (target_offload is None) == (target_accuracy is None):
        err_console.print("[red]error:[/] give exactly one of --target-offload, --target-accuracy")
        raise typer.Exit(2)
    if (db is None) == (cases is None):
        err_console.print("[red]error:[/] give exactly one of --db, --cases")
        raise typer.Exit(2)
    try:
        base = build_policy(policy)
        if db is not None:
            items = _scored_from_db(db)
        else:
            assert cases is not None  # exactly one of them, checked above
            items = _scored_from_cases(cases, brain, model, adapter)
        if target_offload is not None:
            op = calibration.for_offload(items, target_offload)
        else:
            op = calibration.for_accuracy(items, target_accuracy)  # type: ignore[arg-type]
    except (EdgeAgentError, ValueError) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    config = base.config.model_copy(update={"threshold": round(op.threshold, 6)})
    save_policy_file(config, out)
    acc = f", routed accuracy {op.accuracy:.1%}" if op.accuracy is not None else ""
    console.print(
        f"threshold [bold]{op.threshold:.4f}[/] on {len(items)} decisions: "
        f"offload {op.offload:.1%}{acc} → wrote {out}"
    )


def _scored_from_db(db: Path) -> list[Any]:
    from edgeagent.calibration import Scored
    from edgeagent.telemetry import Telemetry

    if not db.is_file():
        raise EdgeAgentError(f"no decision log at {db}")
    with Telemetry(db) as log:
        rows = list(log.rows())
    items = []
    for row in rows:
        d = row["decision"]
        conf = d.get("local_confidence")
        items.append(Scored(confidence=float(conf if conf is not None else d["confidence"])))
    return items


def _scored_from_cases(
    path: Path, brain: str | None, model: Path | None, adapter: Path | None
) -> list[Any]:
    from rich.progress import track

    from edgeagent.calibration import Scored
    from edgeagent.cases import load_cases
    from edgeagent.factory import build_local_brain, build_toolset
    from edgeagent.scoring import calls_match

    cases = load_cases(path)
    suites = sorted({c.suite for c in cases})
    local = build_local_brain(brain, model=model, adapter=adapter, suites=suites)
    toolsets = {suite: build_toolset([suite]) for suite in sorted({c.suite for c in cases})}
    items = []
    try:
        for case in track(cases, description="running the local brain", console=err_console):
            d = local.decide(case.observation(), toolsets[case.suite])
            ok = d.kind != "invalid" and calls_match(case.expected_dicts(), d.calls, case.match)
            items.append(Scored(confidence=d.confidence, local_correct=ok))
    finally:
        local.close()
    return items


@app.command()
def distill(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for the student GGUFs.")],
    data: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--data", "-d", help="gen:SUITE:N (generated) or a case JSONL; repeatable."),
    ] = None,
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--db", help="Also learn the cloud answers stored in this decision log."),
    ] = None,
    db_world: Annotated[
        str,
        typer.Option("--db-world", help="World of the logged examples and of --utterances."),
    ] = "smart_home",
    utterances: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--utterances", help="Unlabelled requests (text or JSONL) for --teacher to label."
        ),
    ] = None,
    teacher: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--teacher", help="Brain labelling --utterances: 'openai', 'replay:FILE' or a name."
        ),
    ] = None,
    init: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--init", help="GGUF to start from (default: the packaged SmolLM2-135M)."),
    ] = None,
    steps: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Optimizer steps (default: 300 lm, 800 encoder)."),
    ] = None,
    batch: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Batch size (default: 8 lm, 32 encoder)."),
    ] = None,
    lr: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(min=0.0, help="Learning rate (default: 1e-4 lm, 1e-3 encoder)."),
    ] = None,
    seed: int = 0,
    quant: Annotated[
        str, typer.Option(help="Also write this quantization (Q8_0, Q4_K_M, ...).")
    ] = "Q8_0",
    lora: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            min=0,
            help="Train LoRA adapters of this rank instead of all weights (0: all weights;"
            " default: 0 lm, 16 encoder).",
        ),
    ] = None,
    lora_alpha: Annotated[int, typer.Option(min=1)] = 32,
    init_adapter: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--init-adapter", help="Continue training this LoRA adapter GGUF."),
    ] = None,
    student: Annotated[
        str,
        typer.Option(
            help="'lm': a causal LM written as GGUF (GGUF brain); 'encoder': MiniLM with heads"
            " (encoder brain; --init continues a student folder)."
        ),
    ] = "lm",
) -> None:
    """Distill teacher decisions into a small student model.

    --student lm (default) fine-tunes a causal LM written as GGUF for the GGUF brain; with
    --lora R only a rank-R adapter trains, written as a llama.cpp LoRA GGUF (a few MB) that the
    GGUF brain applies to the --init model (--adapter). --student encoder trains the encoder
    student (a sentence encoder with tool and argument heads, milliseconds per decision) into
    the --out folder, run by --brain encoder --model FOLDER.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from edgeagent.compress.distill import DistillConfig
    from edgeagent.compress.pipeline import distill_to_encoder, distill_to_gguf, gather_cases
    from edgeagent.encoder.train import EncoderTrainConfig

    if student not in ("lm", "encoder"):
        err_console.print(f"[red]error:[/] --student must be 'lm' or 'encoder', not {student!r}")
        raise typer.Exit(2)

    try:
        if (utterances is None) != (teacher is None):
            raise ConfigError("--utterances and --teacher go together")
        labelled: list[Any] = []
        if utterances is not None and teacher is not None:
            from edgeagent.compress.pipeline import label_with_teacher
            from edgeagent.factory import build_cloud

            the_teacher = build_cloud(teacher)
            assert the_teacher is not None
            try:
                labelled, dropped = label_with_teacher(utterances, the_teacher, db_world)
            finally:
                the_teacher.close()
            err_console.print(
                f"teacher {the_teacher.name} labelled {len(labelled)} requests"
                f" ({dropped} invalid decisions dropped)"
            )
        cases = labelled + (
            gather_cases(data or [], seed=seed, db=db, db_suite=db_world)
            if data or db is not None or not labelled
            else []
        )
        options = (("steps", steps), ("batch_size", batch), ("lr", lr), ("lora_rank", lora))
        given = {k: v for k, v in options if v is not None}
        given |= {"seed": seed, "lora_alpha": lora_alpha}
        command = " ".join(["edgeagent", *map(shlex.quote, sys.argv[1:])])
        enc_config = EncoderTrainConfig(**given) if student == "encoder" else None
        lm_config = DistillConfig(**given) if student == "lm" else None
        total = (enc_config or lm_config).steps  # type: ignore[union-attr]
        with Progress(
            TextColumn("distilling"), BarColumn(), TextColumn("{task.completed}/{task.total} loss {task.fields[loss]:.3f}"),
            TimeRemainingColumn(), console=err_console,
        ) as bar:  # fmt: skip
            task = bar.add_task("train", total=total, loss=float("nan"))

            def progress(step: int, loss: float) -> None:
                bar.update(task, completed=step, loss=loss)

            if enc_config is not None:
                report = distill_to_encoder(
                    cases, out, init=init, config=enc_config, progress=progress, command=command
                )
            else:
                report = distill_to_gguf(
                    cases, out, init=init, config=lm_config, quant=quant, progress=progress,
                    command=command, init_adapter=init_adapter,
                )  # fmt: skip
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print_json(json.dumps(report))


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

    try:
        now = time.time()
        the_report = live_report(
            db or default_db_path(),
            since=parse_since(since, now) if since is not None else None,
            until=parse_since(until, now) if until is not None else None,
            bucket=bucket,
            now=now,
        )
        written = write_live_report(the_report, out) if out is not None else []
    except (EdgeAgentError, OSError) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
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
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
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
    table.add_row(
        "local only",
        pct(r["local_accuracy"]),
        pct(0.0),
        f"{lat['local']['p50']:.0f}",
        f"{lat['local']['p95']:.0f}",
    )
    table.add_row(
        "cloud only",
        pct(r["cloud_accuracy"]),
        pct(1.0),
        f"{lat['cloud']['p50']:.0f}",
        f"{lat['cloud']['p95']:.0f}",
    )
    table.add_row(
        f"routed (threshold {r['threshold']:.2f})",
        pct(r["routed_accuracy"]),
        pct(r["offload_rate"]),
        f"{lat['routed']['p50']:.0f}",
        f"{lat['routed']['p95']:.0f}",
    )
    console.print(table)
    apgr = "-" if r["apgr"] is None else f"{r['apgr']:.3f}"
    auroc = "-" if r["auroc"] is None else f"{r['auroc']:.3f}"
    console.print(
        f"AUC {r['auc']:.3f} · APGR {apgr} · CPT(50%) {pct(r['cpt50'])} · CPT(80%) {pct(r['cpt80'])}"
        f" · AUROC {auroc} · ECE {r['ece']:.3f}"
    )
    console.print(f"results, report and plots in [bold]{out_dir}[/]")


compress_app = typer.Typer(
    help="Quantize models and compare every variant's size, speed and accuracy."
)
app.add_typer(compress_app, name="compress")


@compress_app.command("quantize")
def compress_quantize(
    model: Annotated[Path, typer.Argument(help="An F16/F32 GGUF model.")],
    kind: Annotated[
        list[str], typer.Option("--type", "-t", help="Q8_0, Q5_K_M, Q4_K_M, ...; repeatable.")
    ] = ["Q8_0", "Q5_K_M", "Q4_K_M"],  # noqa: B006 - typer reads the default
    out_dir: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--out", "-o", help="Folder for the outputs (default: beside the input)."),
    ] = None,
    token_embedding: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--token-embedding-type",
            help="Store the token embedding as Q4_0, Q5_0, Q8_0, ... (llama.cpp's override).",
        ),
    ] = None,
) -> None:
    """Quantize a GGUF with llama.cpp's quantizer; prints each output's size against the input."""
    from edgeagent.compress.gguf_export import quantize

    if not model.is_file():
        err_console.print(f"[red]error:[/] model file not found: {model}")
        raise typer.Exit(2)
    folder = out_dir or model.parent
    base = model.stat().st_size
    stem = model.stem.removesuffix("-f16").removesuffix("-f32")
    for k in kind:
        try:
            suffix = f"-emb-{token_embedding.lower()}" if token_embedding else ""
            out = quantize(
                model,
                folder / f"{stem}-{k.lower()}{suffix}.gguf",
                k,
                token_embedding=token_embedding,
            )
        except EdgeAgentError as exc:
            err_console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from exc
        size = out.stat().st_size
        console.print(f"{k:8} {out}  {size / 2**20:8.1f} MB  {size / base:6.1%} of {model.name}")


@compress_app.command("student")
def compress_student(
    student: Annotated[Path, typer.Argument(help="An encoder student folder.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the variant folders.")],
    int8: Annotated[bool, typer.Option("--int8/--no-int8", help="Write int8 copies.")] = True,
    sparsity: Annotated[
        Optional[list[float]],  # noqa: UP045
        typer.Option("--sparsity", help="Magnitude-prune to this sparsity (repeatable)."),
    ] = None,
    heads: Annotated[
        Optional[list[float]],  # noqa: UP045
        typer.Option("--heads", help="Structured: remove this fraction of attention heads."),
    ] = None,
    neurons: Annotated[
        float, typer.Option(help="Structured: fraction of FFN neurons removed with --heads.")
    ] = 0.5,
    data: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--data", "-d", help="Fine-tuning cases (gen:SUITE:N or a JSONL)."),
    ] = None,
    steps: Annotated[int, typer.Option(min=1, help="Fine-tuning steps after pruning.")] = 150,
    seed: int = 0,
) -> None:
    """Compressed variants of an encoder student: an fp32 baseline, int8 copies, magnitude
    pruning at each --sparsity and structured pruning at each --heads fraction (each pruned
    model fine-tuned for --steps); every variant is a student folder under --out."""
    from edgeagent.compress.pipeline import gather_cases
    from edgeagent.encoder import compress as enc
    from edgeagent.encoder.model import read_config
    from edgeagent.encoder.train import EncoderTrainConfig

    try:
        config = read_config(student)
        specs = data or [f"gen:{s}:{4000 // len(config.spec.suites)}" for s in config.spec.suites]
        cases = gather_cases(specs, seed=seed + 1)
        tune = EncoderTrainConfig(steps=steps, lr=5e-5, head_lr=1e-4, warmup=10, seed=seed)
        made = [enc.fp32_copy(student, out / "fp32")]
        for s in sparsity or []:
            made.append(enc.prune_magnitude(student, out / f"sparse{int(s * 100)}", s, cases, tune))
        for h in heads or []:
            name = f"heads{int(h * 100)}-ffn{int(neurons * 100)}"
            made.append(enc.prune_structured(student, out / name, h, neurons, cases, tune))
        if int8:
            made += [enc.int8_copy(m, m.with_name(m.name + "-int8")) for m in list(made)]
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    for folder in made:
        info = enc.describe_sizes(folder)
        console.print(f"{folder}: {info['weights']}, {info['size_mb']:.1f} MB")


@compress_app.command("calibrate")
def compress_calibrate(
    student: Annotated[Path, typer.Argument(help="An encoder student folder (changed in place).")],
    data: Annotated[
        list[str],
        typer.Option("--data", "-d", help="Held-aside cases: gen:SUITE:N or a JSONL; repeatable."),
    ],
    seed: Annotated[
        int, typer.Option(help="Generator seed (use one the student did not train on).")
    ] = 1,
) -> None:
    """Refit an encoder student's confidence (temperature, then a Platt map) on labelled cases
    it did not train on, so its confidence reads as the probability of being right."""
    from edgeagent.compress.pipeline import gather_cases
    from edgeagent.encoder.train import recalibrate

    try:
        figures = recalibrate(student, gather_cases(data, seed=seed))
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print_json(json.dumps(figures))


@compress_app.command("report")
def compress_report(
    variants: Annotated[
        list[str],
        typer.Argument(
            help="MODEL.gguf or MODEL.gguf:ADAPTER.gguf ('default': the packaged model), or an"
            " encoder student folder DIR@fp32 / DIR@int8 ('encoder': the shipped one)."
        ),
    ],
    cases: Annotated[
        list[Path], typer.Option("--cases", "-c", help="Case file(s) to score on; repeatable.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report.")] = Path(
        "compress-report"
    ),
    limit: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--limit", "-n", min=1, help="A seeded sample of N cases per file."),
    ] = None,
    seed: int = 0,
) -> None:
    """Measure each variant (own process): parameters, size, peak RSS, p50 latency, accuracy;
    write a markdown table, JSON and an accuracy-vs-size Pareto plot."""
    from edgeagent.compress.report import Variant, measure_all, to_markdown, write_report

    try:
        parsed = [Variant.parse(v) for v in variants]
        rows = measure_all(parsed, cases, limit, seed)
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    write_report(rows, out)
    console.print(to_markdown(rows))
    console.print(f"report, JSON and plot in [bold]{out}[/]")


devices_app = typer.Typer(
    help="Real devices: simulate MQTT devices to try --world mqtt without hardware.",
    no_args_is_help=True,
)
app.add_typer(devices_app, name="devices")


@devices_app.command("simulate")
def devices_simulate(
    mqtt_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--mqtt-url", help="Broker (mqtt://HOST:PORT; default $EDGEAGENT_MQTT_URL)."),
    ] = None,
    home: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--home", help="Home to simulate (YAML; default: the bundled test home)."),
    ] = None,
    delay_ms: Annotated[
        float, typer.Option("--delay-ms", help="How long a device takes to answer.")
    ] = 0.0,
) -> None:
    """Publish a home's devices by MQTT discovery and answer their commands until Ctrl-C."""
    try:
        from edgeagent_tools.mqtt.simulator import DeviceSimulator
        from edgeagent_tools.smart_home import HomeWorld

        world = HomeWorld.from_yaml(home) if home else None
        sim = DeviceSimulator(mqtt_url, home=world, delay=delay_ms / 1000).start()
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(
        f"simulating {len(sim.devices)} devices on {sim.settings.url} "
        f"(discovery prefix {sim.prefix}/, topics {sim.node_id}/...); Ctrl-C to stop"
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        console.print("stopping: the devices go offline")
    finally:
        sim.stop()


if __name__ == "__main__":  # pragma: no cover
    app()
