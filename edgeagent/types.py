"""Data that crosses module boundaries: observations, tool calls, decisions, results.

Everything here is a frozen pydantic model so it can be logged, replayed and compared.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Event(BaseModel):
    """A sensor or state event the agent perceives (e.g. motion detected in the hallway)."""

    model_config = _FROZEN

    source: str = Field(description="Entity or sensor that produced the event")
    type: str = Field(description="What happened, e.g. 'state_changed' or 'motion'")
    data: dict[str, JsonValue] = Field(default_factory=dict)


class Observation(BaseModel):
    """What the agent perceives at one step: words and/or an event, plus context.

    ``context`` holds what a device knows besides the words: the speaker's ``area``, a
    satellite's ``domain``/``device_class``, the robot's ``pose``, ``objects`` in view, ...
    """

    model_config = _FROZEN

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    timestamp: float = Field(default_factory=time.time)
    utterance: str | None = None
    event: Event | None = None
    context: dict[str, JsonValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _has_content(self) -> Observation:
        if not (self.utterance and self.utterance.strip()) and self.event is None:
            raise ValueError("an observation needs an utterance or an event")
        return self

    @classmethod
    def of(cls, utterance: str, **context: JsonValue) -> Observation:
        """Shorthand: ``Observation.of("turn on the light", area="Kitchen")``."""
        return cls(utterance=utterance, context=context)


class ToolCall(BaseModel):
    """One call of a tool with its arguments."""

    model_config = _FROZEN

    tool: str
    args: dict[str, JsonValue] = Field(default_factory=dict)

    def __str__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        return f"{self.tool}({inner})"


class TokenUsage(BaseModel):
    model_config = _FROZEN

    prompt: int = 0
    completion: int = 0


DecisionKind = Literal["act", "answer", "noop", "invalid"]


class Decision(BaseModel):
    """What a brain decided for one observation.

    - ``act``: run ``calls`` in order (at least one);
    - ``answer``: reply with ``answer`` and change nothing;
    - ``noop``: do nothing (out of scope, nothing to do);
    - ``invalid``: the brain's output could not be turned into valid calls; ``reason`` says why
      and ``raw`` keeps the output. An invalid decision is never executed.
    """

    model_config = _FROZEN

    kind: DecisionKind
    calls: tuple[ToolCall, ...] = ()
    answer: str | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    brain: str = "unknown"
    latency_ms: float = Field(default=0.0, ge=0.0)
    tokens: TokenUsage = Field(default_factory=TokenUsage)
    reason: str | None = None
    raw: str | None = None
    tier: str | None = Field(default=None, description="Which tier decided, for routed brains")
    escalated: bool = False
    escalation_reason: str | None = None
    local_confidence: float | None = Field(
        default=None, ge=0.0, le=1.0, description="First local tier's confidence (routed brains)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Decision:
        if self.kind == "act" and not self.calls:
            raise ValueError("an 'act' decision needs at least one call")
        if self.kind != "act" and self.calls:
            raise ValueError(f"a {self.kind!r} decision carries no calls")
        if self.kind == "invalid" and not self.reason:
            raise ValueError("an invalid decision needs a reason")
        return self

    @property
    def acts(self) -> bool:
        return self.kind == "act"

    @classmethod
    def act(cls, *calls: ToolCall, **fields: Any) -> Decision:
        return cls(kind="act", calls=calls, **fields)

    @classmethod
    def noop(cls, **fields: Any) -> Decision:
        return cls(kind="noop", **fields)

    @classmethod
    def invalid(cls, reason: str, **fields: Any) -> Decision:
        return cls(kind="invalid", reason=reason, **fields)


class ActionResult(BaseModel):
    """The outcome of one executed (or refused) call."""

    model_config = _FROZEN

    call: ToolCall
    ok: bool
    output: JsonValue = None
    error: str | None = None
    error_type: str | None = None


class StepResult(BaseModel):
    """Everything one perceive → decide → act step produced."""

    model_config = _FROZEN

    observation: Observation
    decision: Decision
    results: tuple[ActionResult, ...] = ()
    changes: dict[str, JsonValue] = Field(
        default_factory=dict, description="World state that changed: key -> [before, after]"
    )

    @property
    def ok(self) -> bool:
        return self.decision.kind != "invalid" and all(r.ok for r in self.results)
