"""What devices say on their state topics, and what to send them for a tool's writes.

Payload formats follow Home Assistant's MQTT integrations with their defaults: ``ON``/``OFF``
for lights, switches and fans, brightness on a 0..``brightness_scale`` range, ``r,g,b`` on
``rgb_command_topic``, one JSON object for JSON-schema lights, ``OPEN``/``CLOSE`` and
positions for covers, ``LOCK``/``UNLOCK`` for locks, modes and temperatures for climate.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from edgeagent_tools.smart_home import colors
from edgeagent_tools.smart_home.actuated import EntityWrite
from edgeagent_tools.smart_home.models import Entity, to_number

from .discovery import DeviceConfig
from .templates import Template

# Attributes the devices own; anything else a tool writes is the agent's bookkeeping.
DEVICE_ATTRIBUTES = frozenset({"brightness", "color", "percentage", "position", "temperature"})
_COLOR_MODES = ("rgb", "rgbw", "rgbww", "hs", "xy")


@dataclass(frozen=True)
class Command:
    topic: str
    payload: str
    retain: bool = False


@dataclass
class Plan:
    """How to carry out one entity's writes: commands, then the values that confirm them
    (``expect``, read back from state topics) or that are taken on the broker's word
    (``optimistic``: no state topic reports them)."""

    commands: list[Command] = field(default_factory=list)
    expect: dict[str, Any] = field(default_factory=dict)
    optimistic: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def payload_on(c: DeviceConfig) -> str:
    return c.payload_on if c.payload_on is not None else "ON"


def payload_off(c: DeviceConfig) -> str:
    return c.payload_off if c.payload_off is not None else "OFF"


# -- reading ------------------------------------------------------------------------------
def subscriptions(c: DeviceConfig) -> list[tuple[str, str]]:
    """``(topic, role)`` pairs to subscribe to for one entity."""
    roles = {
        "state": c.state_topic,
        "brightness": c.brightness_state_topic,
        "rgb": c.rgb_state_topic,
        "percentage": c.percentage_state_topic,
        "position": c.position_topic,
        "mode": c.mode_state_topic,
        "temperature": c.temperature_state_topic,
        "current_temperature": c.current_temperature_topic,
    }
    pairs = [(topic, role) for role, topic in roles.items() if topic]
    pairs += [(a.topic, f"availability:{i}") for i, a in enumerate(c.availability_topics())]
    return pairs


def _render(template: Template | None, payload: str) -> str | None:
    return payload if template is None else template.render(payload)


def read(c: DeviceConfig, role: str, payload: str) -> dict[str, Any]:
    """The entity fields a state message sets (``state`` and attribute names)."""
    if role == "state" and c.json_schema:
        return _read_json_light(c, payload)
    if role == "state":
        value = _render(c.state_value_template or c.value_template, payload)
        return {} if value is None else {"state": _state_of(c, value)}
    if role == "brightness":
        raw = to_number(_render(c.brightness_value_template, payload))
        if not isinstance(raw, int | float):
            return {}
        return {"brightness": round(raw * 100 / c.brightness_scale)}
    if role == "rgb":
        value = _render(c.rgb_value_template, payload)
        rgb = _rgb(value)
        return {} if rgb is None else {"color": colors.nearest_name(rgb), "rgb_color": list(rgb)}
    if role == "percentage":
        raw = to_number(_render(c.percentage_value_template, payload))
        if not isinstance(raw, int | float):
            return {}
        return {"percentage": _range_to_percent(c, raw)}
    if role == "position":
        raw = to_number(_render(c.position_template or c.value_template, payload))
        if not isinstance(raw, int | float):
            return {}
        span = (c.position_open - c.position_closed) or 1
        pct = round((raw - c.position_closed) * 100 / span)
        out: dict[str, Any] = {"position": max(0, min(100, pct))}
        if not c.state_topic:  # the position is all there is
            out["state"] = "open" if pct > 0 else "closed"
        return out
    if role == "mode":
        value = _render(c.mode_state_template, payload)
        return {} if value is None else {"state": value}
    if role in ("temperature", "current_temperature"):
        template = (
            c.temperature_state_template
            if role == "temperature"
            else c.current_temperature_template
        )
        number = to_number(_render(template, payload))
        return {role: number} if isinstance(number, int | float) else {}
    return {}


def availability(c: DeviceConfig, role: str, payload: str) -> bool | None:
    """True / False when an availability message says online / offline."""
    index = int(role.split(":", 1)[1])
    topics = c.availability_topics()
    if index >= len(topics):
        return None
    a = topics[index]
    value = _render(a.value_template, payload)
    if value == a.payload_available:
        return True
    if value == a.payload_not_available:
        return False
    return None


def _state_of(c: DeviceConfig, value: str) -> str:
    """A device's state payload as Home Assistant's state string."""
    if value in ("", "None"):
        return "unknown"
    if c.component in ("light", "switch", "fan", "binary_sensor"):
        on = c.state_on if c.state_on is not None else payload_on(c)
        off = c.state_off if c.state_off is not None else payload_off(c)
        if value == on:
            return "on"
        if value == off:
            return "off"
        return "unknown"
    if c.component == "cover":
        table = {
            c.state_open: "open",
            c.state_opening: "opening",
            c.state_closed: "closed",
            c.state_closing: "closing",
            c.state_stopped: "open",
            payload_on(c): "open",
            payload_off(c): "closed",
        }
        return table.get(value, value.lower())
    if c.component == "lock":
        table = {
            c.state_locked: "locked",
            c.state_unlocked: "unlocked",
            c.state_locking: "locking",
            c.state_unlocking: "unlocking",
            c.state_jammed: "jammed",
        }
        return table.get(value, value.lower())
    return value


def _read_json_light(c: DeviceConfig, payload: str) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, Any] = {}
    if data.get("state") in ("ON", "OFF"):
        out["state"] = "on" if data["state"] == "ON" else "off"
    if isinstance(data.get("brightness"), int | float):
        out["brightness"] = round(data["brightness"] * 100 / c.brightness_scale)
    color = data.get("color")
    if isinstance(color, dict):
        if all(k in color for k in "rgb"):
            rgb = (int(color["r"]), int(color["g"]), int(color["b"]))
            out["color"], out["rgb_color"] = colors.nearest_name(rgb), list(rgb)
        elif "h" in color and "s" in color:
            rgb = colors.rgb_from_hs(float(color["h"]), float(color["s"]))
            out["color"], out["rgb_color"] = colors.nearest_name(rgb), list(rgb)
        elif "x" in color and "y" in color:
            out["color"] = colors.nearest_name_xy(float(color["x"]), float(color["y"]))
    return out


def _rgb(value: str | None) -> tuple[int, int, int] | None:
    try:
        r, g, b = (int(float(p)) for p in (value or "").split(","))
    except ValueError:
        return None
    return r, g, b


def _range_to_percent(c: DeviceConfig, raw: float) -> int:
    offset = c.speed_range_min - 1
    steps = c.speed_range_max - offset
    return max(0, min(100, int((raw - offset) * 100 // steps)))


def _percent_to_range(c: DeviceConfig, pct: int) -> int:
    offset = c.speed_range_min - 1
    return math.ceil(offset + (c.speed_range_max - offset) * pct / 100)


# -- writing ------------------------------------------------------------------------------
def plan(c: DeviceConfig, write: EntityWrite) -> Plan:
    """The commands that carry out one entity's writes, and how each is confirmed."""
    planner = _PLANNERS.get(c.component)
    if planner is None:
        return Plan(problems=[f"{write.entity.name} cannot be controlled (a {c.component})"])
    out = Plan()
    planner(c, write, out)
    return out


