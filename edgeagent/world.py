"""The world a toolkit acts on: what it knows (vocabulary), what it shows, what changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from pydantic import JsonValue


@runtime_checkable
class World(Protocol):
    """A (simulated or real) environment behind a toolkit."""

    name: str

    def vocabulary(self) -> Mapping[str, Sequence[str]]:
        """Known names by kind (``name``, ``area``, ``floor``, ``object``...).

        Brains restrict :class:`~edgeagent.tool.Vocab` parameters to these values.
        """
        ...

    def describe(self) -> str:
        """A short, static summary for prompts (names and places, not changing states)."""
        ...

    def perceive(self) -> dict[str, JsonValue]:
        """What the agent perceives of the world right now, merged into an observation's context."""
        ...

    def snapshot(self) -> dict[str, JsonValue]:
        """Flat ``key -> value`` view of the mutable state, used to report what a step changed."""
        ...

    def observe_context(self, context: Mapping[str, Any]) -> None:
        """Learn what an observation's context reveals (e.g. objects in view). May do nothing."""
        ...


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, JsonValue]:
    """``key -> [before, after]`` for every key whose value differs (missing keys are None)."""
    out: dict[str, JsonValue] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            out[key] = [old, new]
    return out
