import pytest

from edgeagent import ToolCall
from edgeagent.brains.base import Brain
from edgeagent.testing import FunctionBrain, ScriptedBrain
from edgeagent.testing.contract import UTTERANCES, BrainContract


class TestFunctionBrain(BrainContract):
    @pytest.fixture
    def brain(self) -> Brain:
        def decide(obs, toolset):  # type: ignore[no-untyped-def]
            text = obs.utterance or ""
            if "desk" in text:
                return ToolCall(tool="turn_on", args={"name": "desk lamp"})
            if "how many" in text:
                return ToolCall(tool="count_on", args={})
            return None

        return FunctionBrain(decide, confidence=0.7)


class TestScriptedBrain(BrainContract):
    @pytest.fixture
    def brain(self) -> Brain:
        return ScriptedBrain(
            [ToolCall(tool="turn_on", args={"name": "Desk Lamp"})] + [None] * len(UTTERANCES)
        )


def test_scripted_brain_runs_out_gracefully(lamp_toolset) -> None:  # type: ignore[no-untyped-def]
    from edgeagent import Observation

    brain = ScriptedBrain([])
    d = brain.decide(Observation.of("x"), lamp_toolset)
    assert d.kind == "invalid" and "no reply" in (d.reason or "")
