"""Declarative policies: thresholds, confirmations, cloud budget, offline rule, deadline.

A policy file (YAML) is validated by :class:`PolicyConfig`. :class:`DeclarativePolicy` is both
the agent's per-call :class:`~edgeagent.policy.Policy` hook (confirmations) and the rule book
the escalating brain follows (which threshold applies, what always goes to the cloud, what to
do offline or when the cloud budget is spent). Code policies plug in through the
``edgeagent.policies`` entry-point group.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edgeagent.errors import ConfigError
from edgeagent.policy import Verdict
from edgeagent.tool import Risk, Tool
from edgeagent.types import Decision, Observation, ToolCall

_STRICT = ConfigDict(extra="forbid", frozen=True)
Probability = float


class ConfirmRule(BaseModel):
    """Calls that need a person's confirmation before they run."""

    model_config = _STRICT

    tools: list[str] = Field(default_factory=list, description="Tool names (glob patterns)")
    risks: list[Risk] = Field(default_factory=list, description="Risk levels")
    when_args: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Argument values (case-insensitive globs) that require confirmation, e.g. "
        "{'domain': ['lock'], 'device_class': ['garage_door', 'door', 'gate']}",
    )
    tools_with_args: list[str] = Field(
        default_factory=list, description="Tools to which when_args applies (all when empty)"
    )


class BudgetRule(BaseModel):
    """How many cloud calls may be made, and what happens when they are spent."""

    model_config = _STRICT

    per_hour: int | None = Field(default=None, ge=0)
    per_day: int | None = Field(default=None, ge=0)
    when_exhausted: Literal["local", "noop"] = Field(
        default="local",
        description="local: act on the local decision if it clears the offline floor; "
        "noop: make no device change",
    )


class OfflineRule(BaseModel):
    """What to do when the cloud is unreachable, failing or too slow."""

    model_config = _STRICT

    floor: Probability = Field(
        default=0.5, ge=0, le=1, description="Act locally only at or above this confidence"
    )
    min_risk_to_refuse: Risk = Field(
        default=Risk.SECURITY,
        description="Offline, calls at or above this risk never run on a local decision",
    )


class PolicyConfig(BaseModel):
    """A policy file."""

    model_config = _STRICT

    name: str = "custom"
    description: str = ""
    threshold: Probability = Field(default=0.5, ge=0, le=1, description="Global threshold")
    tool_thresholds: dict[str, Probability] = Field(default_factory=dict)
    risk_thresholds: dict[Risk, Probability] = Field(default_factory=dict)
    always_cloud_tools: list[str] = Field(default_factory=list)
    multi_step_to_cloud: bool = Field(
        default=False, description="Decisions with several calls always go to the cloud"
    )
    escalate_invalid: bool = True
    confirm: ConfirmRule = Field(default_factory=ConfirmRule)
    budget: BudgetRule = Field(default_factory=BudgetRule)
    offline: OfflineRule = Field(default_factory=OfflineRule)
    deadline_ms: float = Field(default=4000, gt=0, description="Longest a decision may take")
    cloud_timeout_ms: float = Field(default=3000, gt=0, description="One cloud request's timeout")
    max_retries: int = Field(default=2, ge=0)
    backoff_ms: float = Field(default=200, ge=0, description="First retry delay (doubles)")
    breaker_failures: int = Field(default=3, ge=1, description="Failures that open the breaker")
    breaker_cooldown_s: float = Field(default=30, ge=0)


def load_policy_file(path: str | Path) -> PolicyConfig:
    """Read and validate a YAML policy file; errors name the file and the field."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read policy {path}: {exc}") from exc
    try:
        return PolicyConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid policy {path}:\n{exc}") from exc


def save_policy_file(config: PolicyConfig, path: str | Path) -> None:
    data = config.model_dump(mode="json", exclude_defaults=False)
    Path(path).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _glob(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in patterns)


class DeclarativePolicy:
    """A :class:`PolicyConfig` put to work (see the module docstring)."""

    def __init__(self, config: PolicyConfig | None = None) -> None:
        self.config = config or PolicyConfig()
        self.name = self.config.name

    @classmethod
    def from_file(cls, path: str | Path) -> DeclarativePolicy:
        return cls(load_policy_file(path))

    # -- the agent's per-call hook ---------------------------------------------------------
    def check(
        self,
        call: ToolCall,
        tool: Tool,
        risk: Risk,
        decision: Decision,
        observation: Observation,
    ) -> Verdict:
        reason = self.confirmation_reason(call, tool, risk)
        if reason:
            return Verdict(action="confirm", reason=reason)
        return Verdict.allow()

    def confirmation_reason(self, call: ToolCall, tool: Tool, risk: Risk) -> str | None:
        rule = self.config.confirm
        if tool.needs_confirmation:
            return f"{call.tool} always needs confirmation"
        if _glob(call.tool, rule.tools):
            return f"policy {self.name!r}: {call.tool} needs confirmation"
        if risk in rule.risks:
            return f"policy {self.name!r}: {risk.value} actions need confirmation"
        if rule.when_args and (not rule.tools_with_args or _glob(call.tool, rule.tools_with_args)):
            for key, patterns in rule.when_args.items():
                value = call.args.get(key)
                values = value if isinstance(value, list) else [value]
                if any(v is not None and _glob(str(v), patterns) for v in values):
                    return (
                        f"policy {self.name!r}: {call.tool} with {key}={value} needs confirmation"
                    )
        return None

    # -- the escalating brain's rules ------------------------------------------------------
    def threshold_for(self, call: ToolCall, risk: Risk, base: float | None = None) -> float:
        """The confidence a local decision needs for this call.

        A matching ``tool_thresholds`` entry decides alone (``stop: 0.0`` keeps stopping local);
        otherwise the base (a tier's own threshold, else the global one) is raised by every
        ``risk_thresholds`` entry at or below the call's risk level.
        """
        c = self.config
        for pattern, value in c.tool_thresholds.items():
            if fnmatch.fnmatchcase(call.tool, pattern):
                return value
        level = c.threshold if base is None else base
        for risk_level, value in c.risk_thresholds.items():
            if risk.rank >= Risk(risk_level).rank:
                level = max(level, value)
        return level

    def always_cloud(self, decision: Decision) -> str | None:
        """A reason this decision must go to the cloud whatever its confidence, or None."""
        if self.config.multi_step_to_cloud and len(decision.calls) > 1:
            return "multi-step plans always go to the cloud"
        for call in decision.calls:
            if _glob(call.tool, self.config.always_cloud_tools):
                return f"{call.tool} always goes to the cloud"
        return None
