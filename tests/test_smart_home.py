"""Behaviour of the smart-home plugin: the simulated home, target matching, tools and risk."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from edgeagent.datamodel import ToolCall
from edgeagent.errors import (
    ConfigError,
    PreconditionError,
    TargetError,
    ToolArgumentError,
    ToolError,
    UnknownNameError,
)
from edgeagent.tool import Risk
from edgeagent.toolset import Toolset
from edgeagent.world import World, diff
from edgeagent_tools.smart_home import HomeWorld, SmartHomeToolkit

NOW = datetime(2024, 5, 14, 15, 4, 5)
_BASE = HomeWorld(clock=lambda: NOW)


@pytest.fixture
def kit() -> SmartHomeToolkit:
    return SmartHomeToolkit(world=_BASE.copy())


def call(kit: SmartHomeToolkit, tool: str, /, **args: Any) -> Any:
    return next(t for t in kit.tools() if t.name == tool).invoke(args)


def state(kit: SmartHomeToolkit, entity_id: str) -> str:
    return kit.world.entities[entity_id].state


def attr(kit: SmartHomeToolkit, entity_id: str, key: str) -> Any:
    return kit.world.entities[entity_id].attributes.get(key)


def risk(kit: SmartHomeToolkit, tool: str, /, **args: Any) -> Risk:
    return next(t for t in kit.tools() if t.name == tool).risk_of(args)


# -- the toolkit as a plugin -----------------------------------------------------------------

REQUIRED = [
    "HassTurnOn",
    "HassTurnOff",
    "HassGetState",
    "HassLightSet",
    "HassSetPosition",
    "HassClimateSetTemperature",
    "HassClimateGetTemperature",
    "HassMediaSearchAndPlay",
    "HassMediaNext",
    "HassMediaPrevious",
    "HassMediaPause",
    "HassMediaUnpause",
    "HassSetVolume",
    "HassStartTimer",
    "HassCancelTimer",
    "HassCancelAllTimers",
    "HassIncreaseTimer",
    "HassDecreaseTimer",
    "HassPauseTimer",
    "HassUnpauseTimer",
    "HassTimerStatus",
    "HassShoppingListAddItem",
    "HassShoppingListCompleteItem",
    "HassListAddItem",
    "HassListCompleteItem",
    "HassGetWeather",
    "HassGetCurrentDate",
    "HassGetCurrentTime",
    "HassNevermind",
    "HassRespond",
    "HassVacuumStart",
    "HassVacuumReturnToBase",
    "HassBroadcast",
]


def test_default_toolkit_has_every_intent_documented() -> None:
    kit = SmartHomeToolkit()
    assert kit.name == "smart_home" and isinstance(kit.world, HomeWorld)
    tools = {t.name: t for t in kit.tools()}
    assert set(REQUIRED) <= set(tools)
    for t in tools.values():
        assert t.description and t.description != t.name
        for p in t.params:
            assert p.description, f"{t.name}.{p.name} is not documented"
        json.dumps(t.json_schema())


def test_slots_use_vocabularies_and_bounds(kit: SmartHomeToolkit) -> None:
    turn_on = next(t for t in kit.tools() if t.name == "HassTurnOn")
    name = turn_on.param("name")
    assert name is not None and name.vocab is not None
    assert (name.vocab.kind, name.vocab.extra, name.required) == ("switchable", ("all",), False)
    vocab = kit.world.vocabulary()
    assert "Kitchen ceiling" in vocab["switchable"] and "Front Door" in vocab["switchable"]
    assert "Kitchen leak sensor" not in vocab["switchable"]  # a sensor cannot be switched on
    assert (
        set(vocab["light"]) <= set(vocab["switchable"]) and "Kitchen Switch" not in vocab["light"]
    )
    light = next(t for t in kit.tools() if t.name == "HassLightSet")
    bright = light.param("brightness")
    assert bright is not None and (bright.minimum, bright.maximum) == (0, 100)
    color = light.param("color")
    assert color is not None and "red" in color.choices
    play = next(t for t in kit.tools() if t.name == "HassMediaSearchAndPlay")
    query = play.param("search_query")
    assert query is not None and query.vocab is not None and query.vocab.from_utterance


def test_intents_option_selects_tools() -> None:
    kit = SmartHomeToolkit(intents=["HassTurnOn", "HassTurnOff"])
    assert [t.name for t in kit.tools()] == ["HassTurnOn", "HassTurnOff"]
    with pytest.raises(UnknownNameError):
        SmartHomeToolkit(intents=["HassTurnOnn"])


def test_examples_are_valid_in_the_home_they_describe(tmp_path: Path) -> None:
    kit = SmartHomeToolkit()
    examples = kit.examples()
    assert len(examples) >= 10
    tools = {t.name for t in kit.tools()}
    assert all(c.tool in tools for ex in examples for c in ex.calls)
    assert kit.world.snapshot() == SmartHomeToolkit().world.snapshot()  # trial runs on copies
    only = SmartHomeToolkit(intents=["HassTurnOn", "HassTurnOff"]).examples()
    assert only and {c.tool for ex in only for c in ex.calls} <= {"HassTurnOn", "HassTurnOff"}
    home = tmp_path / "home.yaml"
    home.write_text("areas: [{name: Den, id: den}]\nentities: []\n")
    small = SmartHomeToolkit(world=HomeWorld.from_yaml(home)).examples()
    assert 0 < len(small) < len(examples)  # no Rover, no Office here


def test_toolkits_do_not_share_a_home() -> None:
    a, b = SmartHomeToolkit(), SmartHomeToolkit()
    call(a, "HassTurnOff", name="Kitchen ceiling")
    assert state(a, "light.kitchen_ceiling") == "off"
    assert state(b, "light.kitchen_ceiling") == "on"


# -- the world ---------------------------------------------------------------------------------


def test_world_protocol_vocabulary_and_describe(kit: SmartHomeToolkit) -> None:
    world = kit.world
    assert isinstance(world, World) and world.name == "smart_home"
    vocab = world.vocabulary()
    for key in ("name", "area", "floor", "domain", "device_class", "media", "timer", "list"):
        assert vocab[key], key
    assert "Kitchen ceiling" in vocab["name"] and "Living Room" in vocab["area"]
    assert "First Floor" in vocab["floor"] and {"light", "cover", "lock"} <= set(vocab["domain"])
    assert "pizza" in vocab["timer"] and "Inception" in vocab["media"]
    # the fixture's template name "Trader Joe[']s": both spellings resolve
    assert {"Trader Joe's", "Trader Joes"} <= set(vocab["list"])
    assert world.find_list("trader joes").id == world.find_list("Trader Joe's").id
    text = world.describe()
    assert "Kitchen" in text and "Kitchen ceiling" in text and len(text) < 4000
    assert world.perceive() == {}


def test_snapshot_is_flat_json_and_diffs_show_changes(kit: SmartHomeToolkit) -> None:
    before = kit.world.snapshot()
    json.dumps(before)
    assert before["light.kitchen_ceiling.state"] == "on"
    assert before["timer.pizza.seconds_left"] == 1505
    assert before["todo.chores.items"] == []
    assert before["media_player.tv.volume_level"] == 50
    call(kit, "HassTurnOff", name="Kitchen ceiling")
    assert diff(before, kit.world.snapshot()) == {"light.kitchen_ceiling.state": ["on", "off"]}


def test_binary_sensor_states_keep_raw_and_spoken_forms(kit: SmartHomeToolkit) -> None:
    sensor = kit.world.entities["binary_sensor.phone_battery_charging"]
    assert (sensor.state, sensor.spoken()) == ("on", "charging")


def test_from_yaml_and_bad_files(tmp_path: Path) -> None:
    home = tmp_path / "home.yaml"
    home.write_text(
        "floors: [{name: Ground, id: g}]\n"
        "areas: [{name: Den, id: den, floor: g}, {name: Hall, id: hall, floor: g}]\n"
        "entities:\n"
        "- {name: Lamp, id: light.den_lamp, area: den, state: 'off'}\n"
        "- {name: Lamp, id: light.hall_lamp, area: hall, state: 'off'}\n"
        "- {name: 'Desk (light|lamp)', id: light.desk, area: den, state: 'off'}\n"
    )
    world = HomeWorld.from_yaml(home)
    assert {"Desk light", "Desk lamp"} <= set(world.vocabulary()["name"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("entities: [{name: Lamp}]\n")
    with pytest.raises(ConfigError):
        HomeWorld.from_yaml(bad)
    with pytest.raises(ConfigError):
        HomeWorld.from_yaml(tmp_path / "missing.yaml")


# -- switching and target matching -----------------------------------------------------------


def test_turn_on_the_kitchen_light(kit: SmartHomeToolkit) -> None:
    call(kit, "HassTurnOff", name="Kitchen ceiling")
    out = call(kit, "HassTurnOn", name="kitchen CEILING")
    assert state(kit, "light.kitchen_ceiling") == "on"
    assert out["targets"] == ["light.kitchen_ceiling"] and "Kitchen ceiling" in out["speech"]


def test_area_and_domain_filters(kit: SmartHomeToolkit) -> None:
    out = call(kit, "HassTurnOff", area="Kitchen", domain="light")
    assert sorted(out["targets"]) == [
        "light.kitchen_cabinets",
        "light.kitchen_ceiling",
        "light.kitchen_countertop",
    ]
    assert state(kit, "switch.kitchen") == "on"  # only lights


def test_floor_filter(kit: SmartHomeToolkit) -> None:
    out = call(kit, "HassTurnOn", floor="Second Floor", domain="light")
    assert out["targets"] == ["light.bedroom_lamp"]
    out = call(kit, "HassTurnOff", floor="First Floor", domain="light")
    assert "light.living_room_lamp" in out["targets"] and "light.bedroom_lamp" not in out["targets"]
    assert state(kit, "light.bedroom_lamp") == "on"


def test_all_and_area_groups_leave_locks_and_covers_alone(kit: SmartHomeToolkit) -> None:
    call(kit, "HassTurnOn", name="Ceiling Fan")
    out = call(kit, "HassTurnOff", name="all", area="Living Room")
    assert {"light.living_room_lamp", "light.play_corner", "fan.ceiling"} <= set(out["targets"])
    assert state(kit, "cover.curtain_left") == "open"  # covers need their domain or name
    out = call(kit, "HassTurnOff", name="all", domain="lock")
    assert {state(kit, t) for t in out["targets"]} == {"unlocked"} and len(out["targets"]) == 4


def test_domain_and_device_class_for_covers(kit: SmartHomeToolkit) -> None:
    out = call(kit, "HassTurnOff", area="Living Room", domain="cover", device_class="curtain")
    assert sorted(out["targets"]) == ["cover.curtain_left", "cover.curtain_right"]
    assert state(kit, "cover.curtain_left") == "closed"
    with pytest.raises(TargetError, match="window cover in Kitchen"):
        call(kit, "HassTurnOn", area="Kitchen", domain="cover", device_class="window")


def test_unknown_names_raise_target_errors_with_suggestions(kit: SmartHomeToolkit) -> None:
    with pytest.raises(TargetError) as err:
        call(kit, "HassTurnOn", name="Kitchen celing")
    assert "Kitchen ceiling" in err.value.candidates
    with pytest.raises(TargetError) as err:
        call(kit, "HassTurnOff", area="Kitchn", domain="light")
    assert err.value.candidates == ["Kitchen"]
    with pytest.raises(TargetError) as err:
        call(kit, "HassTurnOff", floor="Frist Floor", domain="light")
    assert "First Floor" in err.value.candidates
    with pytest.raises(TargetError) as err:  # known name, wrong area
        call(kit, "HassTurnOn", name="Bedroom Lamp", area="Kitchen")
    assert err.value.candidates == ["Bedroom Lamp (Bedroom)"]


def test_ambiguous_names_are_narrowed_never_guessed(tmp_path: Path) -> None:
    home = tmp_path / "home.yaml"
    home.write_text(
        "floors: [{name: Ground, id: g}]\n"
        "areas: [{name: Den, id: den, floor: g}, {name: Hall, id: hall, floor: g}]\n"
        "entities:\n"
        "- {name: Lamp, id: light.den_lamp, area: den, state: 'off'}\n"
        "- {name: Lamp, id: light.hall_lamp, area: hall, state: 'off'}\n"
    )
    kit = SmartHomeToolkit(world=HomeWorld.from_yaml(home))
    with pytest.raises(TargetError) as err:
        call(kit, "HassTurnOn", name="Lamp")
    assert sorted(err.value.candidates) == ["Lamp (Den)", "Lamp (Hall)"]
    assert kit.world.snapshot()["light.den_lamp.state"] == "off"
    assert call(kit, "HassTurnOn", name="Lamp", area="Hall")["targets"] == ["light.hall_lamp"]
    kit.world.observe_context({"area": "Den"})  # the speaker's area breaks the tie
    assert call(kit, "HassTurnOn", name="Lamp")["targets"] == ["light.den_lamp"]
    # a question may cover every match
    kit.world.observe_context({})
    assert len(call(kit, "HassGetState", name="Lamp")["matched"]) == 2


def test_shared_names_narrowed_by_device_class(kit: SmartHomeToolkit) -> None:
    out = call(kit, "HassGetState", name="Phone")
    assert len(out["matched"]) == 7
    out = call(kit, "HassGetState", name="Phone", domain="binary_sensor", device_class="battery")
    assert out["matched"] == ["binary_sensor.phone_battery"] and out["answer"] == "normal"


def test_climate_needs_one_thermostat(kit: SmartHomeToolkit) -> None:
    with pytest.raises(TargetError) as err:
        call(kit, "HassClimateSetTemperature", temperature=21)
    assert set(err.value.candidates) == {"Thermostat (Living Room)", "Office Thermostat (Office)"}
    kit.world.observe_context({"area": "Living Room"})
    out = call(kit, "HassClimateSetTemperature", temperature=20.5)
    assert out["targets"] == ["climate.thermostat"]
    assert attr(kit, "climate.thermostat", "temperature") == 20.5
    assert call(kit, "HassClimateGetTemperature", area="Office")["answer"] == 1


def test_unsupported_targets_are_clear_errors(kit: SmartHomeToolkit) -> None:
    with pytest.raises(ToolError, match="not supported") as err:
        call(kit, "HassTurnOn", name="Outside Humidity")
    assert not isinstance(err.value, TargetError)
    with pytest.raises(ToolError, match="not supported"):
        call(kit, "HassLightSet", name="Front Door", brightness=50)
    with pytest.raises(ToolError, match="scene"):
        call(kit, "HassTurnOff", name="Party Mode")
    with pytest.raises(ToolError, match="say what"):
        call(kit, "HassTurnOn")


# -- locks, covers, lights ---------------------------------------------------------------------


def test_lock_and_unlock(kit: SmartHomeToolkit) -> None:
    assert call(kit, "HassTurnOff", name="Front Door")["speech"] == "Unlocked Front Door"
    assert state(kit, "lock.front_door") == "unlocked"
    call(kit, "HassTurnOn", name="Front Door")
    assert state(kit, "lock.front_door") == "locked"


def test_cover_position(kit: SmartHomeToolkit) -> None:
    call(kit, "HassSetPosition", name="Bedroom Curtain", position=30)
    assert (state(kit, "cover.bedroom"), attr(kit, "cover.bedroom", "position")) == ("open", 30)
    call(kit, "HassTurnOff", name="Bedroom Curtain")
    assert (state(kit, "cover.bedroom"), attr(kit, "cover.bedroom", "position")) == ("closed", 0)
    call(kit, "HassSetPosition", name="Main Valve", domain="valve", position=0)
    assert state(kit, "valve.main_valve") == "closed"
    with pytest.raises(ToolArgumentError):
        call(kit, "HassSetPosition", name="Bedroom Curtain", position=120)


def test_light_brightness_and_color(kit: SmartHomeToolkit) -> None:
    call(kit, "HassLightSet", area="Bedroom", brightness=40, color="blue")
    assert state(kit, "light.bedroom_lamp") == "on"
    assert attr(kit, "light.bedroom_lamp", "brightness") == 40
    assert attr(kit, "light.bedroom_lamp", "color") == "blue"
    call(kit, "HassLightSet", name="Bedroom Lamp", brightness=0)
    assert state(kit, "light.bedroom_lamp") == "off"
    with pytest.raises(ToolArgumentError):
        call(kit, "HassLightSet", name="Bedroom Lamp", color="plaid")
    with pytest.raises(ToolError, match="brightness or a color"):
        call(kit, "HassLightSet", name="Bedroom Lamp")
    with pytest.raises(TargetError):  # no light, area or speaker area: which lights?
        call(kit, "HassLightSet", brightness=10)


def test_scene_script_vacuum_fan(kit: SmartHomeToolkit) -> None:
    call(kit, "HassTurnOn", name="Party Mode", domain="scene")
    assert attr(kit, "scene.party_mode", "last_activated") == NOW.isoformat()
    call(kit, "HassVacuumStart", floor="First Floor")
    assert state(kit, "vacuum.rover") == "cleaning"
    call(kit, "HassVacuumReturnToBase", name="Rover")
    assert state(kit, "vacuum.rover") == "docked"
    call(kit, "HassFanSetSpeed", name="Ceiling Fan", percentage=60)
    assert (state(kit, "fan.ceiling"), attr(kit, "fan.ceiling", "percentage")) == ("on", 60)


# -- media -----------------------------------------------------------------------------------


def test_media_lifecycle(kit: SmartHomeToolkit) -> None:
    assert call(kit, "HassMediaPause", name="TV")["targets"] == []  # idle: nothing to pause
    out = call(kit, "HassMediaSearchAndPlay", search_query="inception", media_class="movie")
    assert out["answer"] == "Inception" and state(kit, "media_player.tv") == "playing"
    call(kit, "HassMediaPause", area="Living Room")
    assert state(kit, "media_player.tv") == "paused"
    call(kit, "HassMediaUnpause", name="TV")
    assert state(kit, "media_player.tv") == "playing"
    call(kit, "HassMediaNext", name="TV")
    assert attr(kit, "media_player.tv", "media_track") == 2
    call(kit, "HassMediaPrevious", name="TV")
    assert attr(kit, "media_player.tv", "media_track") == 1
    call(kit, "HassSetVolume", name="TV", volume_level=20)
    assert attr(kit, "media_player.tv", "volume_level") == 20
    call(kit, "HassMediaPlayerMute", name="TV")
    assert attr(kit, "media_player.tv", "is_volume_muted") is True
    with pytest.raises(TargetError, match="nothing to play"):
        call(kit, "HassMediaSearchAndPlay", search_query="Does Not Exist")
    call(kit, "HassTurnOff", name="TV")
    with pytest.raises(PreconditionError):
        call(kit, "HassSetVolume", name="TV", volume_level=20)


# -- timers ------------------------------------------------------------------------------------


def test_timer_lifecycle(kit: SmartHomeToolkit) -> None:
    kit.world.observe_context({"area": "Kitchen"})
    out = call(kit, "HassStartTimer", minutes=10, name="tea")
    (tid,) = out["targets"]
    timer = next(t for t in kit.world.timers if t.id == tid)
    assert (timer.name, timer.area_id, timer.seconds_left) == ("tea", "kitchen_id", 600)
    assert "tea" in kit.world.vocabulary()["timer"]
    call(kit, "HassPauseTimer", name="tea")
    assert not timer.active
    call(kit, "HassUnpauseTimer", name="tea")
    assert timer.active
    call(kit, "HassIncreaseTimer", name="tea", minutes=5)
    assert timer.seconds_left == 900
    call(kit, "HassDecreaseTimer", start_minutes=10, seconds=30)
    assert timer.seconds_left == 870
    status = call(kit, "HassTimerStatus", name="tea")
    assert status["answer"][0]["seconds_left"] == 870 and "14 minutes" in status["speech"]
    kit.world.advance(70)
    assert timer.seconds_left == 800
    call(kit, "HassCancelTimer", name="tea")
    assert all(t.id != tid for t in kit.world.timers)
    assert call(kit, "HassCancelAllTimers")["targets"] and kit.world.timers == []


def test_timer_name_alternatives_and_finishing(kit: SmartHomeToolkit) -> None:
    out = call(kit, "HassDecreaseTimer", name=["pizza ", "pizza"], minutes=30)
    assert "done" in out["speech"] and all(t.name != "pizza" for t in kit.world.timers)
    assert kit.world.finished_timers[-1].name == "pizza"


def test_ambiguous_timers_list_candidates(kit: SmartHomeToolkit) -> None:
    with pytest.raises(TargetError) as err:
        call(kit, "HassCancelTimer")
    assert len(err.value.candidates) == 3
    out = call(kit, "HassUnpauseTimer")  # the only paused timer
    assert out["targets"] == ["timer.1_hour"]
    with pytest.raises(TargetError):
        call(kit, "HassCancelTimer", name="lasagna")
    with pytest.raises(ToolError, match="how long"):
        call(kit, "HassStartTimer")


# -- lists -------------------------------------------------------------------------------------


def test_list_add_and_complete(kit: SmartHomeToolkit) -> None:
    call(kit, "HassShoppingListAddItem", item="apples")
    snap = kit.world.snapshot()
    assert snap["todo.shopping_list.items"] == ["apples"]
    call(kit, "HassShoppingListCompleteItem", item="Apples")
    snap = kit.world.snapshot()
    assert snap["todo.shopping_list.items"] == [] and snap["todo.shopping_list.completed"] == [
        "apples"
    ]
    assert call(kit, "HassShoppingListCompleteItem", item="apples")["targets"] == []
    call(kit, "HassListAddItem", item="take out the trash", name="Chores")
    with pytest.raises(TargetError) as err:
        call(kit, "HassListCompleteItem", item="take out trash", name="Chores")
    assert err.value.candidates == ["take out the trash"]
    call(kit, "HassListCompleteItem", item="take out the trash", name="chores")
    call(kit, "HassListAddItem", item="milk", name="Trader Joes")
    assert kit.world.snapshot()["todo.trader_joes.items"] == ["milk"]
    with pytest.raises(TargetError):
        call(kit, "HassListAddItem", item="milk", name="Costco")


# -- questions -----------------------------------------------------------------------------------


def test_queries_answer_from_state(kit: SmartHomeToolkit) -> None:
    out = call(kit, "HassGetState", name="Kitchen ceiling", state="on")
    assert out["answer"] is True and out["speech"].startswith("Yes")
    call(kit, "HassTurnOff", name="Kitchen ceiling")
    assert call(kit, "HassGetState", name="Kitchen ceiling", state="on")["answer"] is False
    out = call(kit, "HassGetState", domain="lock", state="unlocked")
    assert out["matched"] == ["lock.back_door"] and out["answer"] is True
    out = call(kit, "HassGetState", name="Living room humidity")
    assert out["answer"] == "48 %"
    out = call(kit, "HassGetState", name="Ada", domain="person", state="home")
    assert out["answer"] is False
    assert call(kit, "HassGetWeather")["answer"]["condition"] == "rainy"
    assert call(kit, "HassGetWeather", name="Los Angeles")["answer"]["temperature"] == 76
    assert call(kit, "HassGetCurrentDate")["answer"] == "2024-05-14"
    assert call(kit, "HassGetCurrentTime")["speech"] == "It is 3:04 PM"
    assert call(kit, "HassNevermind") == {"speech": ""}
    assert call(kit, "HassRespond", response="Hello")["speech"] == "Hello"
    call(kit, "HassBroadcast", message="dinner is ready")
    assert kit.world.snapshot()["broadcast.last"] == "dinner is ready"


# -- risk --------------------------------------------------------------------------------------


def test_risk_of_call_levels(kit: SmartHomeToolkit) -> None:
    assert risk(kit, "HassTurnOff", name="Front Door") is Risk.SECURITY
    assert risk(kit, "HassTurnOff", name="all", domain="lock") is Risk.SECURITY
    assert risk(kit, "HassTurnOn", domain="cover", device_class="garage") is Risk.SECURITY
    assert risk(kit, "HassTurnOn", name="Main Valve") is Risk.SECURITY
    assert risk(kit, "HassSetPosition", name="Main Valve", position=10) is Risk.SECURITY
    assert risk(kit, "HassTurnOn", name="Curtain Left") is Risk.PHYSICAL
    assert risk(kit, "HassSetPosition", name="Bedroom Curtain", position=10) is Risk.PHYSICAL
    assert risk(kit, "HassVacuumStart", name="Rover") is Risk.PHYSICAL
    assert risk(kit, "HassTurnOn", area="Kitchen", domain="light") is Risk.REVERSIBLE
    assert risk(kit, "HassTurnOff", area="Living Room") is Risk.REVERSIBLE
    assert risk(kit, "HassTurnOn", name="No Such Thing") is Risk.REVERSIBLE
    assert risk(kit, "HassStartTimer", minutes=5) is Risk.REVERSIBLE
    assert risk(kit, "HassLightSet", name="Bedroom Lamp", brightness=5) is Risk.REVERSIBLE
    for name in ("HassGetState", "HassNevermind", "HassRespond", "HassTimerStatus"):
        assert risk(kit, name) is Risk.READ_ONLY
    for name in ("HassGetCurrentDate", "HassGetCurrentTime", "HassGetWeather"):
        assert risk(kit, name) is Risk.READ_ONLY


def test_toolset_validation_uses_the_vocabulary(kit: SmartHomeToolkit) -> None:
    toolset = Toolset(kit.tools(), [kit.world])
    ok = toolset.validate_call(ToolCall(tool="HassTurnOn", args={"name": "kitchen CEILING"}))
    assert ok.args == {"name": "Kitchen ceiling"}
    ok = toolset.validate_call(ToolCall(tool="HassTurnOff", args={"name": "ALL", "domain": "lock"}))
    assert ok.args["name"] == "all"
    with pytest.raises(ToolArgumentError):
        toolset.validate_call(ToolCall(tool="HassTurnOn", args={"name": "Kitchen celing"}))
    with pytest.raises(ToolArgumentError):
        toolset.validate_call(ToolCall(tool="HassTurnOn", args={"nam": "Kitchen ceiling"}))
