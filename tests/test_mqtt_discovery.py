"""MQTT discovery, templates, payload formats and the actuated-home seam (no broker)."""

from __future__ import annotations

import json

import pytest

from edgeagent.errors import ConfigError
from edgeagent_tools.mqtt import codec
from edgeagent_tools.mqtt.discovery import expand, friendly_name, parse_config, parse_topic
from edgeagent_tools.mqtt.settings import BrokerSettings
from edgeagent_tools.mqtt.templates import parse_template
from edgeagent_tools.smart_home.actuated import ActuatedHome, ActuatedHomeToolkit, EntityWrite
from edgeagent_tools.smart_home.models import Entity


def config(component: str, **data: object) -> codec.DeviceConfig:
    where = parse_topic(f"homeassistant/{component}/node/obj/config")
    assert where is not None
    return parse_config(where, json.dumps(data).encode())


def write(entity: Entity, *, state: bool = True, **attributes: object) -> EntityWrite:
    after = entity.model_copy(deep=True)
    after.attributes.update(attributes)
    return EntityWrite(entity=after, before=entity, state=state, attributes=frozenset(attributes))


def test_discovery_topics_with_and_without_node_id() -> None:
    a = parse_topic("homeassistant/light/kitchen/config")
    b = parse_topic("homeassistant/light/bridge/kitchen/config")
    assert a is not None and (a.component, a.node_id, a.object_id) == ("light", None, "kitchen")
    assert b is not None and (b.node_id, b.object_id) == ("bridge", "kitchen")
    assert parse_topic("other/light/kitchen/config") is None
    assert parse_topic("homeassistant/light/kitchen/state") is None


def test_abbreviations_and_base_topic_are_expanded() -> None:
    data = expand(
        {
            "~": "zigbee/lamp",
            "cmd_t": "~/set",
            "stat_t": "~/state",
            "avty_t": "status/~",
            "dev": {"ids": ["x"], "sa": "Kitchen", "name": "Lamp"},
        }
    )
    assert data["command_topic"] == "zigbee/lamp/set"
    assert data["availability_topic"] == "status/zigbee/lamp"
    assert data["device"] == {"identifiers": ["x"], "suggested_area": "Kitchen", "name": "Lamp"}


def test_malformed_configs_are_errors_not_crashes() -> None:
    where = parse_topic("homeassistant/switch/x/config")
    assert where is not None
    with pytest.raises(ConfigError, match="not JSON"):
        parse_config(where, b"{nope")
    with pytest.raises(ConfigError, match="needs a command_topic"):
        parse_config(where, b'{"name": "X"}')
    with pytest.raises(ConfigError, match="command templates"):
        config("switch", command_topic="a", command_template="{{ value }}")
    with pytest.raises(ConfigError, match="unsupported template"):
        config("sensor", state_topic="a", value_template="{{ value_json.t * 2 }}")


def test_names_follow_home_assistant() -> None:
    assert friendly_name(config("switch", cmd_t="a", name="Plug", dev={"name": "Desk"})) == (
        "Desk Plug"
    )
    assert friendly_name(config("switch", cmd_t="a", name=None, dev={"name": "Desk"})) == "Desk"
    assert friendly_name(config("switch", cmd_t="a", name="Desk lamp", dev={"name": "Desk"})) == (
        "Desk lamp"
    )


def test_value_templates_devices_use() -> None:
    assert parse_template("{{ value_json.temperature }}").render('{"temperature": 21.5}') == "21.5"
    assert parse_template("{{ value_json['state'] }}").render('{"state": "ON"}') == "ON"
    assert parse_template("{{ value_json.a.b | int }}").render('{"a": {"b": "7.9"}}') == "7"
    assert parse_template("{{ value }}").render("x") == "x"
    assert parse_template("{{ value_json.missing }}").render("{}") is None


def test_default_light_commands_and_confirmations() -> None:
    c = config(
        "light",
        cmd_t="l/set",
        stat_t="l/state",
        bri_cmd_t="l/bri/set",
        bri_stat_t="l/bri",
        rgb_cmd_t="l/rgb/set",
    )
    lamp = Entity(id="light.l", name="Lamp", state="on")
    plan = codec.plan(c, write(lamp, brightness=40, color="red"))
    assert [(x.topic, x.payload) for x in plan.commands] == [
        ("l/bri/set", "102"),
        ("l/rgb/set", "255,0,0"),
        ("l/set", "ON"),
    ]
    assert plan.expect == {"brightness": 40, "state": "on"}
    assert plan.optimistic == {"color": "red"}  # no rgb_state_topic reports it
    assert codec.read(c, "brightness", "102") == {"brightness": 40}
    assert codec.read(c, "state", "OFF") == {"state": "off"}


