"""Local first, cloud when needed: a brain that routes between tiers of brains.

Tiers are tried in order (e.g. student → GGUF); a tier's decision is kept when it is valid,
its confidence clears the threshold that applies to every call it makes (the tier's own
threshold, raised by the policy's per-tool and per-risk thresholds), and the policy does not
send that kind of request to the cloud anyway. Otherwise the next tier is asked, and finally
the cloud. Every decision records which tier decided and why it escalated.

The cloud is called under the policy's deadline with bounded retries (retryable errors only,
exponential backoff), a circuit breaker and a call budget. When it cannot answer, the policy's
offline rule applies: the best local decision runs if its confidence reaches the floor and no
call is too risky; otherwise nothing changes and the decision says so. Every cloud answer is
stored as a teacher example for distillation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from edgeagent.brains.base import Brain
from edgeagent.brains.resilience import CallBudget, Caller, CircuitBreaker, retry_with_backoff
from edgeagent.errors import BrainError
from edgeagent.policies import DeclarativePolicy
from edgeagent.tool import Risk
from edgeagent.toolset import Toolset
from edgeagent.types import Decision, Observation

log = logging.getLogger(__name__)

TeacherSink = Callable[[Observation, Toolset, Decision, Decision | None, str], None]


@dataclass(frozen=True)
class Tier:
    """A local brain and the base confidence threshold it must reach (None: the policy's)."""

    brain: Brain
    threshold: float | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.brain.name


class EscalatingBrain:
    """Routes each decision through local tiers and, when needed, the cloud.

    Args:
        local: one local brain, or several tiers tried in order.
        cloud: the brain escalated to (None: local only, the offline rule always applies).
        policy: thresholds, always-cloud rules, offline rule, budget, deadline, retries.
        teacher: called with every cloud decision (e.g. ``Telemetry.record_teacher``).
    """

    def __init__(
        self,
        local: Brain | Tier | Sequence[Brain | Tier],
        cloud: Brain | None = None,
        *,
        policy: DeclarativePolicy | None = None,
        teacher: TeacherSink | None = None,
        name: str = "escalating",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        items = list(local) if isinstance(local, Sequence) else [local]
        self.tiers = [t if isinstance(t, Tier) else Tier(t) for t in items]
        if not self.tiers:
            raise ValueError("at least one local tier is needed")
        self.cloud = cloud
        self.policy = policy or DeclarativePolicy()
        self.teacher = teacher
        self.name = name
        self.clock = clock
        self.sleep = sleep
        c = self.policy.config
        self.breaker = CircuitBreaker(c.breaker_failures, c.breaker_cooldown_s, clock=clock)
        self.budget = CallBudget(c.budget.per_hour, c.budget.per_day)
        self._caller = Caller()
        self.cloud_attempts = 0

    # -- routing ---------------------------------------------------------------------------
    def escalation_reason(self, tier: Tier, decision: Decision, toolset: Toolset) -> str | None:
        """Why this tier's decision is not good enough, or None to accept it."""
        if decision.kind == "invalid":
            return (
                f"invalid local output ({decision.reason})"
                if self.policy.config.escalate_invalid
                else None
            )
        forced = self.policy.always_cloud(decision)
        if forced:
            return forced
        base = tier.threshold if tier.threshold is not None else self.policy.config.threshold
        needed, why = base, "threshold"  # a decision without calls needs the base threshold
        levels = []
        for call in decision.calls:
            risk = toolset.get(call.tool).risk_of(call.args)
            levels.append((self.policy.threshold_for(call, risk, base), call.tool, risk.value))
        if levels:  # the strictest call decides
            needed, tool, risk_name = max(levels)
            why = "threshold" if needed == base else f"{tool}, {risk_name}"
        if decision.confidence < needed:
            return f"confidence {decision.confidence:.2f} < {needed:.2f} ({why})"
        return None

    def decide(self, observation: Observation, toolset: Toolset) -> Decision:
        start = self.clock()
        deadline = start + self.policy.config.deadline_ms / 1000
        local: list[tuple[Tier, Decision]] = []
        reason = "no local tier"
        for tier in self.tiers:
            try:
                d = tier.brain.decide(observation, toolset)
            except Exception as exc:  # a broken tier is an invalid decision, not a crash
                log.exception("local tier %s crashed", tier.label)
                d = Decision.invalid(
                    f"{type(exc).__name__}: {exc}", brain=tier.label, confidence=0.0
                )
            local.append((tier, d))
            why = self.escalation_reason(tier, d, toolset)
            if why is None:
                return self._final(d, start, tier=tier.label, local=local)
            reason = f"{tier.label}: {why}"
        return self._escalate(observation, toolset, local, reason, start, deadline)

    def _escalate(
        self,
        obs: Observation,
        toolset: Toolset,
        local: list[tuple[Tier, Decision]],
        reason: str,
        start: float,
        deadline: float,
    ) -> Decision:
        if self.cloud is None:
            return self._offline(local, toolset, f"{reason}; no cloud configured", start)
        if not self.budget.available():
            why = f"{reason}; cloud budget spent"
            if self.policy.config.budget.when_exhausted == "noop":
                return self._no_change(local, why, start)
            return self._offline(local, toolset, why, start)
        if not self.breaker.allow():
            return self._offline(local, toolset, f"{reason}; cloud circuit open", start)
        cloud = self.cloud
        timeout = self.policy.config.cloud_timeout_ms / 1000

        def attempt() -> Decision:
            self.cloud_attempts += 1
            remaining = min(timeout, deadline - self.clock())
            strict = getattr(cloud, "decide_strict", None)
            run = (lambda: strict(obs, toolset)) if strict else (lambda: cloud.decide(obs, toolset))
            return self._caller.call(run, remaining)

        try:
            self.budget.spend()
            answer = retry_with_backoff(
                attempt,
                retries=self.policy.config.max_retries,
                backoff_s=self.policy.config.backoff_ms / 1000,
                deadline=deadline,
                clock=self.clock,
                sleep=self.sleep,
            )
        except BrainError as exc:
            self.breaker.record_failure()
            log.warning("cloud failed: %s", exc)
            return self._offline(local, toolset, f"{reason}; cloud failed: {exc}", start)
        self.breaker.record_success()
        if answer.kind == "invalid":
            return self._offline(
                local, toolset, f"{reason}; cloud output invalid: {answer.reason}", start
            )
        if self.teacher is not None:
            try:
                self.teacher(obs, toolset, answer, local[-1][1] if local else None, reason)
            except Exception:  # the log must never cost a decision
                log.exception("could not store the teacher example")
        return self._final(answer, start, tier="cloud", escalated=True, reason=reason, local=local)

    # -- outcomes --------------------------------------------------------------------------
    def _offline(
        self, local: list[tuple[Tier, Decision]], toolset: Toolset, why: str, start: float
    ) -> Decision:
        """The offline rule: act on the best local decision if sure and safe enough."""
        rule = self.policy.config.offline
        valid = [(t, d) for t, d in local if d.kind != "invalid"]
        if valid:
            tier, best = max(valid, key=lambda td: td[1].confidence)
            too_risky = [
                c.tool
                for c in best.calls
                if toolset.get(c.tool).risk_of(c.args).rank >= Risk(rule.min_risk_to_refuse).rank
            ]
            if best.confidence >= rule.floor and not too_risky:
                note = f"{why}; acted locally at {best.confidence:.2f} >= floor {rule.floor:.2f}"
                return self._final(best, start, tier=tier.label, reason=note, local=local)
            if too_risky:
                why += f"; {', '.join(too_risky)} too risky without the cloud"
            else:
                why += f"; local confidence {best.confidence:.2f} < floor {rule.floor:.2f}"
        return self._no_change(local, why, start)

    def _no_change(self, local: list[tuple[Tier, Decision]], why: str, start: float) -> Decision:
        conf = max((d.confidence for _, d in local), default=0.0)
        return Decision(
            kind="answer",
            answer="I can't get a confident answer right now, so I changed nothing.",
            confidence=conf,
            brain=self.name,
            latency_ms=(self.clock() - start) * 1000,
            tier="none",
            escalated=True,
            escalation_reason=why,
            local_confidence=local[0][1].confidence if local else None,
        )

    def _final(
        self,
        d: Decision,
        start: float,
        *,
        tier: str,
        local: list[tuple[Tier, Decision]],
        escalated: bool = False,
        reason: str | None = None,
    ) -> Decision:
        return d.model_copy(
            update={
                "latency_ms": (self.clock() - start) * 1000,
                "tier": tier,
                "escalated": escalated,
                "escalation_reason": reason,
                "local_confidence": local[0][1].confidence if local else None,
            }
        )

    def warm_up(self, toolset: Toolset) -> None:
        """Warm every local tier that can be warmed (loads models, evaluates prompts)."""
        for tier in self.tiers:
            warm = getattr(tier.brain, "warm_up", None)
            if warm is not None:
                warm(toolset)

    def close(self) -> None:
        for tier in self.tiers:
            tier.brain.close()
        if self.cloud is not None:
            self.cloud.close()
        self._caller.close()
