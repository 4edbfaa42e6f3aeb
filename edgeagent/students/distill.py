"""``edgeagent distill``: teacher cases into a student folder, for any student kind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from edgeagent.cases import Case
from edgeagent.errors import ConfigError
from edgeagent.students import Progress, StudentManifest, student_kind, write_manifest


def training_config(kind: str, options: Mapping[str, Any]) -> Any:
    """The ``kind``'s training options from the ones given (the rest keep the kind's
    defaults); an option the kind does not take is a clear error."""
    plugin = student_kind(kind)
    try:
        return plugin.Config.model_validate(dict(options))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"options for the {kind} student: {problems}") from exc


def distill(
    kind: str,
    cases: Sequence[Case],
    out: Path,
    *,
    options: Mapping[str, Any] | None = None,
    init: Path | None = None,
    progress: Progress | None = None,
    command: str | None = None,
) -> StudentManifest:
    """Train a ``kind`` student on ``cases`` into ``out`` (continuing the student folder
    ``init``); ``command`` is recorded in the manifest's training report."""
    if not cases:
        raise ConfigError("no teacher cases to distill")
    config = training_config(kind, options or {})
    manifest = student_kind(kind).train(cases, config, out, init=init, progress=progress)
    if command:
        manifest.training["command"] = command
        write_manifest(manifest, out)
    return manifest
