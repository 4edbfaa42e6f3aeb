"""The robot world's data: rooms, objects and people (all :class:`Thing`) and the robot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Category = Literal["room", "object", "person"]


@dataclass
class Thing:
    """A room, an object or a person, known by a unique lower-case ``name`` and aliases."""

    name: str
    category: Category = "object"
    aliases: tuple[str, ...] = ()
    room: str | None = None  # the room it stands in when it is not on/in/held by something
    at: str | None = None  # the surface, container, person or "robot" it is on/in/held by
    surface: bool = False  # things can be put on it
    container: bool = False  # things can be put in it
    openable: bool = False
    is_open: bool | None = None
    powered: bool = False  # can be switched on and off
    is_on: bool | None = None
    portable: bool = True
    fixed: bool = False
    risk: str | None = None  # "physical" | "security": acting on it is riskier than usual
    default_surface: str | None = None  # rooms: where things put "in the room" land
    learned: bool = False  # first seen in an observation's context

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def kind(self) -> str:
        """The head noun (last word of the name): ``coffee table`` -> ``table``."""
        return self.name.split()[-1]


@dataclass
class Robot:
    """The robot's pose and what it is doing."""

    room: str
    near: str | None = None
    heading: int = 0  # degrees, counter-clockwise; turning left adds 90
    holding: str | None = None
    following: str | None = None
    moving: bool = False
    attached: list[str] = field(default_factory=list)  # things the robot is connected to


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip().lower(),)
    return tuple(str(v).strip().lower() for v in value)


def thing_from_spec(spec: Mapping[Any, Any], category: Category) -> Thing:
    """Build a :class:`Thing` from one YAML entry (see ``default_world.yaml``)."""
    name = str(spec["name"]).strip().lower()
    surface = bool(spec.get("surface", False))
    container = bool(spec.get("container", False))
    openable = bool(spec.get("openable", False))
    powered = bool(spec.get("powered", False))
    fixed = bool(spec.get("fixed", False))
    portable_default = category == "object" and not (surface or container or fixed)
    return Thing(
        name=name,
        category=category,
        aliases=tuple(a for a in _names(spec.get("aliases")) if a != name),
        room=_names(spec.get("room"))[0] if spec.get("room") else None,
        at=_names(spec.get("at"))[0] if spec.get("at") else None,
        surface=surface,
        container=container,
        openable=openable,
        is_open=bool(spec.get("open", False)) if openable else None,
        powered=powered,
        is_on=bool(spec.get("on", spec.get(True, False))) if powered else None,  # YAML: on: = True:
        portable=bool(spec.get("portable", portable_default)) and category == "object",
        fixed=fixed,
        risk=spec.get("risk"),
        default_surface=_names(spec.get("surface"))[0]
        if category == "room" and isinstance(spec.get("surface"), str)
        else None,
    )
