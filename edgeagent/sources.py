"""Where observations come from: stdin lines, a JSONL file, or any iterable of events.

A line that is not a valid observation (malformed JSON, a wrong field, bytes that are not
UTF-8, a line longer than :data:`MAX_LINE_BYTES`) is reported through ``on_problem`` with its
line number and skipped: one bad line never stops a run. Lines are read with a length limit,
so an endless line costs bounded memory.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, TextIO, cast

from pydantic import BaseModel, ConfigDict, ValidationError

from edgeagent.datamodel import Event, Observation
from edgeagent.errors import ConfigError

log = logging.getLogger(__name__)

Source = str | Path | TextIO | IO[bytes] | Iterable[Observation | str | Mapping[str, Any]]

MAX_LINE_BYTES = 256 * 1024  # longer lines are skipped (the agent refuses far shorter requests)
_CASE_KEYS = {"id", "suite", "expected", "match"}


class InputProblem(BaseModel):
    """An input line (or item) that was skipped, and why."""

    model_config = ConfigDict(frozen=True)

    where: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.message}; skipped"


OnProblem = Callable[[InputProblem], None]


def _log_problem(problem: InputProblem) -> None:
    log.warning("%s", problem)


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


def iter_observations(source: Source, on_problem: OnProblem | None = None) -> Iterator[Observation]:
    """Yield observations from a path (``.jsonl``: one JSON object a line; else text lines),
    an open stream (text or bytes; one utterance a line; lines starting with ``{`` are JSON),
    or an iterable of observations, strings or dicts. Blank lines are skipped; bad lines are
    reported to ``on_problem`` (default: a logged warning) and skipped."""
    report = on_problem or _log_problem
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.exists():
            raise ConfigError(f"input file not found: {path}")
        with path.open("rb") as fh:
            yield from _from_lines(_read_lines(fh), str(path), report)
        return
    if isinstance(source, io.IOBase) or hasattr(source, "readline"):
        stream = cast(IO[Any], source)
        binary = getattr(stream, "buffer", None)  # sys.stdin: read bytes, decode per line
        if binary is not None:
            stream = binary
        yield from _from_lines(_read_lines(stream), "<stream>", report)
        return
    for n, item in enumerate(cast(Iterable[Any], source), 1):
        if isinstance(item, Observation):
            yield item
        elif isinstance(item, str):
            if item.strip():
                yield Observation(utterance=item.strip())
        else:
            try:
                yield observation_from_dict(item)
            except (ValidationError, TypeError, ValueError, RecursionError) as exc:
                report(InputProblem(where="<items>", line=n, message=_short(exc)))


def _read_lines(stream: IO[Any]) -> Iterator[str | bytes | None]:
    """Lines of at most MAX_LINE_BYTES (None for a longer one, whose rest is skipped)."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES:
            while line and not line.endswith(b"\n" if isinstance(line, bytes) else "\n"):
                line = stream.readline(MAX_LINE_BYTES)
            yield None
            continue
        yield line


def _decode(raw: str | bytes) -> tuple[str, str | None]:
    if isinstance(raw, str):
        return raw, None
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", errors="replace"), f"not valid UTF-8 ({exc.reason})"


def _from_lines(
    lines: Iterable[str | bytes | None], where: str, report: OnProblem
) -> Iterator[Observation]:
    for n, raw in enumerate(lines, 1):
        if raw is None:
            report(InputProblem(where=where, line=n, message=f"longer than {MAX_LINE_BYTES} bytes"))
            continue
        text, bad = _decode(raw)
        if bad:
            report(InputProblem(where=where, line=n, message=bad))
            continue
        text = text.strip()
        if not text:
            continue
        if not text.startswith("{"):
            yield Observation(utterance=text)
            continue
        try:
            data = json.loads(text)
            if not isinstance(data, Mapping):
                raise ValueError("a JSON line must be an object")
            yield observation_from_dict(data)
        except (ValueError, ValidationError, TypeError, RecursionError) as exc:
            report(
                InputProblem(where=where, line=n, message=f"not a valid observation: {_short(exc)}")
            )


def _short(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
