"""The ``edgeagent`` command line (typer + rich): it parses and prints; the library works.

``run`` (run and tools), ``measure`` (eval, report, calibrate), ``students`` (distill,
compress) and ``devices`` (simulate) each register their commands on the one :data:`app`.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from edgeagent import __version__
from edgeagent.cli import devices, measure, run, students  # noqa: F401 - they register commands
from edgeagent.cli._common import app, console


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


__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
