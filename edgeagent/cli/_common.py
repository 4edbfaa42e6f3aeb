"""What every command shares: the app, the consoles, the option types, and how a user error
becomes a message and exit code 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from edgeagent.errors import EdgeAgentError

app = typer.Typer(
    name="edgeagent",
    help="AI agents for edge devices with pluggable compressed brains.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


@contextmanager
def user_errors(*also: type[BaseException]) -> Iterator[None]:
    """Turn an edgeagent error (and the exception types in ``also``) into ``error: ...`` on
    stderr and exit code 2: the one place a command's failure becomes an exit."""
    caught: tuple[type[BaseException], ...] = (EdgeAgentError, *also)
    try:
        yield
    except caught as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc


def fail(message: str) -> typer.Exit:
    """Print a usage problem and return the exit to raise."""
    err_console.print(f"[red]error:[/] {message}")
    return typer.Exit(2)


WorldOpt = Annotated[
    str, typer.Option("--world", "-w", help="Toolkit/world: smart_home, robot, or any plugin.")
]
BrainOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional here
    typer.Option(
        "--brain",
        "-b",
        help="Local brain plugin (encoder, lm, gguf, ...) or replay:FILE (recorded answers, no "
        "model); default: the best one shipped for the world.",
    ),
]
ModelOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--model", "-m", help="A student folder, or a GGUF model file (default: the packaged one)."
    ),
]
AdapterOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--adapter", help="LoRA adapter GGUF for the GGUF model (an LM student's)."),
]
