"""Home Assistant MQTT discovery: topics, abbreviations and the device configs we understand.

A device announces each entity with a retained JSON config on
``<prefix>/<component>/[<node_id>/]<object_id>/config`` (prefix ``homeassistant``); an empty
payload removes it. Keys may be abbreviated (``stat_t`` for ``state_topic``) and topics may
start or end with ``~``, which stands for the config's base topic.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from edgeagent.errors import ConfigError

from .templates import ValueTemplate

DISCOVERY_PREFIX = "homeassistant"
COMPONENTS = frozenset(
    {"light", "switch", "fan", "cover", "lock", "climate", "sensor", "binary_sensor", "scene"}
)

# Home Assistant's abbreviations for the keys this module reads.
ABBREVIATIONS = {
    "avty": "availability",
    "avty_mode": "availability_mode",
    "avty_t": "availability_topic",
    "avty_tpl": "availability_template",
    "bri_cmd_t": "brightness_command_topic",
    "bri_scl": "brightness_scale",
    "bri_stat_t": "brightness_state_topic",
    "bri_val_tpl": "brightness_value_template",
    "clrm": "color_mode",
    "cmd_t": "command_topic",
    "cmd_tpl": "command_template",
    "curr_temp_t": "current_temperature_topic",
    "curr_temp_tpl": "current_temperature_template",
    "dev": "device",
    "dev_cla": "device_class",
    "en": "enabled_by_default",
    "ent_cat": "entity_category",
    "json_attr_t": "json_attributes_topic",
    "max_temp": "max_temp",
    "min_temp": "min_temp",
    "mode_cmd_t": "mode_command_topic",
    "mode_stat_t": "mode_state_topic",
    "mode_stat_tpl": "mode_state_template",
    "obj_id": "object_id",
    "opt": "optimistic",
    "pct_cmd_t": "percentage_command_topic",
    "pct_stat_t": "percentage_state_topic",
    "pct_val_tpl": "percentage_value_template",
    "pl_avail": "payload_available",
    "pl_cls": "payload_close",
    "pl_lock": "payload_lock",
    "pl_not_avail": "payload_not_available",
    "pl_off": "payload_off",
    "pl_on": "payload_on",
    "pl_open": "payload_open",
    "pl_stop": "payload_stop",
    "pl_unlk": "payload_unlock",
    "pos_clsd": "position_closed",
    "pos_open": "position_open",
    "pos_t": "position_topic",
    "pos_tpl": "position_template",
    "rgb_cmd_t": "rgb_command_topic",
    "rgb_stat_t": "rgb_state_topic",
    "rgb_val_tpl": "rgb_value_template",
    "set_pos_t": "set_position_topic",
    "spd_rng_max": "speed_range_max",
    "spd_rng_min": "speed_range_min",
    "stat_clsd": "state_closed",
    "stat_closing": "state_closing",
    "stat_jam": "state_jammed",
    "stat_locked": "state_locked",
    "stat_locking": "state_locking",
    "stat_off": "state_off",
    "stat_on": "state_on",
    "stat_open": "state_open",
    "stat_opening": "state_opening",
    "stat_stopped": "state_stopped",
    "stat_t": "state_topic",
    "stat_tpl": "state_template",
    "stat_unlocked": "state_unlocked",
    "stat_unlocking": "state_unlocking",
    "stat_val_tpl": "state_value_template",
    "sup_clrm": "supported_color_modes",
    "temp_cmd_t": "temperature_command_topic",
    "temp_stat_t": "temperature_state_topic",
    "temp_stat_tpl": "temperature_state_template",
    "temp_unit": "temperature_unit",
    "t": "topic",
    "uniq_id": "unique_id",
    "unit_of_meas": "unit_of_measurement",
    "val_tpl": "value_template",
}
DEVICE_ABBREVIATIONS = {
    "ids": "identifiers",
    "mf": "manufacturer",
    "mdl": "model",
    "sa": "suggested_area",
    "sw": "sw_version",
    "hw": "hw_version",
    "cns": "connections",
}
_TOPIC = re.compile(
    r"^(?P<prefix>[^/]+)/(?P<component>[^/]+)/(?:(?P<node>[^/]+)/)?(?P<object>[^/]+)/config$"
)


class DiscoveryTopic(BaseModel):
    """The parts of a discovery topic."""

    model_config = ConfigDict(frozen=True)

    topic: str
    component: str
    node_id: str | None
    object_id: str


def parse_topic(topic: str, prefix: str = DISCOVERY_PREFIX) -> DiscoveryTopic | None:
    """The parts of ``<prefix>/<component>/[<node_id>/]<object_id>/config`` (None otherwise)."""
    m = _TOPIC.match(topic)
    if m is None or m.group("prefix") != prefix:
        return None
    return DiscoveryTopic(
        topic=topic,
        component=m.group("component"),
        node_id=m.group("node"),
        object_id=m.group("object"),
    )


class Device(BaseModel):
    """The device an entity belongs to (``device`` in a config)."""

    model_config = ConfigDict(extra="allow")

    identifiers: list[str] | str | None = None
    name: str | None = None
    suggested_area: str | None = None
    manufacturer: str | None = None
    model: str | None = None


class Availability(BaseModel):
    model_config = ConfigDict(extra="allow")

    topic: str
    payload_available: str = "online"
    payload_not_available: str = "offline"
    value_template: ValueTemplate | None = None


class DeviceConfig(BaseModel):
    """One entity's discovery config, abbreviations expanded and ``~`` resolved.

    Only the keys edgeagent uses are typed; others are kept but ignored. Defaults are Home
    Assistant's for each component (see :mod:`edgeagent_tools.mqtt.codec`).
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    component: str
    name: str | None = None
    object_id: str | None = None
    unique_id: str | None = None
    device: Device | None = None
    device_class: str | None = None
    entity_category: str | None = None
    unit_of_measurement: str | None = None
    schema_: str = Field(default="default", alias="schema")
    qos: int = Field(default=0, ge=0, le=2)
    optimistic: bool | None = None
    # availability
    availability_topic: str | None = None
    availability: list[Availability] = Field(default_factory=list)
    payload_available: str = "online"
    payload_not_available: str = "offline"
    # state and commands
    state_topic: str | None = None
    command_topic: str | None = None
    value_template: ValueTemplate | None = None
    state_value_template: ValueTemplate | None = None
    payload_on: str | None = None
    payload_off: str | None = None
    state_on: str | None = None
    state_off: str | None = None
    # lights
    brightness: bool = False  # JSON schema: supports brightness
    brightness_command_topic: str | None = None
    brightness_state_topic: str | None = None
    brightness_value_template: ValueTemplate | None = None
    brightness_scale: int = Field(default=255, ge=1)
    rgb_command_topic: str | None = None
    rgb_state_topic: str | None = None
    rgb_value_template: ValueTemplate | None = None
    supported_color_modes: list[str] = Field(default_factory=list)
    color_mode: bool = False
    # fans
    percentage_command_topic: str | None = None
    percentage_state_topic: str | None = None
    percentage_value_template: ValueTemplate | None = None
    speed_range_min: int = Field(default=1, ge=0)
    speed_range_max: int = Field(default=100, ge=1)
    # covers
    payload_open: str | None = "OPEN"
    payload_close: str | None = "CLOSE"
    payload_stop: str | None = "STOP"
    state_open: str = "open"
    state_opening: str = "opening"
    state_closed: str = "closed"
    state_closing: str = "closing"
    state_stopped: str = "stopped"
    position_topic: str | None = None
    position_template: ValueTemplate | None = None
    set_position_topic: str | None = None
    position_open: int = 100
    position_closed: int = 0
    # locks
    payload_lock: str = "LOCK"
    payload_unlock: str = "UNLOCK"
    state_locked: str = "LOCKED"
    state_unlocked: str = "UNLOCKED"
    state_locking: str = "LOCKING"
    state_unlocking: str = "UNLOCKING"
    state_jammed: str = "JAMMED"
    # climate
    mode_command_topic: str | None = None
    mode_state_topic: str | None = None
    mode_state_template: ValueTemplate | None = None
    modes: list[str] = Field(
        default_factory=lambda: ["auto", "off", "cool", "heat", "dry", "fan_only"]
    )
    temperature_command_topic: str | None = None
    temperature_state_topic: str | None = None
    temperature_state_template: ValueTemplate | None = None
    current_temperature_topic: str | None = None
    current_temperature_template: ValueTemplate | None = None
    temperature_unit: str | None = None

    @model_validator(mode="after")
    def _check(self) -> DeviceConfig:
        needs_command = {"light", "switch", "fan", "lock", "scene"}
        if self.component in needs_command and not self.command_topic:
            raise ValueError(f"a {self.component} needs a command_topic")
        if self.component in {"sensor", "binary_sensor"} and not self.state_topic:
            raise ValueError(f"a {self.component} needs a state_topic")
        if self.component == "cover" and not (self.command_topic or self.set_position_topic):
            raise ValueError("a cover needs a command_topic or a set_position_topic")
        if self.component == "climate" and not (
            self.mode_command_topic or self.temperature_command_topic
        ):
            raise ValueError("a climate entity needs a mode or temperature command topic")
        if self.component == "light" and self.schema_ not in ("default", "basic", "json"):
            raise ValueError(f"light schema {self.schema_!r} is not supported (default, json)")
        unsupported = sorted(k for k in self.model_extra or {} if k.endswith("command_template"))
        if unsupported:
            raise ValueError(f"command templates are not supported ({', '.join(unsupported)})")
        return self

    @property
    def json_schema(self) -> bool:
        return self.component == "light" and self.schema_ == "json"

    def availability_topics(self) -> list[Availability]:
        topics = list(self.availability)
        if self.availability_topic:
            topics.append(
                Availability(
                    topic=self.availability_topic,
                    payload_available=self.payload_available,
                    payload_not_available=self.payload_not_available,
                )
            )
        return topics