def _confirm(c: DeviceConfig, out: Plan, key: str, value: Any, feedback: str | None) -> None:
    (out.expect if feedback and not c.optimistic else out.optimistic)[key] = value


def _plan_light(c: DeviceConfig, w: EntityWrite, out: Plan) -> None:
    e = w.entity
    on = e.state != "off"
    brightness = e.attributes.get("brightness") if "brightness" in w.attributes and on else None
    color = e.attributes.get("color") if "color" in w.attributes and on else None
    if c.json_schema:
        _plan_json_light(c, e, on, brightness, color, out)
        return
    assert c.command_topic is not None
    if brightness is not None:
        if not c.brightness_command_topic:
            out.problems.append(f"{e.name} cannot be dimmed")
        else:
            raw = round(int(brightness) * c.brightness_scale / 100)
            out.commands.append(Command(c.brightness_command_topic, str(raw)))
            pct = round(raw * 100 / c.brightness_scale)
            _confirm(c, out, "brightness", pct, c.brightness_state_topic)
    if color is not None:
        if not c.rgb_command_topic:
            out.problems.append(f"{e.name} cannot change colour")
        else:
            out.commands.append(
                Command(c.rgb_command_topic, ",".join(map(str, colors.rgb_of(color))))
            )
            _confirm(c, out, "color", color, c.rgb_state_topic)
    out.commands.append(Command(c.command_topic, payload_on(c) if on else payload_off(c)))
    _confirm(c, out, "state", "on" if on else "off", c.state_topic)


def _plan_json_light(
    c: DeviceConfig, e: Entity, on: bool, brightness: Any, color: Any, out: Plan
) -> None:
    assert c.command_topic is not None
    body: dict[str, Any] = {"state": "ON" if on else "OFF"}
    modes = set(c.supported_color_modes)
    if brightness is not None:
        if not (c.brightness or modes - {"onoff"}):
            out.problems.append(f"{e.name} cannot be dimmed")
        else:
            raw = round(int(brightness) * c.brightness_scale / 100)
            body["brightness"] = raw
            _confirm(c, out, "brightness", round(raw * 100 / c.brightness_scale), c.state_topic)
    if color is not None:
        rgb = colors.rgb_of(str(color))
        if modes & {"rgb", "rgbw", "rgbww"}:
            body["color"] = dict(zip("rgb", rgb, strict=True))
        elif "hs" in modes:
            body["color"] = dict(zip("hs", colors.hs_of(rgb), strict=True))
        elif "xy" in modes:
            body["color"] = dict(zip("xy", colors.xy_of(rgb), strict=True))
        else:
            out.problems.append(f"{e.name} cannot change colour")
        if "color" in body:
            _confirm(c, out, "color", color, c.state_topic)
    out.commands.append(Command(c.command_topic, json.dumps(body)))
    _confirm(c, out, "state", "on" if on else "off", c.state_topic)


