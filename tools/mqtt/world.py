"""MqttWorld: a home discovered on an MQTT broker, whose devices the smart-home tools drive.

The model (areas, entities, states) is filled from Home Assistant MQTT discovery and kept
current by the devices' state topics. A tool's writes are published to the entities' command
topics (QoS 1) and succeed only when the state topics confirm them.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from edgeagent.errors import ConfigError, ToolError
from edgeagent_tools.smart_home.actuated import ActuatedHome, EntityWrite
from edgeagent_tools.smart_home.models import Area, Entity, norm, slug
from edgeagent_tools.smart_home.spoken import spoken_state

from . import codec
from .client import discard_unacknowledged, new_client, no_delay
from .discovery import (
    COMPONENTS,
    DISCOVERY_PREFIX,
    DeviceConfig,
    DiscoveryTopic,
    friendly_name,
    parse_config,
    parse_topic,
)
from .settings import BrokerSettings

log = logging.getLogger(__name__)


class MqttWorld(ActuatedHome):
    """A smart home on an MQTT broker, discovered the way Home Assistant discovers it.

    ``MqttWorld("mqtt://127.0.0.1:1883")`` connects, reads the retained discovery configs and
    states, and stays current (reconnecting with backoff when the broker goes away).
    ``timeout``: seconds a command may take to be acknowledged and confirmed. ``problems``
    holds what is wrong with configs (by discovery topic); ``reports`` the latest changes.
    """

    name = "smart_home"  # the same world as the simulated home, so brains trained on it apply

    def __init__(
        self,
        url: str | None = None,
        *,
        discovery_prefix: str = DISCOVERY_PREFIX,
        timeout: float = 5.0,
        connect_timeout: float = 10.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(clock=clock)
        self.settings = BrokerSettings.from_url(url)
        self.prefix = discovery_prefix
        self.timeout = timeout
        self.problems: dict[str, str] = {}
        self.reports: deque[str] = deque(maxlen=200)
        self.configs: dict[str, DeviceConfig] = {}  # entity id -> config
        self._entity_of: dict[str, str] = {}  # discovery topic -> entity id
        self._routes: dict[str, list[tuple[str, str]]] = {}  # topic -> [(entity id, role)]
        self._offline: set[str] = set()
        self._changed = threading.Condition(self.lock)
        self._connected = threading.Event()
        self._sync_topic = f"edgeagent/sync/{uuid.uuid4().hex[:12]}"
        self._synced: set[str] = set()
        self._client = new_client(self.settings, "edgeagent")
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        try:
            self._client.connect_async(self.settings.host, self.settings.port, keepalive=15)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot use the MQTT broker {self.settings.url}: {exc}") from exc
        self._client.loop_start()
        if not self._connected.wait(connect_timeout):
            self.close()
            raise ConfigError(
                f"cannot reach the MQTT broker at {self.settings.url} (waited {connect_timeout:g} s)"
            )
        # Two round trips through the broker: the first returns after every retained config,
        # the second after the retained states of the topics those configs named.
        self.sync(connect_timeout)
        self.sync(connect_timeout)

    # -- connection ------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._connected.is_set() and bool(self._client.is_connected())

    def sync(self, timeout: float = 5.0) -> bool:
        """Wait until everything the broker sent before now has been handled."""
        token = uuid.uuid4().hex
        with self._changed:
            self._client.publish(self._sync_topic, token, qos=1)
            return self._changed.wait_for(lambda: token in self._synced, timeout)

    def close(self) -> None:
        """Disconnect from the broker."""
        self._client.loop_stop()
        self._client.disconnect()
        self._connected.clear()

    def _on_connect(
        self, client: Any, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        if getattr(reason, "is_failure", False):
            self.reports.append(f"the broker refused the connection: {reason}")
            return
        no_delay(client)
        topics = [f"{self.prefix}/+/+/config", f"{self.prefix}/+/+/+/config", self._sync_topic]
        with self.lock:
            topics += list(self._routes)
        client.subscribe([(t, 1) for t in topics])
        client.publish(f"{self.prefix}/status", "online", qos=1)  # Home Assistant's birth message
        self._connected.set()
        self.reports.append(f"connected to {self.settings.url}")

    def _on_disconnect(
        self, _client: Any, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self._connected.clear()
        self.reports.append(f"disconnected from {self.settings.url} ({reason}); reconnecting")
        with self._changed:
            self._changed.notify_all()

    def _on_message(self, _client: Any, _userdata: Any, msg: Any) -> None:
        try:
            self._handle(msg.topic, bytes(msg.payload))
        except Exception:  # a device must never take the agent down
            log.exception("could not handle an MQTT message on %s", msg.topic)
            self.problems[msg.topic] = "message could not be handled (see the log)"

    def _handle(self, topic: str, payload: bytes) -> None:
        with self._changed:
            if topic == self._sync_topic:
                self._synced.add(payload.decode())
            elif (where := parse_topic(topic, self.prefix)) is not None:
                self._on_config(where, payload)
            else:
                self._on_state(topic, payload.decode("utf-8", "replace"))
            self._changed.notify_all()

    # -- discovery -------------------------------------------------------------------------
    def _on_config(self, where: DiscoveryTopic, payload: bytes) -> None:
        if not payload.strip():
            self._remove(where.topic, "its discovery config was deleted")
            return
        if where.component not in COMPONENTS:
            self.problems[where.topic] = f"component {where.component!r} is not supported (ignored)"
            return
        try:
            config = parse_config(where, payload)
        except ConfigError as exc:
            self.problems[where.topic] = str(exc)
            kept = self._entity_of.get(where.topic)
            self.reports.append(
                f"bad config on {where.topic}" + (f" ({kept} keeps its old one)" if kept else "")
            )
            log.warning("%s", exc)
            return
        self.problems.pop(where.topic, None)
        entity_id = self._entity_of.get(where.topic) or self._new_id(where, config)
        old = self.entities.get(entity_id)
        self._drop_routes(entity_id)
        name = friendly_name(config)
        attributes = dict(old.attributes) if old else {}
        for key in ("device_class", "unit_of_measurement"):
            value = getattr(config, key)
            if value:
                attributes[key] = value
            else:
                attributes.pop(key, None)
        state = old.state if old else "unknown"
        self.entities[entity_id] = Entity(
            id=entity_id,
            name=name,
            area_id=self._area_id(config),
            state=state,
            spoken_state=spoken_state(config.component, config.device_class, state),
            attributes=attributes,
        )
        self.configs[entity_id] = config
        self._entity_of[where.topic] = entity_id
        self._refresh_areas()
        pairs = codec.subscriptions(config)
        for topic, role in pairs:
            self._routes.setdefault(topic, []).append((entity_id, role))
        if pairs:  # (re)subscribing also brings the topics' retained states
            self._client.subscribe([(t, 1) for t in dict.fromkeys(t for t, _ in pairs)])
        self.reports.append(f"{'updated' if old else 'discovered'} {entity_id} ({name})")

    def _new_id(self, where: DiscoveryTopic, config: DeviceConfig) -> str:
        base = f"{config.component}.{slug(config.object_id or friendly_name(config))}"
        candidate, n = base, 2
        while candidate in self.entities:
            candidate, n = f"{base}_{n}", n + 1
        return candidate

    def _area_id(self, config: DeviceConfig) -> str | None:
        area = config.device.suggested_area if config.device else None
        if not area or not area.strip():
            return None
        for a in self.areas.values():
            if norm(a.name) == norm(area):
                return a.id
        area_id = slug(area)
        self.areas[area_id] = Area(id=area_id, name=area.strip())
        return area_id

    def _refresh_areas(self) -> None:
        used = {e.area_id for e in self.entities.values()}
        for unused in [k for k in self.areas if k not in used]:
            del self.areas[unused]

    def _remove(self, topic: str, why: str) -> None:
        self.problems.pop(topic, None)
        entity_id = self._entity_of.pop(topic, None)
        if entity_id is None:
            return
        self._drop_routes(entity_id)
        self.entities.pop(entity_id, None)
        self.configs.pop(entity_id, None)
        self._offline.discard(entity_id)
        self._refresh_areas()
        self.reports.append(f"removed {entity_id}: {why}")

    def _drop_routes(self, entity_id: str) -> None:
        for topic in list(self._routes):
            kept = [r for r in self._routes[topic] if r[0] != entity_id]
            if kept:
                self._routes[topic] = kept
            else:
                del self._routes[topic]
                self._client.unsubscribe(topic)

    # -- states ----------------------------------------------------------------------------
    def _on_state(self, topic: str, payload: str) -> None:
        for entity_id, role in self._routes.get(topic, ()):
            entity, config = self.entities.get(entity_id), self.configs.get(entity_id)
            if entity is None or config is None:
                continue
            if role.startswith("availability:"):
                online = codec.availability(config, role, payload)
                if online is True:
                    self._offline.discard(entity_id)
                elif online is False:
                    self._offline.add(entity_id)
                continue
            for key, value in codec.read(config, role, payload).items():
                if key == "state":
                    entity.state = value
                    entity.spoken_state = spoken_state(entity.domain, entity.device_class, value)
                else:
                    entity.attributes[key] = value

    def available(self, entity_id: str) -> bool:
        return entity_id not in self._offline

    def snapshot(self) -> dict[str, Any]:
        snap = super().snapshot()
        with self.lock:
            for entity_id in self._offline:
                snap[f"{entity_id}.available"] = False
        return snap

    # -- commands --------------------------------------------------------------------------
    def is_local_attribute(self, entity: Entity, key: str) -> bool:
        return key not in codec.DEVICE_ATTRIBUTES

    def actuate(self, tool: str, args: Mapping[str, Any], writes: list[EntityWrite]) -> None:
        """Publish the commands for the writes (QoS 1) and wait until the devices confirm."""
        if not self.connected:
            raise ToolError(
                f"the MQTT broker at {self.settings.url} is unreachable: nothing was sent",
                tool=tool,
            )
        with self.lock:
            plans = [(w, self._plan(w)) for w in writes]
        deadline = time.monotonic() + self.timeout
        self._publish([c for _, p in plans for c in p.commands], deadline, tool)
        with self._changed:
            for w, p in plans:  # what no state topic reports is taken on the broker's word
                entity = self.entities.get(w.id)
                for key, value in p.optimistic.items():
                    if entity is not None:
                        if key == "state":
                            entity.state = value
                        else:
                            entity.attributes[key] = value
            if self._changed.wait_for(lambda: not self._pending(plans), _left(deadline)):
                return
            pending = self._pending(plans)
        lost = "" if self.connected else " (the connection to the broker was lost)"
        raise ToolError(
            f"no confirmation within {self.timeout:g} s{lost}: " + "; ".join(pending), tool=tool
        )

    def _plan(self, w: EntityWrite) -> codec.Plan:
        config = self.configs.get(w.id)
        if config is None:
            raise ToolError(f"{w.entity.name} is gone (its discovery config was removed)")
        if w.id in self._offline:
            raise ToolError(f"{w.entity.name} is unavailable (its device reports offline)")
        plan = codec.plan(config, w)
        if plan.problems:
            raise ToolError("; ".join(plan.problems))
        return plan

    def _publish(self, commands: list[codec.Command], deadline: float, tool: str) -> None:
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        props = Properties(PacketTypes.PUBLISH)  # a command nobody took in time must not run later
        props.MessageExpiryInterval = max(1, math.ceil(self.timeout))
        sent = []
        for c in commands:
            info = self._client.publish(
                c.topic, c.payload, qos=1, retain=c.retain, properties=props
            )
            sent.append((c, info))
            if info.rc != 0:
                break
        for c, info in sent:
            if info.rc == 0:
                info.wait_for_publish(_left(deadline))
            if info.rc != 0 or not info.is_published():
                for _, other in sent:
                    if not other.is_published():
                        discard_unacknowledged(self._client, other.mid)
                raise ToolError(
                    f"the MQTT broker at {self.settings.url} did not take the command for "
                    f"{c.topic} (not connected or no acknowledgement); it will not be resent",
                    tool=tool,
                )

    def _pending(self, plans: list[tuple[EntityWrite, codec.Plan]]) -> list[str]:
        out = []
        for w, p in plans:
            entity = self.entities.get(w.id)
            for key, value in p.expect.items():
                if entity is None or not codec.matches(entity, key, value):
                    have = (
                        None
                        if entity is None
                        else (entity.state if key == "state" else entity.attributes.get(key))
                    )
                    out.append(f"{w.entity.name} {key} is {have!r}, expected {value!r}")
        return out


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())
