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

# Why a router sent a decision to the cloud.
Trigger = Literal[
    "invalid_output",  # the local brain's output was not a valid decision
    "low_confidence",  # its confidence was below the threshold that applies
    "unfamiliar",  # the request is unlike what the local brain was trained on
    "always_cloud",  # the policy sends this kind of decision to the cloud whatever the confidence
    "local_error",  # the local brain crashed
    "sampled",  # drawn to gather teacher examples, whatever the confidence (collection)
]
# What the cloud did with an escalated decision.
CloudOutcome = Literal[
    "answered",  # a valid answer, which the agent acts on
    "invalid_answer",  # an answer that did not validate
    "failed",  # an error from the cloud (after the retries the deadline allowed)
    "timed_out",  # no answer within the time the cloud was given
    "no_time",  # the local tiers used up the deadline before the cloud could be asked
    "budget_spent",  # the cloud call budget was spent
    "breaker_open",  # the circuit breaker was open after repeated cloud failures
    "no_cloud",  # no cloud is configured
]
# What the router did when the cloud gave no usable answer (the policy's offline rule).
Fallback = Literal["local", "no_change"]


class Escalation(BaseModel):
    """Why a decision went to the cloud and what came of it, as data (reports read these
    fields; :meth:`describe` writes the sentence people read)."""

    model_config = _FROZEN

    trigger: Trigger
    tier: str | None = Field(default=None, description="The local tier whose decision escalated")
    confidence: float | None = Field(default=None, description="That decision's confidence")
    needed: float | None = Field(
        default=None,
        description="The confidence it had to reach (for ``unfamiliar``: the most "
        "unfamiliarity allowed)",
    )
    unfamiliarity: float | None = Field(default=None, description="That decision's unfamiliarity")
    rule: str | None = Field(
        default=None, description="What set the threshold or forced the cloud (tool, risk...)"
    )
    detail: str | None = Field(default=None, description="E.g. why the local output was invalid")
    cloud: CloudOutcome | None = Field(default=None, description="None: the cloud answered")
    cloud_error: str | None = None
    fallback: Fallback | None = None
    fallback_detail: str | None = None

    def describe(self) -> str:
        """One line for people: ``student: confidence 0.42 < 0.70 (HassTurnOn, physical);
        cloud failed: ...; acted locally at 0.62 >= floor 0.50``."""
        if self.trigger == "invalid_output":
            why = f"invalid local output ({self.detail})"
        elif self.trigger == "local_error":
            why = f"local brain failed ({self.detail})"
        elif self.trigger == "always_cloud":
            why = self.detail or "the policy sends this to the cloud"
        elif self.trigger == "sampled":
            why = "sampled to collect teacher examples"
        elif self.trigger == "unfamiliar":
            why = f"unfamiliar request ({self.unfamiliarity or 0.0:.2f} > {self.needed or 0.0:.2f})"
        else:
            why = f"confidence {self.confidence or 0.0:.2f} < {self.needed or 0.0:.2f}"
            why += f" ({self.rule or 'threshold'})"
        parts = [f"{self.tier}: {why}" if self.tier else why]
        if self.cloud is not None and self.cloud != "answered":
            parts.append(
                _CLOUD_TEXT[self.cloud] + (f": {self.cloud_error}" if self.cloud_error else "")
            )
        if self.fallback_detail:
            parts.append(self.fallback_detail)
        return "; ".join(parts)


_CLOUD_TEXT: dict[str, str] = {
    "invalid_answer": "cloud output invalid",
    "failed": "cloud failed",
    "timed_out": "cloud timed out",
    "no_time": "no time left to ask the cloud",
    "budget_spent": "cloud budget spent",
    "breaker_open": "cloud circuit open",
    "no_cloud": "no cloud configured",
}


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
    escalation_reason: str | None = Field(
        default=None, description="The escalation in words (``escalation.describe()``)"
    )
    escalation: Escalation | None = Field(
        default=None, description="Why and how the decision was escalated, as data"
    )
    local_confidence: float | None = Field(
        default=None, ge=0.0, le=1.0, description="First local tier's confidence (routed brains)"
    )
    unfamiliarity: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="How unlike the local brain's training data the request is (0 familiar, "
        "1 unlike anything seen), where the brain measures it",
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
