"""Cloud faults for real: langchain-openai's ChatOpenAI (built by ``CloudBrain.from_settings``)
against a local OpenAI-compatible server that hangs, rate-limits, fails, resets, truncates,
drips and names unknown tools on command. Over 520 routed decisions: nothing escapes the
agent, every decision ends within the deadline, the breaker opens and closes, and only
retryable errors are retried."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from itertools import pairwise

import pytest

from edgeagent import Agent, Observation, ToolCall
from edgeagent.brains.cloud import CloudBrain, CloudSettings
from edgeagent.brains.escalating import EscalatingBrain
from edgeagent.policy import DeclarativePolicy, PolicyConfig
from edgeagent.telemetry import Telemetry
from edgeagent.testing import FunctionBrain
from edgeagent.testing.lamps import lamp_toolset
from edgeagent.testing.openai_server import FAULTS, RETRYABLE, Fault, FaultyOpenAI, Request

DECISIONS = 520
STORM = range(200, 230)  # every attempt fails: the breaker must open
CALM = range(230, 300)  # every attempt answers: the breaker must close again
CLIENT_TIMEOUT_S = 0.25  # the HTTP client gives up on a reply after this
LAMP = ToolCall(tool="turn_off", args={"name": "Bedroom Lamp"})


def plan_for(seed: int) -> dict[tuple[str, int], Fault]:
    rng = random.Random(seed)
    plan: dict[tuple[str, int], Fault] = {}
    for n in range(DECISIONS):
        for attempt in range(4):
            if n in STORM:
                fault: Fault = "server_error"
            elif n in CALM:
                fault = "ok"
            else:
                fault = "ok" if rng.random() < 0.35 else rng.choice(FAULTS)
            plan[(f"d{n}", attempt)] = fault
    return plan


def test_520_decisions_with_faults_injected_through_the_real_client() -> None:
    policy = DeclarativePolicy(
        PolicyConfig(
            threshold=0.5, deadline_ms=500, cloud_timeout_ms=200, max_retries=2, backoff_ms=10,
            breaker_failures=3, breaker_cooldown_s=0.1, offline={"floor": 0.2},
            confirm={"risks": []},
        )
    )  # fmt: skip
    deadline_s = policy.config.deadline_ms / 1000
    plan = plan_for(7)
    toolset = lamp_toolset()
    answer = [("turn_on", {"name": "Desk Lamp"})]
    with (
        FaultyOpenAI(
            answer=lambda text, tools: answer,
            plan=lambda tag, attempt: plan.get((tag, attempt), "ok"),
            hang_s=0.4,
            retry_after_s=0.05,
            drip_s=0.005,
        ) as server,
        Telemetry(":memory:") as log,
    ):
        cloud = CloudBrain.from_settings(
            CloudSettings(model="faulty", base_url=server.url, timeout_s=CLIENT_TIMEOUT_S)
        )
        local = FunctionBrain(lambda o, t: LAMP, confidence=0.3, name="local")
        brain = EscalatingBrain(local, cloud, policy=policy)
        agent = Agent(brain, toolset, policy=policy, telemetry=log)
        outcomes: Counter[str] = Counter()
        walls: list[float] = []
        tiers: list[str | None] = []
        for n in range(DECISIONS):
            time.sleep(0.01)  # requests arrive over time (the breaker cools down meanwhile)
            start = time.perf_counter()
            step = agent.step(Observation.of(f"desk lamp on #d{n}"))  # nothing may escape
            walls.append(time.perf_counter() - start)
            esc = step.decision.escalation
            outcomes[esc.cloud if esc and esc.cloud else "none"] += 1
            tiers.append(step.decision.tier)
            assert step.decision.kind in ("act", "answer"), step.decision
            for result in step.results:  # only the lamps' real tools ever ran
                assert result.call.tool in ("turn_on", "turn_off")
        brain.close()
        requests = list(server.requests)
        assert log.count() == DECISIONS

    injected = Counter(r.fault for r in requests)
    by_decision: dict[str, list[Request]] = defaultdict(list)
    for r in sorted(requests, key=lambda r: (r.tag, r.attempt)):
        by_decision[r.tag].append(r)
    # A reply that a busy machine delivered after the attempt's timeout (the policy's or the
    # HTTP client's, whichever is first) was, to the agent, a timeout (retrying it is right): a
    # retry counts against the fault it got only when it came before anyone gave up on it.
    give_up_s = min(policy.config.cloud_timeout_ms / 1000, CLIENT_TIMEOUT_S)
    retried = Counter(
        before.fault
        for tries in by_decision.values()
        for before, after in pairwise(tries)
        if after.at - before.at < give_up_s
    )
    print(
        f"\n{DECISIONS} decisions, {len(requests)} requests; faults injected: "
        f"{sum(n for f, n in injected.items() if f != 'ok')} {dict(injected)}; retried after: "
        f"{dict(retried)}; cloud outcomes: {dict(outcomes)}; max decision "
        f"{max(walls) * 1000:.0f} ms (deadline {deadline_s * 1000:.0f} ms)"
    )

    # every decision ends within the deadline (a little scheduling slack on a busy machine)
    assert max(walls) <= deadline_s + 0.1, sorted(walls)[-5:]
    # only retryable errors are retried, and a Retry-After past the deadline is not waited for
    assert all(RETRYABLE[f] and f != "rate_limit_long" for f in retried), retried
    assert retried["server_error"] and retried["reset"] and retried["rate_limit"]
    for tries in by_decision.values():
        for before, after in pairwise(tries):
            if before.fault == "rate_limit":  # the next attempt came after the Retry-After
                assert after.at - before.at >= 0.045
    # the breaker opened in the storm and closed once the cloud answered again
    storm, calm = [tiers[n] for n in STORM], [tiers[n] for n in CALM]
    assert outcomes["breaker_open"] > 0 and "cloud" not in storm[5:]
    assert calm[-20:] == ["cloud"] * 20
    assert outcomes["answered"] > 100
    assert sum(n for f, n in injected.items() if f != "ok") >= 200


@pytest.mark.parametrize("fault", ["bad_request", "unauthorized", "invalid_json", "unknown_tool"])
def test_errors_that_retrying_cannot_fix_are_asked_once(fault: Fault) -> None:
    policy = DeclarativePolicy(
        PolicyConfig(deadline_ms=2000, cloud_timeout_ms=500, max_retries=3, backoff_ms=5)
    )
    with FaultyOpenAI(answer=lambda t, tools: [], plan=lambda tag, a: fault) as server:
        cloud = CloudBrain.from_settings(CloudSettings(model="m", base_url=server.url))
        local = FunctionBrain(lambda o, t: LAMP, confidence=0.1, name="local")
        brain = EscalatingBrain(local, cloud, policy=policy)
        d = brain.decide(Observation.of("lamp #x"), lamp_toolset())
        brain.close()
        assert len(server.requests) == 1
    assert d.escalation is not None
    assert d.escalation.cloud == ("invalid_answer" if fault == "unknown_tool" else "failed")


def test_a_hanging_cloud_does_not_pile_up_threads_or_delay_later_calls() -> None:
    """Every request hangs 1.5 s; the router gives up after 100 ms each time. Abandoned calls
    run on in their own threads (no pool to queue behind), at most 8 at once."""
    policy = DeclarativePolicy(
        PolicyConfig(deadline_ms=150, cloud_timeout_ms=100, max_retries=0, breaker_failures=100)
    )
    with FaultyOpenAI(
        answer=lambda t, tools: [], plan=lambda tag, a: "timeout", hang_s=1.5
    ) as server:
        cloud = CloudBrain.from_settings(CloudSettings(model="m", base_url=server.url, timeout_s=5))
        local = FunctionBrain(lambda o, t: LAMP, confidence=0.1, name="local")
        brain = EscalatingBrain(local, cloud, policy=policy)
        walls, outcomes = [], []
        for n in range(12):
            start = time.perf_counter()
            d = brain.decide(Observation.of(f"lamp #h{n}"), lamp_toolset())
            walls.append(time.perf_counter() - start)
            outcomes.append(d.escalation.cloud if d.escalation else None)
        # none waited behind a hanging call (slack for a loaded machine, well under a hang)
        assert max(walls) < 1.5 / 2, walls
        assert outcomes[:8] == ["timed_out"] * 8  # each was really sent
        assert set(outcomes[8:]) == {"failed"}  # eight still hang: fail fast, not wait
        assert brain._caller.running <= 8
        brain.close()
