"""HomeAssistantToolkit: the smart-home tools on a running Home Assistant
(``edgeagent run --world homeassistant --ha-url http://HOST:8123``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from edgeagent_tools.smart_home.actuated import ActuatedHomeToolkit

from .world import HomeAssistantWorld


class HomeAssistantToolkit(ActuatedHomeToolkit):
    """Home Assistant's intents as tools, executed by Home Assistant itself.

    ``ha_url`` defaults to ``$EDGEAGENT_HA_URL``, ``token`` to ``$EDGEAGENT_HA_TOKEN``.
    """

    name: ClassVar[str] = "homeassistant"
    world: HomeAssistantWorld

    def __init__(
        self,
        world: HomeAssistantWorld | None = None,
        *,
        ha_url: str | None = None,
        token: str | None = None,
        timeout: float = 5.0,
        intents: Collection[str] | None = None,
    ) -> None:
        world = world or HomeAssistantWorld(ha_url, token=token, timeout=timeout)
        super().__init__(world, intents=intents)
