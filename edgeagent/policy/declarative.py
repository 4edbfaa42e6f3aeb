"""Declarative policies: thresholds, confirmations, rate limits, cloud budget, offline rule,
deadline.

Secure by default: unless a policy file says otherwise, every security-risk call (locks,
alarms, garage and entrance doors, robot motion with a person near) needs a person's
confirmation, whoever decided it (a local brain or the cloud). ``confirm.allow`` lists the
calls a policy lets run unattended (per tool and argument value, e.g. one door).

A policy file (YAML) is validated by :class:`PolicyConfig`. :class:`DeclarativePolicy`
implements both protocols of :mod:`edgeagent.policy.base`: the agent's per-call
:class:`~edgeagent.policy.base.CallPolicy` (confirmations) and the router's
:class:`~edgeagent.policy.base.RoutingPolicy` (which threshold applies, what always goes to
the cloud, what may run offline, the cloud call's limits). Code policies plug in through the
``edgeagent.policy.declarative`` entry-point group.
"""

from __future__ import annotations

import fnmatch
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edgeagent.datamodel import Decision, Escalation, Observation, ToolCall
from edgeagent.errors import ConfigError
from edgeagent.policy.base import OfflineVerdict, RoutingLimits, Verdict
from edgeagent.tool import Risk, Tool
from edgeagent.toolset import Toolset
from edgeagent.yamlio import load_yaml

_STRICT = ConfigDict(extra="forbid", frozen=True)
Probability = float


class AllowRule(BaseModel):
    """Calls that run without a person's confirmation although a confirm rule matches them:
    the tool matches ``tool`` and every argument named in ``args`` matches one of its globs."""

    model_config = _STRICT

    tool: str = Field(default="*", description="Tool name (glob pattern)")
    args: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Argument values (case-insensitive globs), e.g. {'name': ['Garage Door']}",
    )

    def matches(self, call: ToolCall) -> bool:
        if not _glob(call.tool, [self.tool]):
            return False
        for key, patterns in self.args.items():
            value = call.args.get(key)
            values = value if isinstance(value, list) else [value]
            if not values or not all(v is not None and _glob(str(v), patterns) for v in values):
                return False
        return True


class ConfirmRule(BaseModel):
    """Calls that need a person's confirmation before they run."""

    model_config = _STRICT

    tools: list[str] = Field(default_factory=list, description="Tool names (glob patterns)")
    risks: list[Risk] = Field(
        default_factory=lambda: [Risk.SECURITY],
        description="Risk levels (default: security; [] lets security calls run unattended)",
    )
    when_args: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Argument values (case-insensitive globs) that require confirmation, e.g. "
        "{'domain': ['lock'], 'device_class': ['garage_door', 'door', 'gate']}",
    )
    tools_with_args: list[str] = Field(
        default_factory=list, description="Tools to which when_args applies (all when empty)"
    )
    allow: list[AllowRule] = Field(
        default_factory=list, description="Calls that run unattended (a per-entity allow-list)"
    )


