"""A small smart-home case file and a scripted local brain, shared by the eval tests
(registered as a pytest plugin in ``conftest.py``, so ``case_file`` is a fixture everywhere)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgeagent.datamodel import Observation, ToolCall
from edgeagent.testing import FunctionBrain

GARAGE_ON = ToolCall(tool="HassTurnOn", args={"name": "Garage Light"})  # it is on already
GARAGE_OFF = ToolCall(tool="HassTurnOff", args={"name": "Garage Light"})

CASES = [
    {"id": "c1", "utterance": "switch on the garage light", "expected": [GARAGE_ON.model_dump()]},
    {
        "id": "c2",
        "utterance": "turn off the kitchen lights",
        "expected": [{"tool": "HassTurnOff", "args": {"area": "Kitchen", "domain": "light"}}],
    },
    {"id": "c3", "utterance": "tell me a joke", "expected": []},
    {"id": "c4", "utterance": "what is the capital of france", "expected": []},
    {"id": "c5", "utterance": "hello there", "expected": []},
    {"id": "c6", "utterance": "sing me a song", "expected": []},
]

# What the scripted local brain answers, with which confidence.
LOCAL = {
    "switch on the garage light": ([GARAGE_ON], 0.9),  # right
    "turn off the kitchen lights": (
        [ToolCall(tool="HassTurnOn", args={"area": "Kitchen", "domain": "light"})],
        0.8,
    ),
    "tell me a joke": ([GARAGE_OFF], 0.3),  # acts on an out-of-scope request: wrong
    "what is the capital of france": ([], 0.95),  # does nothing: right
    # a query changes nothing, yet it is a call the request did not ask for: wrong
    "hello there": ([ToolCall(tool="HassGetState", args={"name": "Garage Light"})], 0.6),
    "sing me a song": ([GARAGE_OFF], 0.7),  # wrong again, in its own fresh world
}


def _local(seen: list[str] | None = None) -> FunctionBrain:
    def fn(obs: Observation, toolset: object) -> object:
        from edgeagent.brains.base import Proposal

        assert obs.utterance is not None
        if seen is not None:
            seen.append(obs.id or "")
        calls, conf = LOCAL[obs.utterance]
        return Proposal(calls=tuple(calls), confidence=conf)

    return FunctionBrain(fn, name="scripted-local")


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.jsonl"
    lines = [
        json.dumps({"suite": "smart_home", "context": None, "match": "exact", **c}) for c in CASES
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
