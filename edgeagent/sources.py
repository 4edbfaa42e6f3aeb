"""Where observations come from: stdin lines, a JSONL file, or any iterable of events."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO, cast

from pydantic import ValidationError

from edgeagent.datamodel import Event, Observation
from edgeagent.errors import ConfigError

Source = str | Path | TextIO | Iterable[Observation | str | Mapping[str, Any]]

_CASE_KEYS = {"id", "suite", "expected", "match"}


def observation_from_dict(data: Mapping[str, Any]) -> Observation:
    """Build an observation from a JSON object: an Observation, or a benchmark case line."""
    payload = dict(data)
    if _CASE_KEYS & payload.keys() or ("context" in payload and payload["context"] is None):
        # a case line: keep what the agent perceives, drop the labels
        payload = {
            "utterance": payload.get("utterance"),
            "context": payload.get("context") or {},
            **({"id": str(payload["id"])} if "id" in payload else {}),
        }
    if isinstance(payload.get("event"), Mapping):
        payload["event"] = Event.model_validate(payload["event"])
    return Observation.model_validate(payload)


def iter_observations(source: Source) -> Iterator[Observation]:
    """Yield observations from a path (``.jsonl``: one JSON object a line; else text lines),
    an open text stream (one utterance a line; lines starting with ``{`` are JSON), or an
    iterable of observations, strings or dicts. Blank lines are skipped."""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.exists():
            raise ConfigError(f"input file not found: {path}")
        with path.open(encoding="utf-8") as fh:
            yield from _from_lines(fh, str(path))
        return
    if isinstance(source, io.IOBase) or hasattr(source, "readline"):
        yield from _from_lines(cast(TextIO, source), "<stream>")
        return
    for item in source:
        if isinstance(item, Observation):
            yield item
        elif isinstance(item, str):
            if item.strip():
                yield Observation(utterance=item.strip())
        else:
            yield observation_from_dict(item)


def _from_lines(lines: Iterable[str], where: str) -> Iterator[Observation]:
    for n, line in enumerate(lines, 1):
        text = line.strip()
        if not text:
            continue
        if not text.startswith("{"):
            yield Observation(utterance=text)
            continue
        try:
            yield observation_from_dict(json.loads(text))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise ConfigError(f"{where}:{n}: not a valid observation: {exc}") from exc
