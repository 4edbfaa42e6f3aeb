"""Routing between local tiers and the cloud, with fakes for every brain."""

import time

import pytest

from edgeagent import Decision, Observation, ToolCall
from edgeagent.brains.base import BaseBrain, Proposal
from edgeagent.brains.escalating import EscalatingBrain, Tier
from edgeagent.errors import BrainError
from edgeagent.policy import DeclarativePolicy, PolicyConfig
from edgeagent.testing import FunctionBrain
from edgeagent.testing.contract import BrainContract
from edgeagent.toolset import Toolset

ON = ToolCall(tool="turn_on", args={"name": "Desk Lamp"})
UNLOCK = ToolCall(tool="unlock", args={})


def local(confidence: float, reply: object = ON, name: str = "local") -> FunctionBrain:
    return FunctionBrain(lambda obs, ts: reply, confidence=confidence, name=name)  # type: ignore[arg-type,return-value]


class Cloud(BaseBrain):
    """A scripted cloud: answers, fails (retryable or not), or is slow; counts its calls."""

    name = "cloud:fake"

    def __init__(self, *, fail: BrainError | None = None, delay: float = 0.0) -> None:
        self.fail = fail
        self.delay = delay
        self.calls = 0

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return Proposal(calls=(ToolCall(tool="turn_off", args={"name": "Bedroom Lamp"}),))


def policy(**fields: object) -> DeclarativePolicy:
    defaults: dict[str, object] = {"backoff_ms": 1}
    return DeclarativePolicy(PolicyConfig(**{**defaults, **fields}))  # type: ignore[arg-type]


def decide(brain: EscalatingBrain, toolset: Toolset, text: str = "desk lamp on") -> Decision:
    return brain.decide(Observation.of(text), toolset)


def test_a_confident_local_decision_stays_local(lamp_toolset: Toolset) -> None:
    cloud = Cloud()
    d = decide(EscalatingBrain(local(0.9), cloud, policy=policy()), lamp_toolset)
    assert (d.tier, d.escalated, d.calls, cloud.calls) == ("local", False, (ON,), 0)
    assert d.local_confidence == 0.9


def test_low_confidence_escalates_and_the_answer_becomes_a_teacher_example(
    lamp_toolset: Toolset,
) -> None:
    taught = []
    brain = EscalatingBrain(
        local(0.3), Cloud(), policy=policy(threshold=0.5), teacher=lambda *a: taught.append(a)
    )
    d = decide(brain, lamp_toolset)
    assert d.tier == "cloud" and d.escalated
    assert d.calls[0].tool == "turn_off"
    assert "confidence 0.30 < 0.50" in (d.escalation_reason or "")
    ((obs, toolset, answer, local_d, reason),) = taught
    assert obs.utterance == "desk lamp on" and toolset is lamp_toolset
    assert answer.calls == d.calls
    assert local_d.confidence == 0.3 and "confidence" in reason


def test_invalid_local_output_escalates(lamp_toolset: Toolset) -> None:
    bad = local(0.99, ToolCall(tool="explode", args={}))
    d = decide(EscalatingBrain(bad, Cloud(), policy=policy()), lamp_toolset)
    assert d.tier == "cloud" and "invalid local output" in (d.escalation_reason or "")


def test_risky_tools_need_more_confidence(lamp_toolset: Toolset) -> None:
    p = policy(threshold=0.5, risk_thresholds={"security": 0.9})
    assert decide(EscalatingBrain(local(0.8, ON), Cloud(), policy=p), lamp_toolset).tier == "local"
    d = decide(EscalatingBrain(local(0.8, UNLOCK), Cloud(), policy=p), lamp_toolset)
    assert d.tier == "cloud" and "unlock, security" in (d.escalation_reason or "")


def test_tool_threshold_overrides_and_multi_step_goes_to_the_cloud(lamp_toolset: Toolset) -> None:
    p = policy(threshold=0.9, tool_thresholds={"turn_on": 0.0}, multi_step_to_cloud=True)
    assert decide(EscalatingBrain(local(0.1, ON), Cloud(), policy=p), lamp_toolset).tier == "local"
    d = decide(EscalatingBrain(local(0.99, [ON, ON]), Cloud(), policy=p), lamp_toolset)
    assert d.tier == "cloud" and "multi-step" in (d.escalation_reason or "")