def _plan_switch(c: DeviceConfig, w: EntityWrite, out: Plan) -> None:
    assert c.command_topic is not None
    on = w.entity.state != "off"
    out.commands.append(Command(c.command_topic, payload_on(c) if on else payload_off(c)))
    _confirm(c, out, "state", "on" if on else "off", c.state_topic)


def _plan_fan(c: DeviceConfig, w: EntityWrite, out: Plan) -> None:
    assert c.command_topic is not None
    e = w.entity
    on = e.state != "off"
    pct = e.attributes.get("percentage") if "percentage" in w.attributes else None
    if pct is not None and on:
        if not c.percentage_command_topic:
            out.problems.append(f"{e.name} has no speed setting")
            return
        raw = _percent_to_range(c, int(pct))
        out.commands.append(Command(c.percentage_command_topic, str(raw)))
        _confirm(c, out, "percentage", _range_to_percent(c, raw), c.percentage_state_topic)
        if w.before.state == "off" or not c.state_topic:
            out.commands.append(Command(c.command_topic, payload_on(c)))
    else:
        out.commands.append(Command(c.command_topic, payload_on(c) if on else payload_off(c)))
    _confirm(c, out, "state", "on" if on else "off", c.state_topic)


def _plan_cover(c: DeviceConfig, w: EntityWrite, out: Plan) -> None:
    e = w.entity
    opened = e.state not in ("closed", "closing")
    feedback = c.state_topic or c.position_topic
    position = e.attributes.get("position") if "position" in w.attributes else None
    if position is not None and c.set_position_topic and position not in (0, 100):
        raw = round(c.position_closed + (c.position_open - c.position_closed) * int(position) / 100)
        out.commands.append(Command(c.set_position_topic, str(raw)))
        _confirm(c, out, "position", int(position), c.position_topic)
        _confirm(c, out, "state", "open" if int(position) > 0 else "closed", feedback)
        return
    payload = c.payload_open if opened else c.payload_close
    if payload is None or not c.command_topic:
        if c.set_position_topic:  # a cover driven by position only
            raw = c.position_open if opened else c.position_closed
            out.commands.append(Command(c.set_position_topic, str(raw)))
            _confirm(c, out, "state", "open" if opened else "closed", feedback)
            return
        out.problems.append(f"{e.name} cannot be {'opened' if opened else 'closed'}")
        return
    out.commands.append(Command(c.command_topic, payload))
    _confirm(c, out, "state", "open" if opened else "closed", feedback)


def _plan_lock(c: DeviceConfig, w: EntityWrite, out: Plan) -> None:
    assert c.command_topic is not None
    locked = w.entity.state == "locked"
    out.commands.append(Command(c.command_topic, c.payload_lock if locked else c.payload_unlock))
    _confirm(c, out, "state", "locked" if locked else "unlocked", c.state_topic)


def _plan_climate(c: DeviceConfig, w: EntityWrite, out: Plan) -> None:
    e = w.entity
    if w.state:
        if not c.mode_command_topic or e.state not in c.modes:
            out.problems.append(f"{e.name} cannot be set to {e.state}")
        else:
            out.commands.append(Command(c.mode_command_topic, e.state))
            _confirm(c, out, "state", e.state, c.mode_state_topic)
    if "temperature" in w.attributes:
        value = e.attributes.get("temperature")
        if not c.temperature_command_topic:
            out.problems.append(f"{e.name} has no temperature setting")
        else:
            out.commands.append(Command(c.temperature_command_topic, str(value)))
            _confirm(c, out, "temperature", value, c.temperature_state_topic)


def _plan_scene(c: DeviceConfig, w: EntityWrite, out: Plan) -> None:
    assert c.command_topic is not None
    out.commands.append(Command(c.command_topic, payload_on(c)))


_PLANNERS = {
    "light": _plan_light,
    "switch": _plan_switch,
    "fan": _plan_fan,
    "cover": _plan_cover,
    "lock": _plan_lock,
    "climate": _plan_climate,
    "scene": _plan_scene,
}


def matches(entity: Entity, key: str, value: Any) -> bool:
    """Whether the model already shows an expected value."""
    have = entity.state if key == "state" else entity.attributes.get(key)
    if isinstance(value, int | float) and isinstance(have, int | float):
        return math.isclose(float(have), float(value), abs_tol=0.01)
    return have == value