class RateLimit(BaseModel):
    """Most actuator calls (anything that is not read-only) per tool and per target entity in
    a sliding window; calls over the limit are denied."""

    model_config = _STRICT

    window_s: float = Field(default=60.0, gt=0)
    per_tool: int | None = Field(default=None, ge=0, description="Calls of one tool per window")
    per_entity: int | None = Field(
        default=None, ge=0, description="Calls on one target (an entity, area, object) per window"
    )
    tools: dict[str, int] = Field(
        default_factory=dict, description="Per-tool limits (glob patterns) replacing per_tool"
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
    collect: Probability = Field(
        default=0.0,
        description="Share of decisions sent to the cloud whatever their confidence, so that "
        "its answers are logged as teacher examples (1: every request)",
    )
    max_unfamiliarity: Probability | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Escalate a local decision whose unfamiliarity is above this (brains that "
        "measure it; None: never on unfamiliarity alone)",
    )
    confirm: ConfirmRule = Field(default_factory=ConfirmRule)
    rate_limit: RateLimit = Field(default_factory=RateLimit)
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
        data = load_yaml(Path(path).read_text(encoding="utf-8")) or {}
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
    """A :class:`PolicyConfig` put to work (see the module docstring). Keeps the rate limits'
    counts (one instance per agent)."""

    def __init__(
        self,
        config: PolicyConfig | None = None,
        *,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or PolicyConfig()
        self.name = self.config.name
        self.rng = rng or random.Random()  # draws the decisions ``collect`` samples
        self._rates = _RateCounter(self.config.rate_limit, clock)

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
        """Deny a call over a rate limit; ask a person to confirm one a confirm rule matches
        (unless ``confirm.allow`` lets it run unattended); else allow it. The decision's tier
        does not matter: a cloud answer is checked like a local one."""
        if risk != Risk.READ_ONLY:
            over = self._rates.over(call, tool)
            if over:
                return Verdict(action="deny", reason=over)
        reason = self.confirmation_reason(call, tool, risk)
        if risk != Risk.READ_ONLY:
            self._rates.count(call, tool)
        if reason:
            return Verdict(action="confirm", reason=reason)
        return Verdict.allow()

    def confirmation_reason(self, call: ToolCall, tool: Tool, risk: Risk) -> str | None:
        """Why this call needs a person's confirmation (None: it does not)."""
        rule = self.config.confirm
        if tool.needs_confirmation:
            return f"{call.tool} always needs confirmation"
        if any(allowed.matches(call) for allowed in rule.allow):
            return None
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

    # -- the router's rules -----------------------------------------------------------------
    @property
    def limits(self) -> RoutingLimits:
        c = self.config
        return RoutingLimits(
            deadline_ms=c.deadline_ms,
            cloud_timeout_ms=c.cloud_timeout_ms,
            max_retries=c.max_retries,
            backoff_ms=c.backoff_ms,
            breaker_failures=c.breaker_failures,
            breaker_cooldown_s=c.breaker_cooldown_s,
            budget_per_hour=c.budget.per_hour,
            budget_per_day=c.budget.per_day,
            when_budget_spent=c.budget.when_exhausted,
        )

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

    def always_cloud(self, decision: Decision) -> tuple[str, str] | None:
        """Why this decision must go to the cloud whatever its confidence, as (rule, text):
        ``multi-step plan`` or ``tool``; None when nothing forces it."""
        if self.config.multi_step_to_cloud and len(decision.calls) > 1:
            return "multi-step plan", "multi-step plans always go to the cloud"
        for call in decision.calls:
            if _glob(call.tool, self.config.always_cloud_tools):
                return "tool", f"{call.tool} always goes to the cloud"
        return None

    def escalation(
        self, decision: Decision, toolset: Toolset, *, tier: str, threshold: float | None = None
    ) -> Escalation | None:
        """Invalid output (if ``escalate_invalid``), an always-cloud rule, unfamiliarity above
        ``max_unfamiliarity``, or a confidence below the strictest threshold of its calls."""
        common = {"tier": tier, "confidence": decision.confidence}
        common["unfamiliarity"] = decision.unfamiliarity
        if decision.kind == "invalid":
            if not self.config.escalate_invalid:
                return None
            return Escalation(trigger="invalid_output", detail=decision.reason, **common)
        forced = self.always_cloud(decision)
        if forced:
            return Escalation(trigger="always_cloud", rule=forced[0], detail=forced[1], **common)
        if self.config.collect and self.rng.random() < self.config.collect:
            return Escalation(trigger="sampled", **common)
        limit = self.config.max_unfamiliarity
        if limit is not None and (decision.unfamiliarity or 0.0) > limit:
            return Escalation(trigger="unfamiliar", needed=limit, **common)
        base = self.config.threshold if threshold is None else threshold
        needed, rule = base, "threshold"  # a decision without calls needs the base threshold
        levels = []
        for call in decision.calls:
            risk = toolset.get(call.tool).risk_of(call.args)
            levels.append((self.threshold_for(call, risk, base), call.tool, risk.value))
        if levels:  # the strictest call decides
            needed, tool, risk_name = max(levels)
            rule = "threshold" if needed == base else f"{tool}, {risk_name}"
        if decision.confidence < needed:
            return Escalation(trigger="low_confidence", needed=needed, rule=rule, **common)
        return None

    def offline(self, decision: Decision, toolset: Toolset) -> OfflineVerdict:
        """The offline rule: act if the confidence reaches ``offline.floor`` and no call is at
        or above ``offline.min_risk_to_refuse``."""
        rule = self.config.offline
        if decision.kind == "invalid":
            return OfflineVerdict(act=False, reason="no valid local decision")
        too_risky = [
            c.tool
            for c in decision.calls
            if toolset.get(c.tool).risk_of(c.args).rank >= Risk(rule.min_risk_to_refuse).rank
        ]
        if too_risky:
            return OfflineVerdict(
                act=False, reason=f"{', '.join(too_risky)} too risky without the cloud"
            )
        if decision.confidence < rule.floor:
            return OfflineVerdict(
                act=False,
                reason=f"local confidence {decision.confidence:.2f} < floor {rule.floor:.2f}",
            )
        return OfflineVerdict(
            act=True,
            reason=f"acted locally at {decision.confidence:.2f} >= floor {rule.floor:.2f}",
        )


def targets(call: ToolCall, tool: Tool) -> list[str]:
    """What a call acts on, as ``param=value`` keys (lower case): the values of its
    entity-like parameters (those with a vocabulary), e.g. ``name=front door``."""
    out = []
    for param in tool.params:
        value = call.args.get(param.name)
        if param.vocab is None or value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            out.append(f"{param.name}={str(v).strip().lower()}")
    return out


class _RateCounter:
    """Sliding-window counts of actuator calls per tool and per target."""

    def __init__(self, rule: RateLimit, clock: Callable[[], float]) -> None:
        self.rule = rule
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _limits(self, call: ToolCall, tool: Tool) -> Mapping[str, tuple[int, str]]:
        rule = self.rule
        limits: dict[str, tuple[int, str]] = {}
        per_tool = next(
            (n for pattern, n in rule.tools.items() if fnmatch.fnmatchcase(call.tool, pattern)),
            rule.per_tool,
        )
        if per_tool is not None:
            limits[f"tool:{call.tool}"] = (per_tool, call.tool)
        if rule.per_entity is not None:
            for key in targets(call, tool):
                limits[f"entity:{key}"] = (rule.per_entity, key.split("=", 1)[1])
        return limits

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._seen.setdefault(key, deque())
        while times and now - times[0] >= self.rule.window_s:
            times.popleft()
        return times

    def over(self, call: ToolCall, tool: Tool) -> str | None:
        now = self.clock()
        with self._lock:
            for key, (limit, what) in self._limits(call, tool).items():
                if len(self._recent(key, now)) >= limit:
                    return (
                        f"rate limit: {limit} actuator calls on {what} per "
                        f"{self.rule.window_s:g} s already made"
                    )
        return None

    def count(self, call: ToolCall, tool: Tool) -> None:
        now = self.clock()
        with self._lock:
            for key in self._limits(call, tool):
                self._recent(key, now).append(now)
        if len(self._seen) > 10_000:  # forget idle keys so memory stays bounded
            with self._lock:
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]


def with_threshold(policy: object, threshold: float) -> PolicyConfig:
    """A copy of a YAML policy's file with another base threshold (what ``edgeagent
    calibrate`` writes)."""
    if not isinstance(policy, DeclarativePolicy):
        raise ConfigError(
            f"calibrate writes a YAML policy; the base policy {getattr(policy, 'name', policy)!r}"
            " is not one (give a policy file or a shipped policy name)"
        )
    return policy.config.model_copy(update={"threshold": round(threshold, 6)})
