"""What one evaluated case leaves behind: the local, cloud and routed outcomes, scored.

A run writes one :class:`CaseRecord` per case (JSON lines, so an interrupted run resumes where it
stopped); every figure in ``results.json`` is computed from these records alone.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TierOutcome(BaseModel):
    """One brain's decision on a case, as executed in a fresh world and scored."""

    model_config = ConfigDict(frozen=True)

    brain: str
    kind: str  # Decision.kind: "act", "noop", "answer" or "invalid"
    calls: list[dict[str, Any]] = Field(default_factory=list)  # [{"tool": ..., "args": {...}}]
    confidence: float = Field(ge=0.0, le=1.0)
    latency_ms: float = Field(ge=0.0)
    correct: bool  # the case's match rule (``exact`` by default)
    effect_correct: bool | None = None  # same effect as the labelled calls (None: no world)
    reason: str | None = None  # why the decision is invalid, when it is
    changed: bool = False  # whether executing it changed the world
    unfamiliarity: float | None = None  # how unlike its training data (brains that measure it)

    @property
    def acted(self) -> bool:
        return self.kind == "act"

    @property
    def effect(self) -> bool:
        """Right by effect (the match rule where there is no world to compare)."""
        return self.correct if self.effect_correct is None else self.effect_correct


class CaseRecord(BaseModel):
    """A case and what each tier did with it.

    ``escalated`` is the routed agent's choice under the run's policy (its thresholds, per-tool
    and risk rules); the threshold sweep in the metrics ignores it and uses ``local.confidence``.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    suite: str
    category: str  # the suite, or the BFCL category ("simple_python", "multiple", "irrelevance")
    utterance: str
    expected_tools: list[str]  # tools of the expected calls, in order; [] = no action expected
    local: TierOutcome
    cloud: TierOutcome
    escalated: bool
    escalation_reason: str | None = None
    trigger: str | None = None  # Escalation.trigger: why it escalated, as data
    rule: str | None = None  # Escalation.rule: the threshold's source, or what forced the cloud

    @property
    def routed(self) -> TierOutcome:
        """The outcome the routed agent delivers: the cloud's when it escalated, else the local."""
        return self.cloud if self.escalated else self.local