def test_several_local_tiers_each_with_a_threshold(lamp_toolset: Toolset) -> None:
    student = local(0.6, ON, name="student")
    gguf = local(0.7, ON, name="gguf")
    brain = EscalatingBrain([Tier(student, 0.8), Tier(gguf, 0.65)], Cloud(), policy=policy())
    d = decide(brain, lamp_toolset)
    assert d.tier == "gguf" and not d.escalated and d.local_confidence == 0.6


def test_retryable_failures_retry_then_the_offline_rule_acts_locally(lamp_toolset: Toolset) -> None:
    cloud = Cloud(fail=BrainError("timed out", retryable=True))
    brain = EscalatingBrain(
        local(0.4), cloud, policy=policy(threshold=0.5, max_retries=2, offline={"floor": 0.3})
    )
    d = decide(brain, lamp_toolset)
    assert cloud.calls == 3  # one try + two retries
    assert d.tier == "local" and d.calls == (ON,)
    assert "cloud failed" in (d.escalation_reason or "") and "acted locally" in (
        d.escalation_reason or ""
    )


def test_non_retryable_failures_do_not_retry_and_below_the_floor_nothing_changes(
    lamp_toolset: Toolset,
) -> None:
    cloud = Cloud(fail=BrainError("bad api key", retryable=False))
    brain = EscalatingBrain(local(0.2), cloud, policy=policy(max_retries=3, offline={"floor": 0.5}))
    d = decide(brain, lamp_toolset)
    assert cloud.calls == 1
    assert d.kind == "answer" and d.calls == () and d.tier == "none"
    assert "0.20 < floor 0.50" in (d.escalation_reason or "")


def test_offline_never_runs_security_actions_on_a_local_guess(lamp_toolset: Toolset) -> None:
    cloud = Cloud(fail=BrainError("down", retryable=False))
    p = policy(threshold=0.99, offline={"floor": 0.1, "min_risk_to_refuse": "security"})
    d = decide(EscalatingBrain(local(0.95, UNLOCK), cloud, policy=p), lamp_toolset)
    assert d.kind == "answer" and "unlock too risky" in (d.escalation_reason or "")


def test_the_circuit_breaker_stops_calling_a_dead_cloud(lamp_toolset: Toolset) -> None:
    cloud = Cloud(fail=BrainError("down", retryable=False))
    now = [0.0]
    brain = EscalatingBrain(
        local(0.2),
        cloud,
        policy=policy(breaker_failures=2, breaker_cooldown_s=10),
        clock=lambda: now[0],
    )
    for _ in range(5):
        decide(brain, lamp_toolset)
    assert cloud.calls == 2
    assert "circuit open" in (decide(brain, lamp_toolset).escalation_reason or "")
    now[0] += 11  # cooldown over: one trial call
    decide(brain, lamp_toolset)
    assert cloud.calls == 3


def test_a_slow_cloud_never_blocks_past_the_deadline(lamp_toolset: Toolset) -> None:
    cloud = Cloud(delay=2.0)
    brain = EscalatingBrain(
        local(0.2),
        cloud,
        policy=policy(deadline_ms=300, cloud_timeout_ms=250, offline={"floor": 0.1}),
    )
    t = time.perf_counter()
    d = decide(brain, lamp_toolset)
    elapsed = time.perf_counter() - t
    assert elapsed < 0.6
    assert d.tier == "local" and "no answer within" in (d.escalation_reason or "")
    brain.close()


def test_the_cloud_budget(lamp_toolset: Toolset) -> None:
    cloud = Cloud()
    brain = EscalatingBrain(
        local(0.2), cloud, policy=policy(budget={"per_hour": 2, "when_exhausted": "noop"})
    )
    tiers = [decide(brain, lamp_toolset).tier for _ in range(3)]
    assert tiers == ["cloud", "cloud", "none"] and cloud.calls == 2


def test_without_a_cloud_the_offline_rule_applies(lamp_toolset: Toolset) -> None:
    d = decide(
        EscalatingBrain(local(0.45), None, policy=policy(offline={"floor": 0.4})), lamp_toolset
    )
    assert d.tier == "local" and "no cloud configured" in (d.escalation_reason or "")


