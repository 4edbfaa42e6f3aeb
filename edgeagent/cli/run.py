"""``edgeagent run`` and ``edgeagent tools``: run an agent, list a world's tools."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from edgeagent.cli._common import (
    AdapterOpt,
    BrainOpt,
    ModelOpt,
    WorldOpt,
    app,
    console,
    err_console,
    user_errors,
)
from edgeagent.datamodel import Observation, StepResult


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
    from edgeagent.factory import build_local_brain, build_router, build_toolset, default_db_path
    from edgeagent.sources import iter_observations
    from edgeagent.telemetry import Telemetry

    options: dict[str, Any] = {
        k: v for k, v in {"mqtt_url": mqtt_url, "ha_url": ha_url}.items() if v
    }
    with user_errors():
        toolset = build_toolset([world], **options)
        telemetry = Telemetry(db or default_db_path(), session=f"cli-{world}")
        suites = sorted({w.name for w in toolset.worlds}) or [world]  # what the worlds are
        local = build_local_brain(brain, model=model, adapter=adapter, suites=suites)
        routing = build_router(local, cloud, policy, teacher=telemetry.record_teacher)
    agent = Agent(
        routing.brain,
        toolset,
        policy=routing.policy,
        telemetry=telemetry,
        confirm=_ask if sys.stdin.isatty() else None,
    )
    interactive = input is None and sys.stdin.isatty()
    chosen = f"brain [cyan]{local.name}[/]" + _origin(local)
    if routing.policy is not None:
        chosen += f" · policy {routing.policy.name} · cloud {cloud or 'none'}"
    if interactive:
        console.print(
            f"[bold]edgeagent[/] {world} · {chosen} · log {telemetry.path}\n"
            "Type a request (empty line or Ctrl-D to quit)."
        )
    else:
        err_console.print(f"edgeagent {world} · {chosen}")
    source: Iterator[Observation] | Path = (
        _prompt_loop() if interactive else iter_observations(input or sys.stdin)
    )
    try:
        with user_errors():
            # load before the first request, so its latency is its own
            loading = console.status("loading the model and the world...")
            with loading if interactive else nullcontext():
                routing.brain.warm_up(toolset)
            for step in agent.run(source):
                if as_json:
                    console.print_json(step.model_dump_json())
                else:
                    print_step(step)
    finally:
        routing.brain.close()
        telemetry.close()
        for w in toolset.worlds:  # real worlds hold connections
            close = getattr(w, "close", None)
            if close is not None:
                close()


def _origin(brain: Any) -> str:
    """Where a local brain's model comes from (a student folder, a model file), for people."""
    from edgeagent.students import BUNDLED_DIR, is_student_folder

    path = getattr(brain, "model_path", None)
    if path is None:
        return ""
    if is_student_folder(path):
        shipped = BUNDLED_DIR in Path(path).resolve().parents
        return f" (student {'shipped with edgeagent' if shipped else 'in ' + str(path)})"
    return f" (model {path})"


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

    with user_errors():
        toolset = build_toolset([world])
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
        args = ", ".join(_describe(p) for p in t.params)
        table.add_row(t.name, t.risk.value, args, t.description)
    console.print(table)


def _describe(p: Any) -> str:
    """``name?: type`` and where its values come from: a vocabulary, choices or bounds."""
    text = f"{p.name}{'' if p.required else '?'}: {p.type}"
    if p.choices:
        return text + " ∈ {" + ", ".join(p.choices) + "}"
    if p.vocab:
        text += f" ∈ {p.vocab.kind}" + (" or words said" if p.vocab.from_utterance else "")
    if p.minimum is not None or p.maximum is not None:
        lo = "" if p.minimum is None else f"{p.minimum:g}"
        hi = "" if p.maximum is None else f"{p.maximum:g}"
        text += f" in [{lo}, {hi}]"
    return text
