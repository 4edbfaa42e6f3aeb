"""Local first, cloud when needed: a brain that routes between tiers of brains.

Tiers are tried in order (e.g. student → GGUF); the routing policy (any
:class:`~edgeagent.policy.base.RoutingPolicy`) says whether a tier's decision is good enough
or must escalate (invalid output, low confidence for the riskiest call, an unfamiliar request,
an always-cloud rule). Otherwise the next tier is asked, and finally the cloud. Every decision
records which tier decided and, as an :class:`~edgeagent.datamodel.Escalation`, why it
escalated and what the cloud did.

The cloud is called under the policy's deadline with bounded retries (retryable errors only,
exponential backoff), a circuit breaker and a call budget. Only what the cloud did counts
against the breaker and the budget: when the local tiers used up the deadline, the cloud is
not asked and nothing is charged. When the cloud cannot answer, the policy's offline rule
applies: the best local decision runs if the rule allows; otherwise nothing changes and the
decision says so. Every cloud answer is stored as a teacher example for distillation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from edgeagent.brains.base import Brain
from edgeagent.brains.resilience import (
    CallBudget,
    Caller,
    CircuitBreaker,
    DeadlineExceeded,
    NoTimeLeft,
    retry_with_backoff,
)
from edgeagent.datamodel import CloudOutcome, Decision, Escalation, Observation
from edgeagent.errors import BrainError
from edgeagent.policy.base import RoutingPolicy, routing_of
from edgeagent.toolset import Toolset

log = logging.getLogger(__name__)

TeacherSink = Callable[[Observation, Toolset, Decision, Decision | None, str], None]
NO_CHANGE = "I can't get a confident answer right now, so I changed nothing."


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
        policy: any routing policy (a YAML policy, or a plugin implementing
            :class:`~edgeagent.policy.base.RoutingPolicy`; a policy that only checks calls
            gets the default routing rules).
        teacher: called with every cloud decision (e.g. ``Telemetry.record_teacher``).
    """

    def __init__(
        self,
        local: Brain | Tier | Sequence[Brain | Tier],
        cloud: Brain | None = None,
        *,
        policy: RoutingPolicy | object | None = None,
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
        self.policy: RoutingPolicy = routing_of(policy)
        self.teacher = teacher
        self.name = name
        self.clock = clock
        self.sleep = sleep
        limits = self.policy.limits
        self.breaker = CircuitBreaker(
            limits.breaker_failures, limits.breaker_cooldown_s, clock=clock
        )
        self.budget = CallBudget(limits.budget_per_hour, limits.budget_per_day)
        self._caller = Caller()
        self.cloud_attempts = 0

    # -- routing ---------------------------------------------------------------------------
    def escalation(self, tier: Tier, decision: Decision, toolset: Toolset) -> Escalation | None:
        """Why this tier's decision is not good enough, or None to accept it."""
        return self.policy.escalation(decision, toolset, tier=tier.label, threshold=tier.threshold)

    def decide(self, observation: Observation, toolset: Toolset) -> Decision:
        start = self.clock()
        deadline = start + self.policy.limits.deadline_ms / 1000
        local: list[tuple[Tier, Decision]] = []
        why: Escalation | None = None
        for tier in self.tiers:
            try:
                d = tier.brain.decide(observation, toolset)
            except Exception as exc:  # a broken tier is an invalid decision, not a crash
                log.exception("local tier %s crashed", tier.label)
                d = Decision.invalid(
                    f"{type(exc).__name__}: {exc}", brain=tier.label, confidence=0.0
                )
            local.append((tier, d))
            why = self.escalation(tier, d, toolset)
            if why is None:
                return self._final(d, start, tier=tier.label, local=local)
        assert why is not None  # every tier escalated
        return self._escalate(observation, toolset, local, why, start, deadline)

    def _escalate(
        self,
        obs: Observation,
        toolset: Toolset,
        local: list[tuple[Tier, Decision]],
        why: Escalation,
        start: float,
        deadline: float,
    ) -> Decision:
        limits = self.policy.limits
        if self.cloud is None:
            return self._offline(local, toolset, why, "no_cloud", start)
        if not self.budget.available():
            if limits.when_budget_spent == "noop":
                return self._no_change(
                    local, why.model_copy(update={"cloud": "budget_spent"}), start
                )
            return self._offline(local, toolset, why, "budget_spent", start)
        if not self.breaker.allow():
            return self._offline(local, toolset, why, "breaker_open", start)
        if deadline - self.clock() <= 0:  # local slowness: not the cloud's fault, nothing charged
            return self._offline(local, toolset, why, "no_time", start)
        cloud = self.cloud
        timeout = limits.cloud_timeout_ms / 1000
        made = 0  # attempts actually sent to the cloud

        def attempt() -> Decision:
            nonlocal made
            remaining = min(timeout, deadline - self.clock())
            if remaining <= 0:
                raise NoTimeLeft()
            if made == 0:
                self.budget.spend()  # the budget counts escalations the cloud was asked about
            made += 1
            self.cloud_attempts += 1
            strict = getattr(cloud, "decide_strict", None)
            run = (lambda: strict(obs, toolset)) if strict else (lambda: cloud.decide(obs, toolset))
            return self._caller.call(run, remaining)

        try:
            answer = retry_with_backoff(
                attempt,
                retries=limits.max_retries,
                backoff_s=limits.backoff_ms / 1000,
                deadline=deadline,
                clock=self.clock,
                sleep=self.sleep,
            )
        except NoTimeLeft:
            if made == 0:  # the local tiers used the time up: not the cloud's fault
                return self._offline(local, toolset, why, "no_time", start)
            self.breaker.record_failure()  # a retry found no time left after real failures
            return self._offline(local, toolset, why, "timed_out", start, error="deadline passed")
        except BrainError as exc:
            self.breaker.record_failure()
            log.warning("cloud failed: %s", exc)
            outcome: CloudOutcome = "timed_out" if isinstance(exc, DeadlineExceeded) else "failed"
            return self._offline(local, toolset, why, outcome, start, error=str(exc))
        self.breaker.record_success()
        if answer.kind == "invalid":
            return self._offline(local, toolset, why, "invalid_answer", start, error=answer.reason)
        why = why.model_copy(update={"cloud": "answered"})
        if self.teacher is not None:
            try:
                self.teacher(obs, toolset, answer, local[-1][1] if local else None, why.describe())
            except Exception:  # the log must never cost a decision
                log.exception("could not store the teacher example")
        return self._final(answer, start, tier="cloud", why=why, local=local)

    # -- outcomes --------------------------------------------------------------------------
    def _offline(
        self,
        local: list[tuple[Tier, Decision]],
        toolset: Toolset,
        why: Escalation,
        outcome: CloudOutcome,
        start: float,
        error: str | None = None,
    ) -> Decision:
        """The cloud gave no usable answer: the policy's offline rule decides whether the most
        confident valid local decision runs."""
        why = why.model_copy(update={"cloud": outcome, "cloud_error": error})
        valid = [(t, d) for t, d in local if d.kind != "invalid"]
        if not valid:
            return self._no_change(local, why, start)
        tier, best = max(valid, key=lambda td: td[1].confidence)
        verdict = self.policy.offline(best, toolset)
        why = why.model_copy(
            update={
                "fallback": "local" if verdict.act else "no_change",
                "fallback_detail": verdict.reason,
            }
        )
        if verdict.act:
            return self._final(best, start, tier=tier.label, why=why, local=local)
        return self._no_change(local, why, start)

    def _no_change(
        self, local: list[tuple[Tier, Decision]], why: Escalation, start: float
    ) -> Decision:
        if why.fallback is None:
            why = why.model_copy(update={"fallback": "no_change"})
        conf = max((d.confidence for _, d in local), default=0.0)
        return Decision(
            kind="answer",
            answer=NO_CHANGE,
            confidence=conf,
            brain=self.name,
            latency_ms=(self.clock() - start) * 1000,
            tier="none",
            escalated=True,
            escalation=why,
            escalation_reason=why.describe(),
            local_confidence=local[0][1].confidence if local else None,
            unfamiliarity=local[0][1].unfamiliarity if local else None,
        )

    def _final(
        self,
        d: Decision,
        start: float,
        *,
        tier: str,
        local: list[tuple[Tier, Decision]],
        why: Escalation | None = None,
    ) -> Decision:
        return d.model_copy(
            update={
                "latency_ms": (self.clock() - start) * 1000,
                "tier": tier,
                "escalated": why is not None,
                "escalation": why,
                "escalation_reason": why.describe() if why is not None else None,
                "local_confidence": local[0][1].confidence if local else None,
                "unfamiliarity": local[0][1].unfamiliarity if local else None,
            }
        )

    def warm_up(self, toolset: Toolset) -> None:
        """Warm every local tier (loads models, evaluates prompts)."""
        for tier in self.tiers:
            tier.brain.warm_up(toolset)

    def close(self) -> None:
        for tier in self.tiers:
            tier.brain.close()
        if self.cloud is not None:
            self.cloud.close()
        self._caller.close()
