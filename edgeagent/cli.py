"""The ``edgeagent`` command line (typer + rich)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from edgeagent import __version__
from edgeagent.errors import EdgeAgentError
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


@app.command()
def run(
    world: WorldOpt = "smart_home",
    input: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--input", "-i", help="Observations: a JSONL file (or text, one utterance a line)."
        ),
    ] = None,
    brain: Annotated[str, typer.Option("--brain", "-b", help="Brain plugin name.")] = "gguf",
    model: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--model", "-m", help="GGUF model file (default: the packaged SmolLM2-135M)."),
    ] = None,
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--db", help="Decision log (SQLite); default $EDGEAGENT_DB or the state dir."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON result a line.")] = False,
) -> None:
    """Run an agent: read observations, decide, act on the simulated world, print each step."""
    from edgeagent.agent import Agent
    from edgeagent.factory import build_brain, build_toolset, default_db_path
    from edgeagent.sources import iter_observations
    from edgeagent.telemetry import Telemetry

    try:
        toolset = build_toolset([world])
        the_brain = build_brain(brain, model=model)
        telemetry = Telemetry(db or default_db_path(), session=f"cli-{world}")
    except EdgeAgentError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    agent = Agent(the_brain, toolset, telemetry=telemetry)
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
        if interactive and warm_up is not None:
            with console.status("loading the model and the world..."):
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


if __name__ == "__main__":  # pragma: no cover
    app()
