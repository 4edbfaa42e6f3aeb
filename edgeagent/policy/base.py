"""The two questions a policy answers, as protocols.

- :class:`CallPolicy` is asked by the agent before every call of an acting decision: allow
  it, deny it, or ask a person to confirm it (through the agent's ``confirm`` callback; without
  one, the call is refused).
- :class:`RoutingPolicy` is asked by the router (:class:`~edgeagent.brains.escalating.
  EscalatingBrain`) about every local decision: is it good enough, or must the cloud decide?
  And, when the cloud cannot answer, may the local decision run anyway? Its ``limits`` bound
  the cloud call (deadline, retries, breaker, budget).

The YAML policy (:class:`~edgeagent.policy.declarative.DeclarativePolicy`) implements both; a
plugin policy may implement either or both (:func:`routing_of` gives the router the default
rules for a policy that only checks calls).
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from edgeagent.datamodel import Decision, Escalation, Observation, ToolCall
from edgeagent.tool import Risk, Tool
from edgeagent.toolset import Toolset

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Verdict(BaseModel):
    """A call policy's answer about one call."""

    model_config = ConfigDict(frozen=True)

    action: Literal["allow", "deny", "confirm"]
    reason: str | None = None

    @classmethod
    def allow(cls) -> Verdict:
        return cls(action="allow")


@runtime_checkable
class CallPolicy(Protocol):
    """Decides whether one call of a decision may run (asked by the agent before each call)."""

    name: str

    def check(
        self,
        call: ToolCall,
        tool: Tool,
        risk: Risk,
        decision: Decision,
        observation: Observation,
    ) -> Verdict: ...


Policy = CallPolicy  # the name the agent's hook has always had


class RoutingLimits(BaseModel):
    """How long, how often and how much the router may ask the cloud."""

    model_config = _FROZEN

    deadline_ms: float = Field(default=4000, gt=0, description="Longest a decision may take")
    cloud_timeout_ms: float = Field(default=3000, gt=0, description="One cloud request's timeout")
    max_retries: int = Field(default=2, ge=0)
    backoff_ms: float = Field(default=200, ge=0, description="First retry delay (doubles)")
    breaker_failures: int = Field(default=3, ge=1, description="Cloud failures that open it")
    breaker_cooldown_s: float = Field(default=30, ge=0)
    budget_per_hour: int | None = Field(default=None, ge=0)
    budget_per_day: int | None = Field(default=None, ge=0)
    when_budget_spent: Literal["local", "noop"] = Field(
        default="local",
        description="local: the offline rule decides; noop: make no device change",
    )


class OfflineVerdict(BaseModel):
    """Whether a local decision may run when the cloud gave no usable answer."""

    model_config = _FROZEN

    act: bool
    reason: str


@runtime_checkable
class RoutingPolicy(Protocol):
    """Decides, per local decision, whether the cloud must decide instead."""

    name: str

    @property
    def limits(self) -> RoutingLimits: ...

    def escalation(
        self, decision: Decision, toolset: Toolset, *, tier: str, threshold: float | None = None
    ) -> Escalation | None:
        """Why ``decision`` (made by local tier ``tier``, whose own base threshold is
        ``threshold``; None: the policy's) must go to the cloud, or None to act on it."""
        ...

    def offline(self, decision: Decision, toolset: Toolset) -> OfflineVerdict:
        """Whether ``decision`` may run although the cloud could not answer."""
        ...


def routing_of(policy: object) -> RoutingPolicy:
    """The routing rules of ``policy``: itself when it implements :class:`RoutingPolicy`,
    else the default YAML policy's rules (a plugin that only checks calls)."""
    if isinstance(policy, RoutingPolicy):
        return policy
    from edgeagent.policy.declarative import DeclarativePolicy

    return DeclarativePolicy()


class AllowAll:
    """The permissive default: every valid call runs."""

    name = "allow-all"

    def check(
        self,
        call: ToolCall,
        tool: Tool,
        risk: Risk,
        decision: Decision,
        observation: Observation,
    ) -> Verdict:
        return Verdict.allow()


class ConfirmTools:
    """Requires confirmation for named tools and for tools marked ``needs_confirmation``."""

    name = "confirm-tools"

    def __init__(self, tools: set[str] | frozenset[str] = frozenset()) -> None:
        self.tools = frozenset(tools)

    def check(
        self,
        call: ToolCall,
        tool: Tool,
        risk: Risk,
        decision: Decision,
        observation: Observation,
    ) -> Verdict:
        if tool.needs_confirmation or call.tool in self.tools:
            return Verdict(action="confirm", reason=f"{call.tool} needs confirmation")
        return Verdict.allow()
