import json
from pathlib import Path

from edgeagent import Observation
from edgeagent.brains.replay import ReplayBrain
from edgeagent.cases import Case, ExpectedCall
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
