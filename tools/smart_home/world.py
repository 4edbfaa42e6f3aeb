"""HomeWorld: a simulated Home Assistant home, with target matching the way HA does it."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import JsonValue

from edgeagent.errors import ConfigError, TargetError, ToolError, close_matches
from edgeagent.yamlio import load_yaml

from .loader import default_home_data, load_home
from .models import (
    ON_OFF_DOMAINS,
    STATIC_ATTRIBUTES,
    Area,
    Entity,
    Floor,
    Timer,
    TodoList,
    duration_text,
    norm,
)

# The ways people name covers by kind; accepted even where the home has none of a kind.
COVER_DEVICE_CLASSES = (
    "awning", "blind", "curtain", "damper", "door", "garage", "gate", "shade", "shutter", "window",
)  # fmt: skip
BASE_STATES = (
    "on", "off", "open", "closed", "opening", "closing", "locked", "unlocked", "jammed",
    "home", "not_home", "playing", "paused", "idle", "cleaning", "docked", "returning",
)  # fmt: skip


class HomeWorld:
    """A simulated Home Assistant home: floors, areas, entities, timers, lists and media.

    ``HomeWorld()`` loads the bundled test home; ``HomeWorld.from_yaml(path)`` another one in
    the same format. ``clock`` supplies "now" for date, time and scene activations.
    """

    name = "smart_home"

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        home = load_home(default_home_data() if data is None else data)
        self.floors: dict[str, Floor] = home.floors
        self.areas: dict[str, Area] = home.areas
        self.entities: dict[str, Entity] = home.entities
        self.timers: list[Timer] = home.timers
        self.lists: dict[str, TodoList] = home.lists
        self.media = home.media
        self.clock: Callable[[], datetime] = clock or datetime.now
        self.speaker_area: str | None = None  # area id of the device that heard the request
        self.broadcasts: list[str] = []
        self.finished_timers: list[Timer] = []
        self._states = sorted(
            set(BASE_STATES) | {e.state for e in self.entities.values() if e.domain == "person"}
        )
        for todo in self.lists.values():
            self.sync_list(todo)

    @classmethod
    def from_yaml(
        cls, path: str | Path, *, clock: Callable[[], datetime] | None = None
    ) -> HomeWorld:
        try:
            data = load_yaml(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read smart-home file {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping with floors, areas and entities")
        return cls(data, clock=clock)

    def copy(self) -> HomeWorld:
        """An independent copy (sharing the clock), e.g. a fresh home per test case."""
        return copy.deepcopy(self)

    # -- the World protocol ----------------------------------------------------------------
    def vocabulary(self) -> dict[str, list[str]]:
        entities = self.entities.values()
        return {
            "name": _unique(n for e in entities for n in e.names()),
            "switchable": _unique(
                n for e in entities if e.domain in ON_OFF_DOMAINS for n in e.names()
            ),
            "light": _unique(n for e in entities if e.domain == "light" for n in e.names()),
            "area": _unique(n for a in self.areas.values() for n in a.names()),
            "floor": _unique(n for f in self.floors.values() for n in f.names()),
            "domain": sorted({e.domain for e in entities}),
            "device_class": sorted(
                {e.device_class for e in entities if e.device_class} | set(COVER_DEVICE_CLASSES)
            ),
            "state": list(self._states),
            "media": _unique(m.title for m in self.media),
            "timer": _unique(t.name for t in self.timers if t.name),
            "list": _unique(n for todo in self.lists.values() for n in todo.names()),
            "item": _unique(i for todo in self.lists.values() for i in todo.open_items()),
        }

    def describe(self) -> str:
        floors = "; ".join(
            f"{f.name} ({', '.join(a.name for a in self.areas.values() if a.floor_id == f.id)})"
            for f in self.floors.values()
        )
        lines = [f"Smart home. Floors (areas): {floors}."]
        lines.append("Entities by area, as domain: name [device_class]:")
        for area_id, label in [*((a.id, a.name) for a in self.areas.values()), (None, "No area")]:
            in_area = [e for e in self.entities.values() if e.area_id == area_id]
            if not in_area:
                continue
            groups: dict[str, dict[str, list[str]]] = {}
            for e in in_area:  # entities sharing a name: one entry, all device classes
                classes = groups.setdefault(e.domain, {}).setdefault(e.name, [])
                classes += [e.device_class] if e.device_class else []
            body = "; ".join(
                f"{d}: " + ", ".join(n + (f" [{', '.join(c)}]" if c else "") for n, c in ns.items())
                for d, ns in groups.items()
            )
            lines.append(f"- {label}: {body}")
        lines.append("Media: " + ", ".join(m.title for m in self.media) + ".")
        return "\n".join(lines)

    def perceive(self) -> dict[str, JsonValue]:
        return {}

    def snapshot(self) -> dict[str, JsonValue]:
        snap: dict[str, JsonValue] = {}
        for e in self.entities.values():
            snap[f"{e.id}.state"] = e.state
            for key, value in e.attributes.items():
                if key not in STATIC_ATTRIBUTES:
                    snap[f"{e.id}.{key}"] = value
        for t in self.timers:
            snap[f"{t.id}.seconds_left"] = t.seconds_left
            snap[f"{t.id}.active"] = t.active
        for todo in self.lists.values():
            open_items: list[JsonValue] = [*todo.open_items()]
            done_items: list[JsonValue] = [*todo.done_items()]
            snap[f"{todo.id}.items"] = open_items
            snap[f"{todo.id}.completed"] = done_items
        if self.broadcasts:
            snap["broadcast.last"] = self.broadcasts[-1]
        return snap

    def observe_context(self, context: Mapping[str, Any]) -> None:
        """Remember the speaker's area (the voice satellite's), used to break ties."""
        area = context.get("area") if context else None
        self.speaker_area = None
        if isinstance(area, str):
            found = self._lookup(area, self.areas.values())
            self.speaker_area = found.id if found else None

    # -- places and lists ------------------------------------------------------------------
    def find_area(self, name: str) -> Area:
        found = self._lookup(name, self.areas.values())
        if found is None:
            known = [n for a in self.areas.values() for n in a.names()]
            raise TargetError(f"no area called {name!r}", candidates=close_matches(name, known))
        return found

    def find_floor(self, name: str) -> Floor:
        found = self._lookup(name, self.floors.values())
        if found is None:
            known = [n for f in self.floors.values() for n in f.names()]
            raise TargetError(f"no floor called {name!r}", candidates=close_matches(name, known))
        return found

    def find_list(self, name: str) -> TodoList:
        found = self._lookup(name, self.lists.values())
        if found is None:
            known = [n for t in self.lists.values() for n in t.names()]
            raise TargetError(f"no list called {name!r}", candidates=close_matches(name, known))
        return found

    def sync_list(self, todo: TodoList) -> None:
        """Keep the list's entity state (its number of open items) in step with the items."""
        if todo.id in self.entities:
            self.entities[todo.id].state = str(len(todo.open_items()))

    def area_name(self, area_id: str | None) -> str | None:
        area = self.areas.get(area_id or "")
        return area.name if area else None

    def floor_id_of(self, entity: Entity) -> str | None:
        area = self.areas.get(entity.area_id or "")
        return area.floor_id if area else None

    def label(self, entity: Entity) -> str:
        """A name that tells entities apart: ``Phone (battery)``, ``Thermostat (Living Room)``."""
        detail = self.area_name(entity.area_id) or entity.device_class or entity.domain
        return f"{entity.name} ({detail})"

    @staticmethod
    def _lookup(name: str, items: Iterable[Any]) -> Any:
        key = norm(name)
        return next((i for i in items if key in {norm(n) for n in i.names()}), None)

    # -- entity targets --------------------------------------------------------------------
    def resolve(
        self,
        *,
        name: str | None = None,
        area: str | None = None,
        floor: str | None = None,
        domain: str | None = None,
        device_class: str | None = None,
        supported: Collection[str] | None = None,
        implicit: Collection[str] | None = None,
        single: bool = False,
        prefer_near: bool = False,
        action: str = "control",
    ) -> list[Entity]:
        """The entities a request targets, filtered like Home Assistant's intent matching.

        ``name`` matches names and aliases case-insensitively (``"all"``: every entity the
        other filters keep). ``supported`` are the domains the intent acts on; ``implicit`` the
        ones a request without name, domain or device class includes ("turn off the kitchen").
        ``single``: exactly one entity must remain (ties broken by the speaker's area);
        ``prefer_near``: keep only the speaker's area's matches if there are any.
        Raises :class:`TargetError` (unknown, missing or ambiguous) or :class:`ToolError`.
        """
        where_area = self.find_area(area) if area else None
        where_floor = self.find_floor(floor) if floor else None
        named = name is not None and norm(name) != "all"
        pool = list(self.entities.values())
        if named:
            key = norm(name or "")
            pool = [e for e in pool if key in {norm(n) for n in e.names()}]
            if not pool:
                known = [n for e in self.entities.values() for n in e.names()]
                raise TargetError(
                    f"no device or entity is called {name!r}",
                    candidates=close_matches(name or "", known),
                )
        kinds = sorted(set(supported) & set(implicit or supported)) if supported is not None else []
        kind = _kind_text(domain, device_class, kinds)
        what = f"{kind if domain or device_class else 'entity'} called {name!r}" if named else kind
        place = _place_text(where_area, where_floor)
        area_id = where_area.id if where_area else None
        floor_id = where_floor.id if where_floor else None
        filters: list[tuple[object, Callable[[Entity], bool]]] = [
            (domain, lambda e: norm(e.domain) == norm(domain or "")),
            (device_class, lambda e: norm(e.device_class or "") == norm(device_class or "")),
            (area_id, lambda e: e.area_id == area_id),
            (floor_id, lambda e: self.floor_id_of(e) == floor_id),
        ]
        for value, keep in filters:
            if value is None:
                continue
            kept = [e for e in pool if keep(e)]
            if not kept:
                raise TargetError(f"no {what}{place}", candidates=self._labels(pool))
            pool = kept
        if supported is not None:
            explicit = named or bool(domain or device_class)
            pool = self._supported(pool, supported, implicit, explicit, action, what + place)
        if (single or prefer_near) and len(pool) > 1 and self.speaker_area:
            pool = [e for e in pool if e.area_id == self.speaker_area] or pool
        if single and len(pool) > 1:
            raise TargetError(
                f"which one? {len(pool)} entities match: {what}{place}",
                candidates=self._labels(pool),
            )
        return pool

    def _supported(
        self,
        pool: list[Entity],
        supported: Collection[str],
        implicit: Collection[str] | None,
        explicit: bool,
        action: str,
        what: str,
    ) -> list[Entity]:
        ok = [e for e in pool if e.domain in supported]
        if not explicit and implicit is not None:
            ok = [e for e in ok if e.domain in implicit]
        if ok:
            return ok
        if explicit:
            names = ", ".join(self.label(e) for e in pool[:5])
            raise ToolError(f"cannot {action} {names}: not supported for this kind of entity")
        kinds = set(supported) & set(implicit or supported)
        elsewhere = [e for e in self.entities.values() if e.domain in kinds]
        raise TargetError(f"no {what}", candidates=self._labels(elsewhere))

    def _labels(self, entities: Sequence[Entity], limit: int = 6) -> list[str]:
        return _unique(self.label(e) for e in entities)[:limit]

    # -- timers ----------------------------------------------------------------------------
    def timer_label(self, timer: Timer) -> str:
        base = (
            f"{timer.name} timer" if timer.name else f"timer for {duration_text(timer.start_total)}"
        )
        area = self.area_name(timer.area_id)
        return f"{base} in {area}" if area else base

    def find_timers(
        self,
        *,
        name: str | None = None,
        area: str | None = None,
        start_hours: int | None = None,
        start_minutes: int | None = None,
        start_seconds: int | None = None,
    ) -> list[Timer]:
        """Timers matching every given filter (all timers when none is given)."""
        pool = list(self.timers)
        if name:
            pool = [t for t in pool if t.name and norm(t.name) == norm(name)]
        if area:
            area_id = self.find_area(area).id
            pool = [t for t in pool if t.area_id == area_id]
        if any(v is not None for v in (start_hours, start_minutes, start_seconds)):
            total = (start_hours or 0) * 3600 + (start_minutes or 0) * 60 + (start_seconds or 0)
            pool = [t for t in pool if t.start_total == total]
        return pool

    def find_timer(self, *, prefer: Callable[[Timer], bool] | None = None, **filters: Any) -> Timer:
        """The one timer the filters designate; ``prefer`` narrows ties (e.g. running ones)."""
        pool = self.find_timers(**filters)
        every = [self.timer_label(t) for t in self.timers]
        if not pool:
            what = "no timer matches" if any(filters.values()) else "no timers are set"
            raise TargetError(what, candidates=every)
        if len(pool) > 1 and prefer is not None:
            pool = [t for t in pool if prefer(t)] or pool
        if len(pool) > 1 and self.speaker_area is not None:
            pool = [t for t in pool if t.area_id == self.speaker_area] or pool
        if len(pool) > 1:
            raise TargetError(
                f"{len(pool)} timers match; say which one",
                candidates=[self.timer_label(t) for t in pool],
            )
        return pool[0]

    def advance(self, seconds: int) -> list[Timer]:
        """Let time pass for running timers; returns (and drops) the ones that finished."""
        done: list[Timer] = []
        for t in self.timers:
            if t.active:
                t.seconds_left = max(0, t.seconds_left - int(seconds))
                if t.seconds_left == 0:
                    done.append(t)
        self.timers = [t for t in self.timers if t not in done]
        self.finished_timers += done
        return done


def _unique(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return out


def _kind_text(domain: str | None, device_class: str | None, kinds: Sequence[str] = ()) -> str:
    """``window cover``, ``light or switch``: what a request without a name asks for."""
    words = [w.replace("_", " ") for w in (device_class, domain) if w]
    if words:
        return " ".join(words)
    return " or ".join(k.replace("_", " ") for k in kinds) if kinds else "matching entity"


def _place_text(area: Area | None, floor: Floor | None) -> str:
    return (f" in {area.name}" if area else "") + (f" on {floor.name}" if floor else "")
