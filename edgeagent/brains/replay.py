"""A brain that answers from recorded decisions: measure routing without a live cloud.

Built from a case file (the expected calls become the answers) or a JSONL of recorded
decisions (``{"utterance", "context", "decision": {...}}`` or ``{"utterance", "calls": [...]}``).
Requests are matched on the words (case- and space-insensitive) and the context. Every
decision it makes is named ``replay:<source>`` so reports show that no live cloud was used.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from edgeagent.brains.base import BaseBrain, Proposal
from edgeagent.cases import Case, load_cases
from edgeagent.datamodel import Observation, ToolCall
from edgeagent.errors import BrainError, ConfigError
from edgeagent.toolset import Toolset


def request_key(utterance: str | None, context: Mapping[str, Any] | None) -> str:
    words = " ".join((utterance or "").lower().split())
    ctx = {
        k: v
        for k, v in (context or {}).items()
        if k in ("area", "objects", "domain", "device_class")
    }
    return words + "|" + json.dumps(ctx, sort_keys=True, default=str)


class ReplayBrain(BaseBrain):
    """Answers each known request with its recorded calls; unknown requests are an error."""

    def __init__(
        self,
        answers: Mapping[str, tuple[ToolCall, ...]],
        *,
        source: str = "recorded",
        confidence: float = 1.0,
    ) -> None:
        self.answers = dict(answers)
        self.name = f"replay:{source}"
        self.confidence = confidence

    @classmethod
    def from_cases(
        cls, cases: Iterable[Case] | str | Path, *, source: str | None = None
    ) -> ReplayBrain:
        if isinstance(cases, str | Path):
            source = source or Path(cases).name
            cases = load_cases(cases)
        answers = {
            request_key(c.utterance, c.context): tuple(
                ToolCall(tool=e.tool, args=e.args) for e in c.expected
            )
            for c in cases
        }
        return cls(answers, source=source or "cases")

    @classmethod
    def from_jsonl(cls, path: str | Path) -> ReplayBrain:
        answers: dict[str, tuple[ToolCall, ...]] = {}
        with Path(path).open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    obs = rec.get("observation") or rec
                    raw_calls = (
                        rec["decision"]["calls"]
                        if "decision" in rec
                        else rec.get("calls", rec.get("expected", []))
                    )
                    calls = tuple(
                        ToolCall(tool=c["tool"], args=c.get("args", {})) for c in raw_calls
                    )
                except (KeyError, TypeError, json.JSONDecodeError) as exc:
                    raise ConfigError(f"{path}:{n}: not a recorded decision: {exc}") from exc
                answers[request_key(obs.get("utterance"), obs.get("context"))] = calls
        return cls(answers, source=Path(path).name)

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        key = request_key(observation.utterance, observation.context)
        if key not in self.answers:
            raise BrainError(f"no recorded answer for {observation.utterance!r}", retryable=False)
        return Proposal(calls=self.answers[key], confidence=self.confidence)
