"""The policy hook: every call is checked before it runs.

The agent asks its policy about each call of an acting decision. A policy may allow it, deny
it, or require a confirmation (which the agent asks through its ``confirm`` callback; without
one, the call is refused). Declarative YAML policies and escalation rules build on this hook.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from edgeagent.tool import Risk, Tool
from edgeagent.types import Decision, Observation, ToolCall


class Verdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: Literal["allow", "deny", "confirm"]
    reason: str | None = None

    @classmethod
    def allow(cls) -> Verdict:
        return cls(action="allow")


@runtime_checkable
class Policy(Protocol):
    """Decides whether one call of a decision may run."""

    name: str

    def check(
        self,
        call: ToolCall,
        tool: Tool,
        risk: Risk,
        decision: Decision,
        observation: Observation,
    ) -> Verdict: ...


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
