"""The smart-home dev set against the plugin: every expected call is valid and (almost always)
runs in a fresh copy of the test home.

The data lives outside the repository, in ``../shared/data`` (override with ``EDGEAGENT_DATA``).
Missing data fails these tests: it is never skipped silently.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from edgeagent.datamodel import ToolCall
from edgeagent.errors import EdgeAgentError, TargetError
from edgeagent.toolset import Toolset
from edgeagent_tools.smart_home import HomeWorld, SmartHomeToolkit
from tests.conftest import DATA_DIR

DATA = DATA_DIR
DEV = DATA / "smart_home" / "dev.jsonl"
INTENTS = DATA / "smart_home" / "intents.yaml"
# Measured: 715 of 758 cases run (94.3%). The rest name targets the test home does not have
# (window/blind/garage covers, a kitchen lock or media player, an unknown title), are
# ambiguous in it (two thermostats, several timers) or check off items its empty lists lack.
MIN_EXECUTION_RATE = 0.94


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    assert DEV.is_file(), f"smart-home dev data not found at {DEV} (set EDGEAGENT_DATA)"
    lines = DEV.read_text(encoding="utf-8").splitlines()
    loaded = [json.loads(line) for line in lines if line.strip()]
    assert len(loaded) > 700
    return loaded


@pytest.fixture(scope="module")
def home() -> HomeWorld:
    return HomeWorld()


def test_every_intent_is_a_tool_with_its_slots(home: HomeWorld) -> None:
    assert INTENTS.is_file(), f"intents.yaml not found at {INTENTS} (set EDGEAGENT_DATA)"
    intents = yaml.safe_load(INTENTS.read_text(encoding="utf-8"))
    tools = {t.name: t for t in SmartHomeToolkit(world=home).tools()}
    for intent, spec in intents.items():
        assert intent in tools, intent
        slots = spec.get("slots") or {}
        params = {p.name: p for p in tools[intent].params}
        assert set(params) == set(slots), intent
        for slot, slot_spec in slots.items():
            assert params[slot].required == bool(slot_spec.get("required")), (intent, slot)


def test_expected_calls_name_real_tools_with_valid_args(
    cases: list[dict[str, Any]], home: HomeWorld
) -> None:
    kit = SmartHomeToolkit(world=home)
    toolset = Toolset(kit.tools(), [home])
    problems: list[str] = []
    intents: set[str] = set()
    for case in cases:
        for expected in case["expected"]:
            intents.add(expected["tool"])
            try:  # the schema and the closed vocabularies, as a brain's output is checked
                toolset.validate_call(ToolCall(tool=expected["tool"], args=expected["args"]))
            except EdgeAgentError as exc:
                problems.append(f"{case['id']} {expected}: {exc}")
    assert not problems, "\n".join(problems)
    assert len(intents) >= 31


def test_expected_calls_run_in_a_fresh_home(cases: list[dict[str, Any]], home: HomeWorld) -> None:
    toolset = Toolset(SmartHomeToolkit(world=home).tools(), [home])
    failures: list[str] = []
    for case in cases:
        world = home.copy()
        kit = SmartHomeToolkit(world=world)
        tools = {t.name: t for t in kit.tools()}
        world.observe_context(case.get("context") or {})
        for expected in case["expected"]:
            call = toolset.validate_call(ToolCall(tool=expected["tool"], args=expected["args"]))
            tool = tools[call.tool]
            tool.risk_of(call.args)  # never raises, whatever the target
            try:
                json.dumps(tool.invoke(call.args))
            except TargetError as exc:  # anything else (a crash, a bad result) fails the test
                failures.append(f"{case['id']} {call.tool} {dict(call.args)}: {exc}")
                break
    rate = 1 - len(failures) / len(cases)
    print(f"\nexecuted {len(cases) - len(failures)}/{len(cases)} ({rate:.1%}); failures:")
    print("\n".join(failures))
    assert rate >= MIN_EXECUTION_RATE, "\n".join(failures)
