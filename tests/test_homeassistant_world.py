"""The Home Assistant world against a real Home Assistant core (2024.3.3, from .ha-venv)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from edgeagent import Agent, ToolCall
from edgeagent.errors import ConfigError
from edgeagent.factory import build_local_brain
from edgeagent.testing import ScriptedBrain
from edgeagent.toolset import Toolset
from edgeagent_tools.homeassistant import HomeAssistantToolkit, HomeAssistantWorld
from tests.servers import HomeAssistant

pytestmark = pytest.mark.homeassistant


@pytest.fixture(scope="module")
def ha(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HomeAssistant]:
    server = HomeAssistant(tmp_path_factory.mktemp("homeassistant")).start()
    area = "config/entity_registry/update"
    server.websocket(
        {"type": "config/floor_registry/create", "name": "Ground Floor"},
        {"type": "config/area_registry/create", "name": "Kitchen"},
        {"type": "config/area_registry/create", "name": "Living Room"},
        {"type": area, "entity_id": "light.kitchen_light", "area_id": "kitchen"},
        {"type": area, "entity_id": "switch.coffee_maker", "area_id": "kitchen"},
        {"type": area, "entity_id": "light.secret_lamp", "area_id": "kitchen"},
        {"type": area, "entity_id": "light.living_room_lamp", "area_id": "living_room"},
        {
            "type": "homeassistant/expose_entity",
            "assistants": ["conversation"],
            "entity_ids": ["light.secret_lamp"],
            "should_expose": False,
        },
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def kit(ha: HomeAssistant) -> Iterator[HomeAssistantToolkit]:
    toolkit = HomeAssistantToolkit(ha_url=ha.url, token=ha.token)
    yield toolkit
    toolkit.world.close()


def step(kit: HomeAssistantToolkit, *calls: ToolCall) -> list:
    agent = Agent(ScriptedBrain([list(calls)]), Toolset(kit.tools(), [kit.world]))
    return list(agent.step("scripted").results)


def test_the_home_comes_from_home_assistant(kit: HomeAssistantToolkit) -> None:
    world = kit.world
    assert world.version == "2024.3.3"
    vocab = world.vocabulary()
    assert {"Kitchen Light", "Living Room Lamp", "Coffee Maker"} <= set(vocab["name"])
    assert "Secret Lamp" not in vocab["name"]  # not exposed to Assist
    assert not any("power" in n for n in vocab["name"])  # helpers are not exposed by default
    assert set(vocab["area"]) == {"Kitchen", "Living Room"}
    assert vocab["floor"] == ["Ground Floor"]
    assert world.entities["light.kitchen_light"].area_id == "kitchen"


def test_the_agent_turns_a_light_on_and_home_assistant_shows_it(
    ha: HomeAssistant, kit: HomeAssistantToolkit
) -> None:
    assert ha.state("light.kitchen_light") == "off"
    (r,) = step(kit, ToolCall(tool="HassTurnOn", args={"name": "Kitchen Light"}))
    assert r.ok, r.error
    assert ha.state("light.kitchen_light") == "on"
    assert kit.world.entities["light.kitchen_light"].state == "on"  # pushed by HA's events
    (r,) = step(
        kit, ToolCall(tool="HassLightSet", args={"name": "Kitchen Light", "brightness": 50})
    )
    assert r.ok, r.error
    assert ha.get("/api/states/light.kitchen_light")["attributes"]["brightness"] == 128


def test_an_area_request_never_touches_unexposed_entities(
    ha: HomeAssistant, kit: HomeAssistantToolkit
) -> None:
    (r,) = step(kit, ToolCall(tool="HassTurnOff", args={"area": "Kitchen"}))
    assert r.ok, r.error
    assert sorted(r.output["targets"]) == ["light.kitchen_light", "switch.coffee_maker"]
    assert ha.state("light.kitchen_light") == "off" and ha.state("switch.coffee_maker") == "off"
    assert ha.state("light.secret_lamp") == "on"
    agent = Agent(
        ScriptedBrain([ToolCall(tool="HassTurnOn", args={"name": "Secret Lamp"})]),
        Toolset(kit.tools(), [kit.world]),
    )
    refused = agent.step("turn on the secret lamp")
    assert refused.decision.kind == "invalid" and "Secret Lamp" in (refused.decision.reason or "")
    assert ha.state("light.secret_lamp") == "on"


def test_a_request_in_words_through_the_default_brain(
    ha: HomeAssistant, kit: HomeAssistantToolkit
) -> None:
    brain = build_local_brain(None, suites=["smart_home"])
    try:
        agent = Agent(brain, Toolset(kit.tools(), [kit.world]))
        result = agent.step("turn on the living room lamp")
    finally:
        brain.close()
    assert [r.ok for r in result.results] == [True], result
    assert ha.state("light.living_room_lamp") == "on"


def test_a_bad_token_is_a_clear_error(ha: HomeAssistant) -> None:
    with pytest.raises(ConfigError, match="refused the token"):
        HomeAssistantWorld(ha.url, token="not-a-token")


def test_the_token_belongs_to_a_user_home_assistant_made(ha: HomeAssistant) -> None:
    auth = (Path(ha.config) / ".storage" / "auth").read_text(encoding="utf-8")
    assert '"name": "edgeagent"' in auth and "long_lived_access_token" in auth
