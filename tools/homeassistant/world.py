"""HomeAssistantWorld: a running Home Assistant's home, acted on through its own intents.

The model is read over the WebSocket API: floors, areas, devices and entities from the
registries, states (kept current by ``state_changed`` events), and the exposure settings:
only entities exposed to Assist (``conversation``) are in the vocabulary. A tool call is
resolved on that model (so an unexposed entity is never a target), then each target is handed
to Home Assistant's intent handler (``POST /api/intent/handle``) with the same intent, pinned
to the entity by its name and domain; the call succeeds when Home Assistant reports success
and its state shows the change.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from edgeagent.errors import ConfigError, MissingDependencyError, ToolError
from edgeagent_tools.smart_home.actuated import ActuatedHome, EntityWrite
from edgeagent_tools.smart_home.models import Area, Entity, Floor
from edgeagent_tools.smart_home.spoken import spoken_state

from .connection import HAConnection

log = logging.getLogger(__name__)

URL_ENV = "EDGEAGENT_HA_URL"
TOKEN_ENV = "EDGEAGENT_HA_TOKEN"
DEFAULT_URL = "http://127.0.0.1:8123"
ASSISTANT = "conversation"  # Assist: what voice assistants may see

# Home Assistant's defaults for entities with no exposure setting (exposed_entities.py).
DEFAULT_EXPOSED_DOMAINS = frozenset(
    {"climate", "cover", "fan", "humidifier", "light", "lock", "scene", "script", "switch",
     "todo", "vacuum", "water_heater"}
)  # fmt: skip
DEFAULT_EXPOSED_CLASSES = {
    "binary_sensor": frozenset(
        {"door", "garage_door", "lock", "motion", "opening", "presence", "window"}
    ),
    "sensor": frozenset(
        {
            "aqi",
            "carbon_monoxide",
            "carbon_dioxide",
            "humidity",
            "pm10",
            "pm25",
            "temperature",
            "volatile_organic_compounds",
        }
    ),
}
_SKIPPED_DOMAINS = frozenset({"todo"})  # lists stay the agent's own, as in the simulated home
_TARGET_SLOTS = frozenset({"name", "area", "floor", "domain", "device_class"})
_REGISTRY_EVENTS = (
    "area_registry_updated",
    "floor_registry_updated",
    "device_registry_updated",
    "entity_registry_updated",
)


class HomeAssistantWorld(ActuatedHome):
    """The home a Home Assistant instance knows, as the smart-home tools see it.

    ``url`` defaults to ``$EDGEAGENT_HA_URL`` (else ``http://127.0.0.1:8123``) and ``token``
    to ``$EDGEAGENT_HA_TOKEN`` (a long-lived access token from your HA profile page).
    """

    name = "smart_home"

    def __init__(
        self,
        url: str | None = None,
        *,
        token: str | None = None,
        timeout: float = 5.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(clock=clock)
        from edgeagent.settings import settings

        env = settings()
        self.url = (url or env.ha_url or DEFAULT_URL).rstrip("/")
        self._token = token or (env.ha_token.get_secret_value() if env.ha_token else "")
        if not self._token:
            raise ConfigError(
                f"no Home Assistant token: set {TOKEN_ENV} to a long-lived access token"
            )
        self.timeout = timeout
        self._changed = threading.Condition(self.lock)
        self._stale = False
        self._conn = HAConnection(
            self.url,
            self._token,
            on_event=self._on_event,
            on_reconnect=self._mark_stale,
            timeout=max(timeout, 5.0),
        )
        self.load()
        self._conn.subscribe("state_changed")
        for event in _REGISTRY_EVENTS:
            self._conn.subscribe(event)

    @property
    def version(self) -> str:
        """Home Assistant's version (from the WebSocket handshake)."""
        return self._conn.version

    def close(self) -> None:
        self._conn.close()

    # -- reading the home ------------------------------------------------------------------
    def load(self) -> None:
        """(Re)read registries, exposure settings and states."""
        call = self._conn.call
        floors = _optional(call, "config/floor_registry/list")  # floors came in 2024.3
        areas = call("config/area_registry/list")
        devices = call("config/device_registry/list")
        entries = {e["entity_id"]: e for e in call("config/entity_registry/list")}
        exposure = call("homeassistant/expose_entity/list").get("exposed_entities", {})
        expose_new = _optional(call, "homeassistant/expose_new_entities/get", assistant=ASSISTANT)
        states = call("get_states")
        device_area = {d["id"]: d.get("area_id") for d in devices}
        new_default = bool((expose_new or {}).get("expose_new", True))
        with self._changed:
            self.floors = {
                f["floor_id"]: Floor(
                    id=f["floor_id"], name=f["name"], aliases=f.get("aliases") or []
                )
                for f in floors or []
            }
            self.areas = {
                a["area_id"]: Area(
                    id=a["area_id"],
                    name=a["name"],
                    floor_id=a.get("floor_id"),
                    aliases=a.get("aliases") or [],
                )
                for a in areas
            }
            kept: dict[str, Entity] = {k: e for k, e in self.entities.items() if not self.owns(k)}
            for s in states:
                entity_id = s["entity_id"]
                entry = entries.get(entity_id)
                if not _exposed(entity_id, s, entry, exposure.get(entity_id), new_default):
                    continue
                area = (entry or {}).get("area_id") or device_area.get(
                    (entry or {}).get("device_id")
                )
                kept[entity_id] = _entity(s, area)
            self.entities.clear()
            self.entities.update(kept)
            self._stale = False
            self._changed.notify_all()

    def _mark_stale(self) -> None:
        self._stale = True

    def _fresh(self) -> None:
        if self._stale:
            self.load()

    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event_type")
        if kind in _REGISTRY_EVENTS:
            self._stale = True  # reread before the next decision (not on the reader thread)
            return
        if kind != "state_changed":
            return
        data = event.get("data") or {}
        new = data.get("new_state")
        with self._changed:
            old = self.entities.get(str(data.get("entity_id")))
            if old is not None and new is not None:
                self.entities[old.id] = _entity(new, old.area_id, aliases=old.aliases)
            elif old is not None:
                self.entities.pop(old.id, None)
            self._changed.notify_all()

    def vocabulary(self) -> dict[str, list[str]]:
        self._fresh()
        return super().vocabulary()

    # -- acting ----------------------------------------------------------------------------
    def actuate(self, tool: str, args: Mapping[str, Any], writes: list[EntityWrite]) -> None:
        """Hand each target to Home Assistant's intent handler, then wait for its state."""
        try:
            import httpx
        except ImportError as exc:
            raise MissingDependencyError("httpx", "homeassistant") from exc
        extra = {k: v for k, v in args.items() if k not in _TARGET_SLOTS and v is not None}
        deadline = time.monotonic() + self.timeout
        for w in writes:
            slots = {"name": w.before.name, "domain": w.entity.domain, **extra}
            try:
                answer = httpx.post(
                    f"{self.url}/api/intent/handle",
                    json={"name": tool, "data": slots},
                    headers={"Authorization": f"Bearer {self._token}"},
                    timeout=self.timeout,
                )
            except httpx.HTTPError as exc:
                raise ToolError(f"Home Assistant at {self.url} is unreachable: {exc}") from exc
            if answer.status_code != 200:
                raise ToolError(
                    f"Home Assistant could not handle {tool} for {w.entity.name} "
                    f"(HTTP {answer.status_code}: {answer.text[:200]})"
                )
            _check(answer.json(), tool, w)
        with self._changed:
            if self._changed.wait_for(lambda: not self._pending(writes), _left(deadline)):
                return
            pending = self._pending(writes)
        raise ToolError(
            f"Home Assistant ran {tool}, but its state does not show it: " + "; ".join(pending)
        )

    def _pending(self, writes: list[EntityWrite]) -> list[str]:
        out = []
        for w in writes:
            if not w.state or w.entity.domain not in {"light", "switch", "fan", "lock", "cover"}:
                continue
            have = self.entities.get(w.id)
            if have is None or have.state != w.entity.state:
                now = have.state if have else "gone"
                out.append(f"{w.entity.name} is {now}, expected {w.entity.state}")
        return out


def _optional(call: Callable[..., Any], kind: str, **payload: Any) -> Any:
    """A command that older Home Assistant versions may not know."""
    try:
        return call(kind, **payload)
    except ToolError:
        return None


def _check(answer: Mapping[str, Any], tool: str, w: EntityWrite) -> None:
    if answer.get("response_type") == "error" or not isinstance(answer.get("data"), dict):
        speech = ((answer.get("speech") or {}).get("plain") or {}).get("speech")
        raise ToolError(f"Home Assistant could not {tool} {w.entity.name}: {speech or answer}")
    failed = [t.get("name") for t in answer["data"].get("failed") or []]
    if failed:
        raise ToolError(f"Home Assistant failed {tool} for {', '.join(map(str, failed))}")


def _exposed(
    entity_id: str,
    state: Mapping[str, Any],
    entry: Mapping[str, Any] | None,
    setting: Mapping[str, Any] | None,
    expose_new: bool,
) -> bool:
    """Whether Assist may see an entity, decided the way Home Assistant decides it."""
    domain = entity_id.split(".", 1)[0]
    if domain in _SKIPPED_DOMAINS:
        return False
    if entry and entry.get("disabled_by"):
        return False
    if setting and ASSISTANT in setting:
        return bool(setting[ASSISTANT])
    if not expose_new or (entry and (entry.get("entity_category") or entry.get("hidden_by"))):
        return False
    if domain in DEFAULT_EXPOSED_DOMAINS:
        return True
    device_class = (state.get("attributes") or {}).get("device_class")
    return device_class in DEFAULT_EXPOSED_CLASSES.get(domain, frozenset())


def _entity(
    state: Mapping[str, Any], area_id: str | None, aliases: list[str] | None = None
) -> Entity:
    """A Home Assistant state as the smart-home model's entity (brightness in percent,
    cover positions as ``position``, RGB as a colour name)."""
    from edgeagent_tools.smart_home.colors import nearest_name

    entity_id = str(state["entity_id"])
    raw = dict(state.get("attributes") or {})
    name = str(raw.pop("friendly_name", None) or entity_id)
    attributes: dict[str, Any] = {}
    for key in (
        "device_class",
        "unit_of_measurement",
        "current_temperature",
        "temperature",
        "percentage",
    ):
        if raw.get(key) is not None:
            attributes[key] = raw[key]
    if isinstance(raw.get("brightness"), int | float):
        attributes["brightness"] = round(raw["brightness"] * 100 / 255)
    if raw.get("current_position") is not None:
        attributes["position"] = raw["current_position"]
    rgb = raw.get("rgb_color")
    if isinstance(rgb, list | tuple) and len(rgb) == 3:
        attributes["color"] = nearest_name((int(rgb[0]), int(rgb[1]), int(rgb[2])))
    value = str(state.get("state", ""))
    return Entity(
        id=entity_id,
        name=name,
        aliases=aliases or [],
        area_id=area_id,
        state=value,
        spoken_state=spoken_state(
            entity_id.split(".", 1)[0], attributes.get("device_class"), value
        ),
        attributes=attributes,
    )


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())
