"""MqttToolkit: the smart-home tools acting on an MQTT home (``edgeagent run --world mqtt``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from edgeagent_tools.smart_home.actuated import ActuatedHomeToolkit

from .world import MqttWorld


class MqttToolkit(ActuatedHomeToolkit):
    """Home Assistant's intents as tools, on devices found through MQTT discovery.

    ``MqttToolkit(mqtt_url="mqtt://HOST:PORT")`` connects (default: ``$EDGEAGENT_MQTT_URL`` or
    ``mqtt://127.0.0.1:1883``); ``timeout`` bounds how long a command waits for its device.
    """

    name: ClassVar[str] = "mqtt"
    world: MqttWorld

    def __init__(
        self,
        world: MqttWorld | None = None,
        *,
        mqtt_url: str | None = None,
        timeout: float = 5.0,
        intents: Collection[str] | None = None,
    ) -> None:
        super().__init__(world or MqttWorld(mqtt_url, timeout=timeout), intents=intents)
