"""A device simulator: the bundled test home as MQTT devices, announced by discovery.

``DeviceSimulator(url).start()`` publishes one retained discovery config per entity of a
:class:`HomeWorld` (lights, switches, fans, covers, locks, climate, sensors, binary sensors,
scenes) and their retained states, then answers commands on the command topics the way
devices do: it changes its own state and publishes it on the state topics. Every second light
speaks the JSON schema, the others the default one. ``edgeagent devices simulate`` runs it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from edgeagent.errors import ConfigError
from edgeagent_tools.smart_home import HomeWorld, colors
from edgeagent_tools.smart_home.models import Entity, slug, to_number

from .client import new_client, no_delay
from .discovery import COMPONENTS, DISCOVERY_PREFIX
from .settings import BrokerSettings

NODE_ID = "edgeagent_sim"


@dataclass
class SimulatedDevice:
    """One simulated entity: its config and its current state."""

    entity: Entity
    area: str | None
    base: str  # topic prefix of this device
    json_light: bool = False
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def component(self) -> str:
        return self.entity.domain

    @property
    def object_id(self) -> str:
        return slug(self.entity.id.split(".", 1)[1])  # topic-safe; HA ids are slugs too


class DeviceSimulator:
    """Publishes a home's devices on an MQTT broker and behaves like them.

    ``home``: the home to simulate (default: the bundled test home). ``delay``: seconds a
    device takes to answer a command. ``received`` logs the commands, ``paused`` stops the
    devices answering (for timeout tests). Use as a context manager, or ``start``/``stop``.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        home: HomeWorld | None = None,
        prefix: str = DISCOVERY_PREFIX,
        node_id: str = NODE_ID,
        delay: float = 0.0,
    ) -> None:
        self.settings = BrokerSettings.from_url(url)
        self.prefix = prefix
        self.node_id = node_id
        self.delay = delay
        self.paused = False
        self.received: list[tuple[str, str]] = []
        self.devices: dict[str, SimulatedDevice] = {}
        self._by_topic: dict[str, SimulatedDevice] = {}
        self._lock = threading.RLock()
        self._connected = threading.Event()
        world = home or HomeWorld()
        lights = 0
        for e in world.entities.values():
            if e.domain not in COMPONENTS:
                continue
            device = SimulatedDevice(
                entity=e,
                area=world.area_name(e.area_id),
                base=f"{node_id}/{e.domain}/{slug(e.id.split('.', 1)[1])}",
                json_light=e.domain == "light" and lights % 2 == 1,
            )
            lights += e.domain == "light"
            device.state = _initial_state(e)
            self.devices[e.id] = device
            for topic in _command_topics(device):
                self._by_topic[topic] = device
        self.status_topic = f"{node_id}/status"
        self._client = new_client(
            self.settings, "edgeagent-sim", will=(self.status_topic, "offline")
        )
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> DeviceSimulator:
        """Connect, announce every device and its state; returns when they are published."""
        self._client.connect_async(self.settings.host, self.settings.port, keepalive=15)
        self._client.loop_start()
        if not self._connected.wait(timeout):
            self._client.loop_stop()
            raise ConfigError(f"cannot reach the MQTT broker at {self.settings.url}")
        # The broker handles a client's messages in order: once this one is acknowledged,
        # every config and state published on connecting is there for others to read.
        self._client.publish(self.status_topic, "online", qos=1, retain=True).wait_for_publish(
            timeout
        )
        return self

    def stop(self, *, clear: bool = False) -> None:
        """Say the devices went offline (and with ``clear``, delete their discovery configs)."""
        if self._client.is_connected():
            infos = [self._client.publish(self.status_topic, "offline", qos=1, retain=True)]
            if clear:
                infos += [
                    self._client.publish(self.config_topic(d), "", qos=1, retain=True)
                    for d in self.devices.values()
                ]
            for info in infos:
                info.wait_for_publish(5)
        self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()

    def __enter__(self) -> DeviceSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop(clear=True)

    # -- topics and configs ----------------------------------------------------------------
    def config_topic(self, device: SimulatedDevice) -> str:
        return f"{self.prefix}/{device.component}/{self.node_id}/{device.object_id}/config"

    def config(self, device: SimulatedDevice) -> dict[str, Any]:
        """The discovery config of a device (abbreviated keys, ``~`` base topic)."""
        e = device.entity
        dev: dict[str, Any] = {
            "ids": [f"{self.node_id}_{e.id}"],
            "name": e.name,
            "mf": "edgeagent",
            "mdl": f"simulated {e.domain}",
        }
        if device.area:
            dev["sa"] = device.area
        cfg: dict[str, Any] = {
            "~": device.base,
            "name": None,
            "uniq_id": f"{self.node_id}_{e.id}",
            "obj_id": device.object_id,
            "dev": dev,
            "avty_t": self.status_topic,
        }
        if e.device_class:
            cfg["dev_cla"] = e.device_class
        cfg.update(_component_config(device))
        return cfg

    def publish_all(self) -> None:
        """Publish every config and state (retained)."""
        self._client.publish(self.status_topic, "online", qos=1, retain=True)
        for d in self.devices.values():
            self._client.publish(
                self.config_topic(d), json.dumps(self.config(d)), qos=1, retain=True
            )
        for d in self.devices.values():
            self.publish_state(d)

    def publish_state(self, device: SimulatedDevice) -> None:
        for topic, payload in _state_messages(device):
            self._client.publish(topic, payload, qos=1, retain=True)

    def set_state(self, entity_id: str, **values: Any) -> None:
        """Change a device as if someone used it (``state="ON"``, ``brightness=128``...)."""
        with self._lock:
            device = self.devices[entity_id]
            device.state.update(values)
            self.publish_state(device)

    # -- callbacks -------------------------------------------------------------------------
    def _on_connect(self, client: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if getattr(reason, "is_failure", False):
            return
        no_delay(client)
        client.subscribe([(t, 1) for t in [*self._by_topic, f"{self.prefix}/status"]])
        self.publish_all()
        self._connected.set()

    def _on_message(self, _client: Any, _u: Any, msg: Any) -> None:
        payload = bytes(msg.payload).decode("utf-8", "replace")
        if msg.topic == f"{self.prefix}/status":
            if payload == "online":  # Home Assistant (or an agent) came up: announce again
                self.publish_all()
            return
        with self._lock:
            self.received.append((msg.topic, payload))
            device = self._by_topic.get(msg.topic)
            if device is None or self.paused:
                return
            if self.delay:
                time.sleep(self.delay)
            if _command(device, msg.topic[len(device.base) :], payload):
                self.publish_state(device)


def _initial_state(e: Entity) -> dict[str, Any]:
    a = e.attributes
    on = e.state == "on"
    if e.domain == "light":
        pct = to_number(a.get("brightness", 100 if on else 0))
        return {
            "state": "ON" if on else "OFF",
            "brightness": round(float(pct) * 255 / 100) if on else 0,
            "rgb": colors.rgb_of(str(a.get("color", "white"))),
        }
    if e.domain in ("switch", "fan"):
        return {
            "state": "ON" if on else "OFF",
            "percentage": int(a.get("percentage", 100 if on else 0)),
        }
    if e.domain == "cover":
        opened = e.state in ("open", "opening")
        return {
            "state": "open" if opened else "closed",
            "position": int(to_number(a.get("position", 100 if opened else 0))),
        }
    if e.domain == "lock":
        return {"state": "LOCKED" if e.state == "locked" else "UNLOCKED"}
    if e.domain == "climate":
        return {
            "mode": e.state or "off",
            "temperature": a.get("temperature", 20),
            "current": a.get("current_temperature", 20),
        }
    if e.domain == "binary_sensor":
        return {"state": "ON" if on else "OFF"}
    if e.domain == "sensor":
        return {"state": e.state}
    return {}


def _component_config(d: SimulatedDevice) -> dict[str, Any]:
    e = d.entity
    if e.domain == "light" and d.json_light:
        return {
            "schema": "json",
            "cmd_t": "~/set",
            "stat_t": "~/state",
            "brightness": True,
            "sup_clrm": ["rgb"],
            "color_mode": True,
        }
    if e.domain == "light":
        return {
            "command_topic": "~/set",
            "state_topic": "~/state",
            "brightness_command_topic": "~/brightness/set",
            "brightness_state_topic": "~/brightness",
            "rgb_command_topic": "~/rgb/set",
            "rgb_state_topic": "~/rgb",
        }
    if e.domain == "switch":
        return {"cmd_t": "~/set", "stat_t": "~/state"}
    if e.domain == "fan":
        return {
            "cmd_t": "~/set",
            "stat_t": "~/state",
            "pct_cmd_t": "~/percentage/set",
            "pct_stat_t": "~/percentage",
        }
    if e.domain == "cover":
        return {
            "cmd_t": "~/set",
            "stat_t": "~/state",
            "set_pos_t": "~/position/set",
            "pos_t": "~/position",
        }
    if e.domain == "lock":
        return {"cmd_t": "~/set", "stat_t": "~/state"}
    if e.domain == "climate":
        return {
            "mode_cmd_t": "~/mode/set",
            "mode_stat_t": "~/mode",
            "modes": ["off", "heat", "cool", "auto"],
            "temp_cmd_t": "~/temperature/set",
            "temp_stat_t": "~/temperature",
            "curr_temp_t": "~/current_temperature",
        }
    if e.domain == "sensor":
        unit = e.attributes.get("unit_of_measurement")
        return {"stat_t": "~/state", **({"unit_of_meas": unit} if unit else {})}
    if e.domain == "binary_sensor":
        return {"stat_t": "~/state"}
    if e.domain == "scene":
        return {"cmd_t": "~/set"}
    return {}


def _command_topics(d: SimulatedDevice) -> list[str]:
    suffixes = {
        "light": ["/set"] if d.json_light else ["/set", "/brightness/set", "/rgb/set"],
        "switch": ["/set"],
        "fan": ["/set", "/percentage/set"],
        "cover": ["/set", "/position/set"],
        "lock": ["/set"],
        "climate": ["/mode/set", "/temperature/set"],
        "scene": ["/set"],
    }.get(d.component, [])
    return [d.base + s for s in suffixes]


def _state_messages(d: SimulatedDevice) -> list[tuple[str, str]]:
    s, b = d.state, d.base
    if d.component == "light" and d.json_light:
        body = {"state": s["state"], "color_mode": "rgb", "brightness": s["brightness"]}
        body["color"] = dict(zip("rgb", s["rgb"], strict=True))
        return [(f"{b}/state", json.dumps(body))]
    if d.component == "light":
        return [
            (f"{b}/state", s["state"]),
            (f"{b}/brightness", str(s["brightness"])),
            (f"{b}/rgb", ",".join(map(str, s["rgb"]))),
        ]
    if d.component == "fan":
        return [(f"{b}/state", s["state"]), (f"{b}/percentage", str(s["percentage"]))]
    if d.component == "cover":
        return [(f"{b}/state", s["state"]), (f"{b}/position", str(s["position"]))]
    if d.component == "climate":
        return [
            (f"{b}/mode", str(s["mode"])),
            (f"{b}/temperature", str(s["temperature"])),
            (f"{b}/current_temperature", str(s["current"])),
        ]
    if d.component in ("switch", "lock", "binary_sensor", "sensor"):
        return [(f"{b}/state", str(s["state"]))]
    return []


def _command(d: SimulatedDevice, suffix: str, payload: str) -> bool:
    """Apply a command to a device's state; False when the device ignores it."""
    s = d.state
    if d.component == "light" and d.json_light and suffix == "/set":
        try:
            body = json.loads(payload)
        except ValueError:
            return False
        if not isinstance(body, dict):
            return False
        s["state"] = body.get("state", s["state"])
        if "brightness" in body:
            s["brightness"] = int(body["brightness"])
        color = body.get("color")
        if isinstance(color, dict) and all(k in color for k in "rgb"):
            s["rgb"] = (int(color["r"]), int(color["g"]), int(color["b"]))
        if s["state"] == "ON" and s["brightness"] == 0:
            s["brightness"] = 255
        return True
    if d.component in ("light", "switch", "fan") and suffix == "/set" and payload in ("ON", "OFF"):
        s["state"] = payload
        if d.component == "light" and payload == "ON" and s["brightness"] == 0:
            s["brightness"] = 255
        return True
    if suffix == "/brightness/set":
        s["brightness"], s["state"] = int(float(payload)), "ON" if float(payload) > 0 else "OFF"
        return True
    if suffix == "/rgb/set":
        s["rgb"], s["state"] = tuple(int(p) for p in payload.split(",")), "ON"
        return True
    if suffix == "/percentage/set":
        s["percentage"], s["state"] = int(payload), "ON" if int(payload) > 0 else "OFF"
        return True
    if d.component == "cover" and suffix == "/set":
        if payload in ("OPEN", "CLOSE"):
            s["state"] = "open" if payload == "OPEN" else "closed"
            s["position"] = 100 if payload == "OPEN" else 0
        return payload in ("OPEN", "CLOSE", "STOP")
    if suffix == "/position/set":
        s["position"] = int(payload)
        s["state"] = "open" if s["position"] > 0 else "closed"
        return True
    if d.component == "lock" and payload in ("LOCK", "UNLOCK"):
        s["state"] = "LOCKED" if payload == "LOCK" else "UNLOCKED"
        return True
    if suffix == "/mode/set":
        s["mode"] = payload
        return True
    if suffix == "/temperature/set":
        s["temperature"] = to_number(payload)
        return True
    return d.component == "scene"