@pytest.mark.parametrize("conf", [0.0, 0.49])
def test_noop_decisions_also_need_confidence(lamp_toolset: Toolset, conf: float) -> None:
    d = decide(
        EscalatingBrain(local(conf, None), Cloud(), policy=policy(threshold=0.5)), lamp_toolset
    )
    assert d.tier == "cloud"


def test_a_crashing_local_tier_escalates_instead_of_raising(lamp_toolset: Toolset) -> None:
    class Broken:
        name = "broken"

        def decide(self, observation: Observation, toolset: Toolset) -> Decision:
            raise RuntimeError("segfault-ish")

        def close(self) -> None:
            pass

    d = decide(EscalatingBrain(Broken(), Cloud(), policy=policy()), lamp_toolset)
    assert d.tier == "cloud" and "RuntimeError" in (d.escalation_reason or "")


def test_a_lowered_tool_threshold_does_not_lower_the_other_calls(lamp_toolset: Toolset) -> None:
    p = policy(threshold=0.9, tool_thresholds={"turn_off": 0.0})
    off = ToolCall(tool="turn_off", args={"name": "Bedroom Lamp"})
    d = decide(EscalatingBrain(local(0.5, [ON, off]), Cloud(), policy=p), lamp_toolset)
    assert d.tier == "cloud" and "0.50 < 0.90" in (d.escalation_reason or "")
    assert decide(EscalatingBrain(local(0.5, off), Cloud(), policy=p), lamp_toolset).tier == "local"


# -- escalations as data, policies as protocols ------------------------------------------------


def test_an_escalation_is_recorded_as_fields(lamp_toolset: Toolset) -> None:
    d = decide(EscalatingBrain(local(0.3), Cloud(), policy=policy()), lamp_toolset)
    esc = d.escalation
    assert esc is not None and (esc.trigger, esc.tier, esc.cloud) == (
        "low_confidence",
        "local",
        "answered",
    )
    assert (esc.confidence, esc.needed, esc.rule) == (0.3, 0.5, "threshold")
    assert d.escalation_reason == esc.describe() == "local: confidence 0.30 < 0.50 (threshold)"


def test_acting_locally_because_the_cloud_failed_is_still_an_escalation(
    lamp_toolset: Toolset,
) -> None:
    cloud = Cloud(fail=BrainError("boom", retryable=False))
    d = decide(
        EscalatingBrain(local(0.45), cloud, policy=policy(offline={"floor": 0.4})), lamp_toolset
    )
    assert d.tier == "local" and d.escalated and d.calls == (ON,)
    assert d.escalation is not None
    assert (d.escalation.cloud, d.escalation.fallback) == ("failed", "local")
    assert "cloud failed: boom" in (d.escalation_reason or "")


def test_local_slowness_is_not_charged_to_the_cloud(lamp_toolset: Toolset) -> None:
    """A local decision that used up the deadline: the cloud is not asked, and neither the
    breaker nor the budget counts it."""
    now = [0.0]

    def slow(obs: Observation, ts: Toolset) -> ToolCall:
        now[0] += 10.0  # the local brain takes 10 s of a 4 s deadline
        return ON

    cloud = Cloud()
    brain = EscalatingBrain(
        FunctionBrain(slow, confidence=0.3, name="local"),  # type: ignore[arg-type]
        cloud,
        policy=policy(breaker_failures=1, budget={"per_hour": 1}),
        clock=lambda: now[0],
    )
    for _ in range(3):
        d = decide(brain, lamp_toolset)
        assert d.escalation is not None and d.escalation.cloud == "no_time"
    assert cloud.calls == 0 and brain.breaker.state == "closed" and brain.budget.available()


