import io
import json
from pathlib import Path

from edgeagent import Agent, Decision, Observation, ToolCall
from edgeagent.brains.base import BaseBrain, Proposal
from edgeagent.policy import ConfirmTools
from edgeagent.telemetry import Telemetry
from edgeagent.testing import FunctionBrain, ScriptedBrain
from edgeagent.toolset import Toolset


def on(name: str) -> ToolCall:
    return ToolCall(tool="turn_on", args={"name": name})


def test_step_acts_and_reports_changes(lamp_toolset: Toolset) -> None:
    agent = Agent(ScriptedBrain([on("kitchen light")]), lamp_toolset)
    step = agent.step("turn on the kitchen light")
    assert step.ok
    assert step.decision.calls == (on("Kitchen Light"),)  # normalised to the world's spelling
    assert step.changes == {"Kitchen Light.state": ["off", "on"]}
    assert step.results[0].output == {"speech": "Kitchen Light is on"}


def test_invalid_output_is_never_executed(lamp_toolset: Toolset) -> None:
    world = lamp_toolset.worlds[0]
    before = world.snapshot()
    brain = ScriptedBrain(
        [
            ToolCall(tool="turn_on", args={"name": "Desk Lmp"}),  # unknown entity
            ToolCall(tool="explode", args={}),  # unknown tool
            ToolCall(tool="turn_on", args={"name": 3}),  # wrong type
            [on("Desk Lamp"), ToolCall(tool="turn_off", args={})],  # one bad call spoils all
        ]
    )
    agent = Agent(brain, lamp_toolset)
    reasons = []
    for _ in range(4):
        step = agent.step("do something")
        assert step.decision.kind == "invalid"
        assert step.results == ()
        reasons.append(step.decision.reason or "")
    assert world.snapshot() == before
    assert "Desk Lmp" in reasons[0] and "did you mean" in reasons[0]
    assert "unknown tool 'explode'" in reasons[1]
    assert "name" in reasons[2]


def test_tool_errors_are_results_and_later_calls_are_skipped(lamp_toolset: Toolset) -> None:
    brain = ScriptedBrain([[on("Bedroom Lamp"), on("Desk Lamp")]])
    step = Agent(brain, lamp_toolset).step("lights")
    first, second = step.results
    assert not first.ok and first.error_type == "PreconditionError"
    assert "already on" in (first.error or "")
    assert second.error_type == "Skipped"
    assert lamp_toolset.worlds[0].lamps["Desk Lamp"] == "off"


def test_policy_confirmation(lamp_toolset: Toolset) -> None:
    unlock = ToolCall(tool="unlock", args={})
    refused = Agent(ScriptedBrain([unlock]), lamp_toolset, policy=ConfirmTools())
    step = refused.step("unlock the door")
    assert step.results[0].error_type == "PolicyDenied"
    assert lamp_toolset.worlds[0].locked is True

    asked = []
    confirmed = Agent(
        ScriptedBrain([unlock]),
        lamp_toolset,
        policy=ConfirmTools(),
        confirm=lambda call, reason: asked.append(reason) or True,
    )
    assert confirmed.step("unlock the door").ok
    assert asked == ["unlock needs confirmation"]
    assert lamp_toolset.worlds[0].locked is False


def test_a_crashing_brain_does_not_stop_the_agent(lamp_toolset: Toolset) -> None:
    class Crashing(BaseBrain):
        name = "crashing"

        def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
            raise RuntimeError("boom")

    step = Agent(Crashing(), lamp_toolset).step("hello")
    assert step.decision.kind == "invalid"
    assert "RuntimeError: boom" in (step.decision.reason or "")


def test_perception_merges_world_context(lamp_toolset: Toolset) -> None:
    brain = ScriptedBrain([None])
    Agent(brain, lamp_toolset).step(Observation.of("hi", area="Kitchen"))
    (seen,) = brain.history
    assert seen.context == {"time_of_day": "evening", "area": "Kitchen"}
    assert lamp_toolset.worlds[0].seen == [{"area": "Kitchen"}]


def test_every_step_is_recorded(lamp_toolset: Toolset, tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    brain = FunctionBrain(
        lambda obs, ts: on("Desk Lamp") if "desk" in (obs.utterance or "") else None
    )
    with Telemetry(db, session="t") as log:
        agent = Agent(brain, lamp_toolset, telemetry=log)
        list(agent.run(["turn on the desk lamp", "what's up", "turn on the desk lamp"]))
        rows = list(log.rows())
    assert [r["kind"] for r in rows] == ["act", "noop", "act"]
    assert rows[0]["calls"] == [{"tool": "turn_on", "args": {"name": "Desk Lamp"}}]
    assert rows[0]["changes"] == {"Desk Lamp.state": ["off", "on"]}
    assert rows[2]["errors"] and "already on" in rows[2]["errors"][0]
    assert all(r["session"] == "t" for r in rows)
    assert Telemetry(db).count() == 3  # persisted (WAL) and readable by another connection


def test_run_reads_jsonl_files_streams_and_case_lines(
    lamp_toolset: Toolset, tmp_path: Path
) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        {"utterance": "first", "context": {"area": "Office"}},
        {
            "id": "c1",
            "suite": "lamps",
            "utterance": "second",
            "context": None,
            "expected": [],
            "match": "exact",
        },
        {"event": {"source": "sensor.door", "type": "opened"}},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    brain = ScriptedBrain([None] * 5)
    agent = Agent(brain, lamp_toolset)
    steps = list(agent.run(path))
    assert [s.observation.utterance for s in steps] == ["first", "second", None]
    assert steps[1].observation.id == "c1"
    assert steps[2].observation.event is not None
    steps = list(agent.run(io.StringIO("one\n\ntwo\n")))
    assert [s.observation.utterance for s in steps] == ["one", "two"]


def test_decision_invariants() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Decision(kind="act")
    with pytest.raises(ValidationError):
        Decision(kind="invalid")
    with pytest.raises(ValidationError):
        Decision(kind="noop", confidence=1.5)
    with pytest.raises(ValidationError):
        Observation(utterance="  ")
