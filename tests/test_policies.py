from pathlib import Path

import pytest

from edgeagent import Agent, ToolCall
from edgeagent.errors import ConfigError
from edgeagent.factory import build_policy, build_toolset
from edgeagent.policy import DeclarativePolicy, PolicyConfig, load_policy_file, save_policy_file
from edgeagent.registry import POLICIES_GROUP, PluginRegistry
from edgeagent.testing import ScriptedBrain
from edgeagent.tool import Risk
from edgeagent_policies import policy_path

UNLOCK_FRONT = ToolCall(tool="HassTurnOff", args={"name": "Front Door"})


def test_shipped_policies_load_through_entry_points() -> None:
    plugins = PluginRegistry(POLICIES_GROUP, "policy")
    assert {"default", "cautious_home", "robot"} <= set(plugins.names())
    for name in ("default", "cautious_home", "robot"):
        p = build_policy(name)
        assert isinstance(p, DeclarativePolicy) and p.name == name
    assert build_policy(str(policy_path("robot"))).config.multi_step_to_cloud


def test_a_bad_policy_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("threshold: 1.5\nbudget: {per_hour: -1}\nunknown_key: 3\n")
    with pytest.raises(ConfigError) as info:
        load_policy_file(bad)
    text = str(info.value)
    assert "threshold" in text and "per_hour" in text and "unknown_key" in text


def test_round_trip(tmp_path: Path) -> None:
    config = load_policy_file(policy_path("cautious_home"))
    save_policy_file(config, tmp_path / "copy.yaml")
    assert load_policy_file(tmp_path / "copy.yaml") == config


def test_thresholds_per_tool_and_per_risk() -> None:
    p = DeclarativePolicy(
        PolicyConfig(
            threshold=0.5,
            tool_thresholds={"stop": 0.0},
            risk_thresholds={Risk.PHYSICAL: 0.7, Risk.SECURITY: 0.9},
        )
    )
    assert p.threshold_for(ToolCall(tool="find"), Risk.READ_ONLY) == 0.5
    assert p.threshold_for(ToolCall(tool="pick"), Risk.PHYSICAL) == 0.7
    assert p.threshold_for(ToolCall(tool="open"), Risk.SECURITY) == 0.9
    assert p.threshold_for(ToolCall(tool="stop"), Risk.PHYSICAL) == 0.0
    assert p.threshold_for(ToolCall(tool="find"), Risk.READ_ONLY, base=0.8) == 0.8


def test_a_policy_file_changes_behaviour_without_code(tmp_path: Path) -> None:
    def unlock_with(policy_spec: str) -> bool:
        toolset = build_toolset(["smart_home"])
        agent = Agent(ScriptedBrain([UNLOCK_FRONT]), toolset, policy=build_policy(policy_spec))
        step = agent.step("unlock the front door")
        return step.results[0].ok

    assert not unlock_with("default")  # secure by default: a person must confirm an unlock
    assert not unlock_with("cautious_home")
    custom = tmp_path / "mine.yaml"
    custom.write_text("name: mine\nconfirm:\n  risks: []\n  tools: [HassTurnOff]\n")
    assert not unlock_with(str(custom))
    unattended = tmp_path / "unattended.yaml"
    unattended.write_text("name: unattended\nconfirm:\n  risks: []\n")
    assert unlock_with(str(unattended))  # a policy that says so


def test_confirmation_by_argument_value() -> None:
    p = build_policy("cautious_home")
    toolset = build_toolset(["smart_home"])
    garage = ToolCall(
        tool="HassTurnOn", args={"area": "Garage", "domain": "cover", "device_class": "garage_door"}
    )
    tool = toolset.get("HassTurnOn")
    assert p.confirmation_reason(garage, tool, Risk.PHYSICAL)
    lights = ToolCall(tool="HassTurnOn", args={"area": "Garage", "domain": "light"})
    assert p.confirmation_reason(lights, tool, Risk.REVERSIBLE) is None