def test_a_deadline_that_ends_between_the_check_and_the_call_is_not_charged(
    lamp_toolset: Toolset,
) -> None:
    """The local tier leaves a sliver of the deadline that is gone by the time the cloud
    would be called: nothing was asked, so nothing is charged (no breaker, no budget)."""
    ticks = iter([0.0, 3.999, *[4.5] * 50])  # start, the check, then the attempt
    cloud = Cloud()
    brain = EscalatingBrain(
        local(0.3),
        cloud,
        policy=policy(breaker_failures=1, budget={"per_hour": 1}),
        clock=lambda: next(ticks),
    )
    d = decide(brain, lamp_toolset)
    assert d.escalation is not None and d.escalation.cloud == "no_time"
    assert cloud.calls == 0 and brain.breaker.state == "closed" and brain.budget.available()


class OnlyChecksCalls:
    """A plugin policy that implements only the per-call protocol."""

    name = "only-checks"

    def check(self, call, tool, risk, decision, observation):  # type: ignore[no-untyped-def]
        from edgeagent.policy import Verdict

        return Verdict(action="deny", reason="no") if call.tool == "unlock" else Verdict.allow()


class AlwaysCloud:
    """A plugin routing policy that sends everything to the cloud."""

    name = "always-cloud"

    @property
    def limits(self):  # type: ignore[no-untyped-def]
        from edgeagent.policy import RoutingLimits

        return RoutingLimits(backoff_ms=1)

    def escalation(self, decision, toolset, *, tier, threshold=None):  # type: ignore[no-untyped-def]
        from edgeagent.datamodel import Escalation

        return Escalation(trigger="always_cloud", tier=tier, rule="everything")

    def offline(self, decision, toolset):  # type: ignore[no-untyped-def]
        from edgeagent.policy import OfflineVerdict

        return OfflineVerdict(act=False, reason="never offline")


def test_any_policy_plugin_works_with_the_router(lamp_toolset: Toolset) -> None:
    from edgeagent.policy import CallPolicy, RoutingPolicy

    assert isinstance(OnlyChecksCalls(), CallPolicy) and not isinstance(
        OnlyChecksCalls(), RoutingPolicy
    )
    assert isinstance(AlwaysCloud(), RoutingPolicy)
    # a call-only policy gets the default routing rules
    d = decide(EscalatingBrain(local(0.9), Cloud(), policy=OnlyChecksCalls()), lamp_toolset)
    assert d.tier == "local"
    cloud = Cloud()
    d = decide(EscalatingBrain(local(0.99), cloud, policy=AlwaysCloud()), lamp_toolset)
    assert d.tier == "cloud" and cloud.calls == 1
    assert d.escalation is not None and d.escalation.rule == "everything"


def test_the_eval_runner_and_the_router_agree(lamp_toolset: Toolset) -> None:
    from edgeagent.policy.base import routing_of

    router = EscalatingBrain(local(0.6), Cloud(), policy=policy(risk_thresholds={"security": 0.9}))
    d = local(0.6, reply=UNLOCK).decide(Observation.of("unlock"), lamp_toolset)
    why = routing_of(router.policy).escalation(d, lamp_toolset, tier="local")
    assert why == router.escalation(router.tiers[0], d, lamp_toolset)
    assert why is not None and why.rule == "unlock, security"


class TestEscalatingBrainContract(BrainContract):
    names_its_decisions = False

    @pytest.fixture
    def brain(self) -> EscalatingBrain:
        return EscalatingBrain(local(0.3), Cloud(), policy=policy())


def test_the_collect_policy_sends_a_share_to_the_cloud_and_logs_it(lamp_toolset: Toolset) -> None:
    import random

    logged: list[str] = []
    config = PolicyConfig(collect=0.5, backoff_ms=1)
    brain = EscalatingBrain(
        local(0.99),
        Cloud(),
        policy=DeclarativePolicy(config, rng=random.Random(3)),
        teacher=lambda obs, ts, d, loc, why: logged.append(why),
    )
    decisions = [decide(brain, lamp_toolset) for _ in range(200)]
    sampled = [d for d in decisions if d.escalation is not None]
    assert 70 < len(sampled) < 130  # about half, although every local decision was sure
    assert all(d.escalation.trigger == "sampled" and d.tier == "cloud" for d in sampled)  # type: ignore[union-attr]
    assert len(logged) == len(sampled) and "sampled to collect teacher examples" in logged[0]


def test_the_shipped_collect_policy_asks_about_everything() -> None:
    from edgeagent.factory import build_policy

    assert build_policy("collect").config.collect == 1.0
