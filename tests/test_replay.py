import json
from pathlib import Path

import pytest

from edgeagent import Observation, ToolCall
from edgeagent.brains.replay import ReplayBrain, request_key
from edgeagent.cases import Case, ExpectedCall
from edgeagent.testing.contract import BrainContract
from edgeagent.toolset import Toolset


def test_replays_expected_calls_of_a_case_file(lamp_toolset: Toolset, tmp_path: Path) -> None:
    cases = [
        Case(
            id="1",
            suite="lamps",
            utterance="Desk lamp ON",
            context={"area": "Office"},
            expected=[ExpectedCall(tool="turn_on", args={"name": "Desk Lamp"})],
        ),
        Case(id="2", suite="lamps", utterance="sing", expected=[]),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(c.model_dump_json() for c in cases))
    brain = ReplayBrain.from_cases(path)
    assert brain.name == "replay:cases.jsonl"
    d = brain.decide(Observation.of("desk  lamp on", area="Office"), lamp_toolset)
    assert d.kind == "act" and d.calls[0].args == {"name": "Desk Lamp"}
    assert brain.decide(Observation.of("sing"), lamp_toolset).kind == "noop"
    unknown = brain.decide(Observation.of("desk lamp on", area="Kitchen"), lamp_toolset)
    assert unknown.kind == "invalid" and "no recorded answer" in (unknown.reason or "")


def test_replays_recorded_decisions(lamp_toolset: Toolset, tmp_path: Path) -> None:
    path = tmp_path / "recorded.jsonl"
    path.write_text(
        json.dumps(
            {
                "observation": {"utterance": "lights", "context": {}},
                "decision": {"calls": [{"tool": "count_on", "args": {}}]},
            }
        )
        + "\n"
    )
    d = ReplayBrain.from_jsonl(path).decide(Observation.of("lights"), lamp_toolset)
    assert d.calls[0].tool == "count_on"


class TestReplayBrainContract(BrainContract):
    @pytest.fixture
    def brain(self) -> ReplayBrain:
        from edgeagent.testing.contract import UTTERANCES

        answers = {request_key(u, None): () for u in UTTERANCES}
        answers[request_key(UTTERANCES[0], None)] = (
            ToolCall(tool="turn_on", args={"name": "Desk Lamp"}),
        )
        return ReplayBrain(answers, source="contract")


def test_a_replay_file_is_read_as_what_it_holds(tmp_path: Path) -> None:
    """Cases are told from recorded decisions by content; a broken file is an error naming
    the line, never silently read as the other format."""
    from edgeagent.errors import ConfigError
    from edgeagent.factory import build_cloud

    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        json.dumps({"id": "1", "suite": "lamps", "utterance": "x", "expected": []}) + "\n"
    )
    assert build_cloud(f"replay:{cases}").name == "replay:cases.jsonl"  # type: ignore[union-attr]
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps({"id": "1", "suite": "lamps", "expected": []}) + "\n")
    with pytest.raises(ConfigError, match=r"broken.jsonl:1"):
        build_cloud(f"replay:{broken}")
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("{not json\n")
    with pytest.raises(ConfigError, match="not JSON"):
        build_cloud(f"replay:{garbage}")