def expand(payload: dict[str, Any]) -> dict[str, Any]:
    """Expand abbreviated keys and the ``~`` base topic (also inside ``availability``)."""
    base = payload.get("~")
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "~":
            continue
        full = ABBREVIATIONS.get(key, key)
        if full == "device" and isinstance(value, dict):
            value = {DEVICE_ABBREVIATIONS.get(k, k): v for k, v in value.items()}
        elif full == "availability" and isinstance(value, list):
            value = [expand({"~": base, **v}) if isinstance(v, dict) else v for v in value]
        elif isinstance(value, str) and base is not None and full.endswith("topic"):
            value = _with_base(value, str(base))
        out[full] = value
    return out


def _with_base(topic: str, base: str) -> str:
    if topic.startswith("~"):
        return base + topic[1:]
    if topic.endswith("~"):
        return topic[:-1] + base
    return topic


def parse_config(where: DiscoveryTopic, payload: bytes) -> DeviceConfig:
    """The config a discovery message carries; raises :class:`ConfigError` when malformed."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where.topic}: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{where.topic}: expected a JSON object")
    data = expand(data)
    data["component"] = where.component
    try:
        return DeviceConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{where.topic}: {problems}") from exc


def friendly_name(config: DeviceConfig) -> str:
    """The entity's name the way Home Assistant composes it: the device name, then the
    entity name (a ``null`` entity name means the device's own)."""
    device = (config.device.name or "").strip() if config.device else ""
    own = (config.name or "").strip()
    if own and device and not own.lower().startswith(device.lower()):
        return f"{device} {own}"
    return own or device or f"MQTT {config.component.replace('_', ' ').title()}"
