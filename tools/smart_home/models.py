"""Data models of the simulated home: floors, areas, entities, timers, lists, media."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_MODEL = ConfigDict(extra="forbid")
_GROUP = re.compile(r"\[([^\[\]]*)\]|\(([^()]*\|[^()]*)\)")

# Attributes that describe an entity rather than its changing state (left out of snapshots).
STATIC_ATTRIBUTES = frozenset(
    {"device_class", "unit_of_measurement", "temperature_unit", "friendly_name", "supported"}
)
NUMERIC_ATTRIBUTES = frozenset(
    {"brightness", "position", "volume_level", "temperature", "current_temperature", "percentage"}
)


def norm(text: str) -> str:
    """Normalise a spoken name for comparison: case, apostrophes, spaces, a leading 'the'."""
    out = " ".join(text.replace("’", "'").replace("_", " ").lower().split())
    return out[4:] if out.startswith("the ") else out


def expand_template(text: str) -> list[str]:
    """Every spelling of a fixture name: ``"Trader Joe[']s"`` -> Trader Joe's, Trader Joes."""
    m = _GROUP.search(text)
    if m is None:
        return [" ".join(text.split())]
    options = ["", m.group(1)] if m.group(1) is not None else m.group(2).split("|")
    out: list[str] = []
    for opt in sorted(options, key=len, reverse=True):  # the full form first
        for tail in expand_template(text[: m.start()] + opt + text[m.end() :]):
            if tail and tail not in out:
                out.append(tail)
    return out


def to_number(value: Any) -> Any:
    """``'50'`` -> 50, ``'20.5'`` -> 20.5; anything else unchanged."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value


def slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or "x"


# Domains that turn on and off (HassTurnOn / HassTurnOff targets).
ON_OFF_DOMAINS = frozenset(
    {"light", "switch", "fan", "input_boolean", "media_player", "climate", "humidifier",
     "siren", "automation", "cover", "valve", "lock", "scene", "script"}
)  # fmt: skip


class Floor(BaseModel):
    model_config = _MODEL

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class Area(BaseModel):
    model_config = _MODEL

    id: str
    name: str
    floor_id: str | None = None
    aliases: list[str] = Field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class Entity(BaseModel):
    """One Home Assistant entity; ``domain`` is the prefix of its id."""

    model_config = _MODEL

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    area_id: str | None = None
    state: str = ""
    spoken_state: str | None = None  # how a binary sensor's on/off is said ("charging")
    attributes: dict[str, Any] = Field(default_factory=dict)

    @property
    def domain(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def device_class(self) -> str | None:
        value = self.attributes.get("device_class")
        return str(value) if value is not None else None

    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def spoken(self) -> str:
        """The state as one would say it, with its unit."""
        text = self.spoken_state or self.state.replace("_", " ")
        if self.domain == "person":  # zones: home, away, at Work
            text = {"home": "home", "not_home": "away"}.get(self.state, f"at {self.state}")
        unit = self.attributes.get("unit_of_measurement")
        return f"{text} {unit}" if unit and text else text

    def has_state(self, state: str) -> bool:
        wanted = norm(state)
        return wanted in {norm(self.state), norm(self.spoken_state or self.state)}


class Timer(BaseModel):
    """A running or paused timer; ``area_id`` is where it was started."""

    model_config = _MODEL

    id: str
    name: str | None = None
    area_id: str | None = None
    start_hours: int = 0
    start_minutes: int = 0
    start_seconds: int = 0
    seconds_left: int = 0
    active: bool = True
    conversation_command: str | None = None

    @property
    def start_total(self) -> int:
        return self.start_hours * 3600 + self.start_minutes * 60 + self.start_seconds


class TodoItem(BaseModel):
    model_config = _MODEL

    summary: str
    done: bool = False


class TodoList(BaseModel):
    """A to-do list (a ``todo.*`` entity); the shopping list is one of them."""

    model_config = _MODEL

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    items: list[TodoItem] = Field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def open_items(self) -> list[str]:
        return [i.summary for i in self.items if not i.done]

    def done_items(self) -> list[str]:
        return [i.summary for i in self.items if i.done]


class MediaItem(BaseModel):
    model_config = _MODEL

    title: str
    media_class: str | None = None


def duration_text(seconds: int) -> str:
    """``4500`` -> ``'1 hour and 15 minutes'``."""
    h, rest = divmod(max(0, int(seconds)), 3600)
    m, s = divmod(rest, 60)
    parts = [
        f"{n} {unit}{'s' if n != 1 else ''}"
        for n, unit in ((h, "hour"), (m, "minute"), (s, "second"))
        if n
    ]
    if not parts:
        return "0 seconds"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
