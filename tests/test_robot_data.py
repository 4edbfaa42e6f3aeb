"""The robot plugin against the HuRIC development set (``../shared/data/robot/dev.jsonl``).

Every expected call must name a robot tool and validate against its schema; executing the
expected calls in order in a fresh world (after ``observe_context``) must succeed for the
share measured when the plugin was written. The data must be there: a missing file fails.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from edgeagent.errors import ToolError
from edgeagent_tools.robot import RobotToolkit
from tests.conftest import DATA_DIR

# Measured: 328 of 388 cases (84.5%) run through. The rest fail for reasons a robot should
# report: "place" of something not held (31), pronouns with no earlier call to refer to (10),
# people and nouns the map does not know (daniele, john, pocket, item, status...).
EXECUTION_BAR = 0.84


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    path = DATA_DIR / "robot" / "dev.jsonl"
    assert path.is_file(), f"robot dev set not found at {path} (set EDGEAGENT_DATA)"
    with path.open(encoding="utf-8") as fh:
        loaded = [json.loads(line) for line in fh if line.strip()]
    assert len(loaded) > 300
    return loaded


def test_expected_calls_fit_the_tool_schemas(cases: list[dict[str, Any]]) -> None:
    tools = {t.name: t for t in RobotToolkit().tools()}
    problems: list[str] = []
    for case in cases:
        assert case["suite"] == "robot"
        for call in case["expected"]:
            tool = tools.get(call["tool"])
            if tool is None:
                problems.append(f"{case['id']}: no tool {call['tool']!r}")
                continue
            try:
                tool.validate(call["args"])
            except ToolError as exc:
                problems.append(f"{case['id']}: {exc}")
    assert not problems, "\n".join(problems)


def test_expected_calls_execute_in_a_fresh_world(cases: list[dict[str, Any]]) -> None:
    passed = 0
    causes: Counter[str] = Counter()
    failures: list[str] = []
    for case in cases:
        kit = RobotToolkit()
        tools = {t.name: t for t in kit.tools()}
        kit.world.observe_context(case.get("context") or {})
        for call in case["expected"]:
            try:
                result = tools[call["tool"]].invoke(call["args"])
            except ToolError as exc:
                causes[f"{call['tool']}: {type(exc).__name__}"] += 1
                failures.append(f"{case['id']} {call['tool']}({call['args']}): {exc}")
                break
            json.dumps(result)
            assert isinstance(result.get("speech"), str)
        else:
            passed += 1
    rate = passed / len(cases)
    print(f"\nrobot dev execution: {passed}/{len(cases)} = {rate:.1%}")
    print("causes:", dict(causes.most_common()))
    print("\n".join(failures))
    assert rate >= EXECUTION_BAR, f"{rate:.1%} < {EXECUTION_BAR:.0%}:\n" + "\n".join(failures)


def test_prompt_examples_are_not_dev_sentences(cases: list[dict[str, Any]]) -> None:
    dev = {" ".join(c["utterance"].lower().split()) for c in cases}
    for example in RobotToolkit().examples():
        assert " ".join(example.utterance.lower().split()) not in dev