def test_json_light_speaks_its_colour_mode() -> None:
    c = config("light", schema="json", cmd_t="z/set", stat_t="z", sup_clrm=["xy"], brightness=True)
    plan = codec.plan(c, write(Entity(id="light.z", name="Z", state="on"), color="blue"))
    body = json.loads(plan.commands[0].payload)
    assert body["state"] == "ON" and set(body["color"]) == {"x", "y"}
    state = '{"state": "ON", "brightness": 255, "color": {"x": 0.15, "y": 0.06}}'
    assert codec.read(c, "state", state) == {"state": "on", "brightness": 100, "color": "blue"}


def test_cover_lock_fan_and_climate_formats() -> None:
    cover = config("cover", cmd_t="c/set", pos_t="c/pos", set_pos_t="c/pos/set")
    plan = codec.plan(cover, write(Entity(id="cover.c", name="C", state="open"), position=40))
    assert [(x.topic, x.payload) for x in plan.commands] == [("c/pos/set", "40")]
    assert codec.read(cover, "position", "0") == {"position": 0, "state": "closed"}
    lock = config("lock", cmd_t="k/set", stat_t="k")
    plan = codec.plan(lock, write(Entity(id="lock.k", name="K", state="unlocked")))
    assert plan.commands[0].payload == "UNLOCK" and plan.expect == {"state": "unlocked"}
    assert codec.read(lock, "state", "JAMMED") == {"state": "jammed"}
    fan = config(
        "fan", cmd_t="f/set", stat_t="f", pct_cmd_t="f/p/set", spd_rng_min=1, spd_rng_max=3
    )
    before = Entity(id="fan.f", name="F", state="off")
    after = write(Entity(id="fan.f", name="F", state="on"), percentage=50)
    plan = codec.plan(fan, EntityWrite(after.entity, before, True, after.attributes))
    assert [(x.topic, x.payload) for x in plan.commands] == [("f/p/set", "2"), ("f/set", "ON")]
    climate = config("climate", mode_cmd_t="t/m/set", temp_cmd_t="t/t/set", modes=["off", "heat"])
    plan = codec.plan(
        climate, write(Entity(id="climate.t", name="T", state="heat"), temperature=21)
    )
    assert [(x.topic, x.payload) for x in plan.commands] == [("t/m/set", "heat"), ("t/t/set", "21")]
    plan = codec.plan(climate, write(Entity(id="climate.t", name="T", state="cool")))
    assert plan.problems == ["T cannot be set to cool"]


def test_broker_urls() -> None:
    s = BrokerSettings.from_url("mqtt://me:s%40cret@broker.local:1884")
    assert (s.host, s.port, s.username, s.password) == ("broker.local", 1884, "me", "s@cret")
    assert BrokerSettings.from_url("mqtts://h").port == 8883
    with pytest.raises(ConfigError):
        BrokerSettings.from_url("http://h")


class RecordingHome(ActuatedHome):
    """An actuated home that records what it was asked to do and confirms nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.entities["light.lamp"] = Entity(id="light.lamp", name="Lamp", state="on")
        self.entities["climate.t"] = Entity(id="climate.t", name="T", state="heat")
        self.asked: list[tuple[str, list[EntityWrite]]] = []

    def actuate(self, tool: str, args: object, writes: list[EntityWrite]) -> None:
        self.asked.append((tool, writes))

    def is_local_attribute(self, entity: Entity, key: str) -> bool:
        return key == "last_mode"


def test_actuated_tools_record_writes_and_leave_the_model_to_the_devices() -> None:
    home = RecordingHome()
    tools = {t.name: t for t in ActuatedHomeToolkit(home).tools()}
    tools["HassTurnOn"].invoke({"name": "Lamp"})  # already on: still a command
    tools["HassTurnOff"].invoke({"name": "Lamp"})
    (tool, (w,)), (_, (off,)) = home.asked
    assert tool == "HassTurnOn" and w.id == "light.lamp" and w.state and w.entity.state == "on"
    assert off.entity.state == "off"
    assert home.entities["light.lamp"].state == "on"  # unchanged until a device confirms
    tools["HassTurnOff"].invoke({"name": "T"})
    assert home.entities["climate.t"].attributes == {"last_mode": "heat"}  # bookkeeping applies
    assert home.entities["climate.t"].state == "heat"
    assert isinstance(home.copy().entities["light.lamp"], Entity)  # examples run on a copy
