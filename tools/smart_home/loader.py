"""Read a home in Home Assistant's intent-test fixture format into the world's models."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from edgeagent.errors import ConfigError
from edgeagent.yamlio import load_yaml

from .models import (
    NUMERIC_ATTRIBUTES,
    Area,
    Entity,
    Floor,
    MediaItem,
    Timer,
    TodoItem,
    TodoList,
    duration_text,
    expand_template,
    slug,
    to_number,
)

SHOPPING_LIST_ID = "todo.shopping_list"


@dataclass
class HomeData:
    floors: dict[str, Floor] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    timers: list[Timer] = field(default_factory=list)
    lists: dict[str, TodoList] = field(default_factory=dict)
    media: list[MediaItem] = field(default_factory=list)


@lru_cache(maxsize=1)
def _default_parsed() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("default_home.yaml").read_text(encoding="utf-8")
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise ConfigError("the bundled default_home.yaml is not a mapping")
    return data


def default_home_data() -> dict[str, Any]:
    """The bundled test home (a fresh copy each call; the YAML is parsed once per process)."""
    return copy.deepcopy(_default_parsed())


def load_home(data: Mapping[str, Any]) -> HomeData:
    """Build the models from fixture data; raises :class:`ConfigError` on malformed input."""
    try:
        return _load(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"invalid smart-home definition: {exc}") from exc


def _spellings(raw: Any, aliases: Any = ()) -> tuple[str, list[str]]:
    names = expand_template(str(raw))
    for alias in aliases or ():
        names += [a for a in expand_template(str(alias)) if a not in names]
    return names[0], names[1:]


def _load(data: Mapping[str, Any]) -> HomeData:
    home = HomeData()
    for f in data.get("floors") or ():
        name, aliases = _spellings(f["name"], f.get("aliases"))
        home.floors[f["id"]] = Floor(id=f["id"], name=name, aliases=aliases)
    for a in data.get("areas") or ():
        name, aliases = _spellings(a["name"], a.get("aliases"))
        home.areas[a["id"]] = Area(id=a["id"], name=name, floor_id=a.get("floor"), aliases=aliases)
    for e in data.get("entities") or ():
        entity = _entity(e)
        if entity.id in home.entities:
            raise ValueError(f"duplicate entity id {entity.id!r}")
        home.entities[entity.id] = entity
        if entity.domain == "todo":
            items = [TodoItem(summary=str(i)) for i in e.get("items") or ()]
            home.lists[entity.id] = TodoList(
                id=entity.id, name=entity.name, aliases=entity.aliases, items=items
            )
    if SHOPPING_LIST_ID not in home.entities:
        home.entities[SHOPPING_LIST_ID] = Entity(id=SHOPPING_LIST_ID, name="Shopping List")
        home.lists[SHOPPING_LIST_ID] = TodoList(id=SHOPPING_LIST_ID, name="Shopping List")
    for t in data.get("timers") or ():
        home.timers.append(_timer(t, home.timers))
    for m in data.get("media") or ():
        home.media.append(MediaItem(title=str(m["title"]), media_class=m.get("media_class")))
    return home


def _entity(e: Mapping[str, Any]) -> Entity:
    name, aliases = _spellings(e["name"], e.get("aliases"))
    raw_state = e.get("state")
    spoken: str | None = None
    if isinstance(raw_state, Mapping):  # binary sensors: {in: spoken form, out: raw state}
        spoken = str(raw_state.get("in")) if raw_state.get("in") is not None else None
        raw_state = raw_state.get("out")
    attributes = {
        k: (to_number(v) if k in NUMERIC_ATTRIBUTES else v)
        for k, v in (e.get("attributes") or {}).items()
    }
    return Entity(
        id=str(e["id"]),
        name=name,
        aliases=aliases,
        area_id=e.get("area"),
        state="" if raw_state is None else str(raw_state),
        spoken_state=spoken,
        attributes=attributes,
    )


def new_timer_id(name: str | None, seconds: int, existing: list[Timer]) -> str:
    """A readable, unique id: ``timer.pizza``, ``timer.5_minutes``, ``timer.pizza_2``."""
    base = "timer." + slug(name or duration_text(seconds))
    taken = {t.id for t in existing}
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def _timer(t: Mapping[str, Any], existing: list[Timer]) -> Timer:
    h, m, s = (int(t.get(k) or 0) for k in ("start_hours", "start_minutes", "start_seconds"))
    start = h * 3600 + m * 60 + s
    left = t.get("total_seconds_left")
    name = t.get("name")
    return Timer(
        id=new_timer_id(name, start, existing),
        name=str(name).strip() if name else None,
        area_id=t.get("area"),
        start_hours=h,
        start_minutes=m,
        start_seconds=s,
        seconds_left=int(left) if left is not None else start,
        active=bool(t.get("is_active", True)),
    )
