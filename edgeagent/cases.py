"""Benchmark cases in the shared case format (see ``../shared/data/README.md``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from edgeagent.datamodel import Observation
from edgeagent.errors import ConfigError
from edgeagent.scoring import MatchRule


class ExpectedCall(BaseModel):
    model_config = ConfigDict(frozen=True)

    tool: str
    args: dict[str, JsonValue] = Field(default_factory=dict)


class Case(BaseModel):
    """One labelled request: what is perceived, and the calls that answer it."""

    model_config = ConfigDict(frozen=True)

    id: str
    suite: str
    utterance: str
    context: dict[str, JsonValue] | None = None
    expected: list[ExpectedCall]
    match: MatchRule = "exact"
    family: str | None = None  # generated cases: the phrasing family they were drawn from

    def observation(self) -> Observation:
        return Observation(id=self.id, utterance=self.utterance, context=self.context or {})

    def expected_dicts(self) -> list[dict[str, Any]]:
        return [e.model_dump() for e in self.expected]


def load_cases(path: str | Path) -> list[Case]:
    """Read a JSONL case file; a malformed line is a ConfigError naming the line."""
    cases: list[Case] = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                cases.append(Case.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValueError) as exc:
                raise ConfigError(f"{path}:{n}: not a valid case: {exc}") from exc
    return cases
