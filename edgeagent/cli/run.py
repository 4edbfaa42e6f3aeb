"""``edgeagent run`` and ``edgeagent tools``: run an agent, list a world's tools."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import IO, Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

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
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print each step as one JSON object a line, flushed at once."),
    ] = False,
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
    answers are stored as teacher examples in the decision log. Every call is checked by the
    policy (default: `default`): security actions (locks, alarms, garage and entrance doors,
    robot motion with a person near) are asked about on the terminal, and refused in a run
    that cannot ask (--input, piped input) unless the policy allows them (confirm.allow).
    A step is printed only once it is in the decision log.
    """
    from edgeagent.agent import Agent
    from edgeagent.factory import (
        build_local_brain,
        build_policy,
        build_router,
        build_toolset,
        default_db_path,
    )
    from edgeagent.telemetry import Telemetry

    options: dict[str, Any] = {
        k: v for k, v in {"mqtt_url": mqtt_url, "ha_url": ha_url}.items() if v
    }
    interactive = input is None and sys.stdin.isatty()
    with user_errors():
        toolset = build_toolset([world], **options)
        telemetry = Telemetry(db or default_db_path(), session=f"cli-{world}", on_problem=_warn)
        suites = sorted({w.name for w in toolset.worlds}) or [world]  # what the worlds are
        local = build_local_brain(brain, model=model, adapter=adapter, suites=suites)
        routing = build_router(local, cloud, policy, teacher=telemetry.record_teacher)
        call_policy = routing.policy if routing.policy is not None else build_policy(None)
    agent = Agent(
        routing.brain,
        toolset,
        policy=call_policy,
        telemetry=telemetry,
        confirm=_ask if interactive else None,
    )
    chosen = f"brain [cyan]{local.name}[/]" + _origin(local)
    chosen += f" · policy {call_policy.name}"
    if routing.policy is not None:
        chosen += f" · cloud {cloud or 'none'}"
    if interactive:
        console.print(
            f"[bold]edgeagent[/] {world} · {chosen} · log {telemetry.path}\n"
            "Type a request (empty line or Ctrl-D to quit)."
        )
    else:
        err_console.print(f"edgeagent {world} · {chosen}")
    source: Iterator[Observation] | Path | IO[bytes] = (
        _prompt_loop() if interactive else (input or sys.stdin.buffer)
    )
    try:
        with user_errors():
            # load before the first request, so its latency is its own
            loading = console.status("loading the model and the world...")
            with loading if interactive else nullcontext():
                routing.brain.warm_up(toolset)
            for step in agent.run(source, on_problem=lambda p: _warn(str(p))):
                if as_json:  # one object a line, flushed: jq -c, tail -f and log shippers
                    sys.stdout.write(step.model_dump_json() + "\n")
                    sys.stdout.flush()
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


def _warn(text: str) -> None:
    err_console.print(Text.assemble(("warning: ", "yellow"), text), highlight=False)


def _ask(call: Any, reason: str) -> bool:
    """Ask the person at the terminal; anything but yes (or no answer at all) is a no."""
    try:
        answer = console.input(f"[yellow]{escape(reason)}.[/] Run {escape(str(call))}? \\[y/N] ")
    except (EOFError, KeyboardInterrupt, UnicodeDecodeError):
        return False
    return answer.strip().lower() in ("y", "yes")


def _prompt_loop() -> Iterator[Observation]:
    while True:
        try:
            text = console.input("[bold green]you>[/] ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        except UnicodeDecodeError:
            _warn("that line was not valid UTF-8; type it again")
            continue
        if not text.strip():
            return
        yield Observation(utterance=text.strip())


def print_step(step: StepResult) -> None:
    """Print one step: the decision, each call's outcome and the state that changed (text
    that came from outside, the words, names, answers, is escaped, never read as markup)."""
    d = step.decision
    head = f"[dim]{escape(d.brain)}[/] conf [bold]{d.confidence:.2f}[/] · {d.latency_ms:.0f} ms"
    if d.escalated:
        head += f" · escalated ({escape(d.escalation_reason or '')})"
    said = step.observation.utterance or str(step.observation.event)
    console.print(f"[bold]» {escape(said)}[/]  {head}")
    if d.kind == "invalid":
        console.print(f"  [red]invalid decision, nothing done:[/] {escape(d.reason or '')}")
    elif d.kind == "noop":
        console.print("  [yellow]no action[/]")
    elif d.kind == "answer":
        console.print(f"  [cyan]{escape(d.answer or '')}[/]")
    for r in step.results:
        if r.ok:
            speech = r.output.get("speech") if isinstance(r.output, dict) else r.output
            shown = f" → {escape(str(speech))}" if speech else ""
            console.print(f"  [green]✓[/] {escape(str(r.call))}{shown}")
        else:
            console.print(f"  [red]✗[/] {escape(str(r.call))}: {escape(r.error or '')}")
    for key, change in step.changes.items():
        old, new = change if isinstance(change, list) else (None, change)
        console.print(f"    [magenta]{escape(key)}[/]: {escape(str(old))} → {escape(str(new))}")


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
