"""Moving things and the robot around a :class:`RobotWorld` (shared by the robot's tools).

Every function here checks first and changes the world only once everything is known to
work, so a failed call leaves the world as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from edgeagent.errors import PreconditionError, TargetError
from edgeagent_tools.robot.grounding import parse, singular
from edgeagent_tools.robot.model import Thing
from edgeagent_tools.robot.world import HOLDER, ROBOT_WORDS, RobotWorld

FLOOR_WORDS = frozenset({"down", "floor", "ground", "here"})
MOVES = {
    "left": 90,
    "right": -90,
    "around": 180,
    "forward": 0,
    "forwards": 0,
    "ahead": 0,
    "straight": 0,
    "back": 0,
    "backward": 0,
    "backwards": 0,
}


@dataclass(frozen=True)
class Spot:
    """Where something goes: a room, a thing (surface, container, landmark) or a person."""

    room: str
    thing: Thing | None = None
    floor: bool = False  # "put it down": on the floor where the robot is


def word(text: str | None) -> str:
    """The phrase as one lower-case word when it is one ("the left" -> "left"), else ''."""
    if text is None:
        return ""
    p = parse(text)
    return (p.pronoun or p.head) if len(p.words) <= 1 else ""


def be(name: str) -> str:
    """``is`` or ``are`` for a thing's name ("the keys are ...")."""
    last = name.split()[-1]
    return "are" if singular(last) != last else "is"


def is_robot(text: str) -> bool:
    return word(text) in ROBOT_WORDS


def spot(world: RobotWorld, text: str, tool: str, *, floor_ok: bool = False) -> Spot:
    """Resolve a destination: a room, an object, a person, "here" (the user) or "there"."""
    w = word(text)
    if floor_ok and w in FLOOR_WORDS:
        return Spot(world.robot.room, floor=True)
    if w == "here":
        user = world.user
        return Spot(world.room_of(user), user)
    if w == "there":
        if world.referent in world.things:
            ref = world.things[world.referent]
            return Spot(world.room_of(ref), ref)
        raise TargetError("I don't know where 'there' is; name the place", tool=tool)
    thing = world.resolve(text, tool=tool, categories=("room", "object", "person"))
    if thing.category == "room":
        return Spot(thing.name)
    return Spot(world.room_of(thing), thing)


def inside(world: RobotWorld, thing: Thing, container: Thing) -> bool:
    """Whether ``thing`` is (transitively) on or in ``container``."""
    seen: set[str] = set()
    while thing.at and thing.at != HOLDER and thing.at not in seen:
        if thing.at == container.name:
            return True
        seen.add(thing.at)
        thing = world.things[thing.at]
    return False


def closed_on_the_way(world: RobotWorld, thing: Thing) -> list[str]:
    """Closed containers the robot has to open (and close again) to reach ``thing``."""
    out: list[str] = []
    seen: set[str] = set()
    while thing.at and thing.at != HOLDER and thing.at not in seen:
        seen.add(thing.at)
        thing = world.things[thing.at]
        if thing.category == "object" and thing.openable and thing.is_open is False:
            out.append(thing.name)
    return out


def check_portable(world: RobotWorld, thing: Thing, tool: str) -> None:
    """Raise unless the robot can carry ``thing`` with an empty gripper (or already holds it)."""
    if thing.category != "object" or not thing.portable:
        raise PreconditionError(f"I can't pick up the {thing.name}: it is not movable", tool=tool)
    if thing.name in world.attachments:
        raise PreconditionError(
            f"the {thing.name} is attached to the {world.attachments[thing.name]}; detach it first",
            tool=tool,
        )
    holding = world.robot.holding
    if holding and holding != thing.name:
        raise PreconditionError(
            f"I'm holding the {holding}; put it down before taking the {thing.name}", tool=tool
        )


def check_drop(world: RobotWorld, thing: Thing, dest: Spot, tool: str) -> None:
    """Raise if ``thing`` cannot go to ``dest``."""
    target = dest.thing
    if target is None:
        return
    if target is thing or inside(world, target, thing):
        raise PreconditionError(f"I can't put the {thing.name} on or in itself", tool=tool)
    if target.at == HOLDER:
        raise PreconditionError(f"I'm holding the {target.name} myself", tool=tool)


def go(world: RobotWorld, room: str, near: str | None) -> None:
    world.robot.room = room
    world.robot.near = near
    world.robot.moving = False


def grasp(world: RobotWorld, thing: Thing) -> str:
    """Go to ``thing`` and pick it up (checked by :func:`check_portable`); a note for speech."""
    opened = closed_on_the_way(world, thing)
    giver = world.things.get(thing.at or "")
    go(world, world.room_of(thing), thing.at or thing.name)
    thing.at, thing.room = HOLDER, None
    world.robot.holding = thing.name
    notes = [f"opened and closed the {c}" for c in opened]
    if giver is not None and giver.category == "person":
        notes.append(f"took it from {'you' if giver is world.user else giver.name}")
    return f" ({'; '.join(notes)})" if notes else ""


def release(world: RobotWorld, thing: Thing, dest: Spot) -> str:
    """Put the held ``thing`` at ``dest`` (checked by :func:`check_drop`); the place in words."""
    target = dest.thing
    room = world.things[dest.room]
    note = ""
    if target is None:
        surface = None if dest.floor else room.default_surface
        thing.at, thing.room = surface, None if surface else room.name
        go(world, room.name, surface)
    elif target.category == "person" or target.surface or target.container or not target.portable:
        if target.openable and target.is_open is False and target.container:
            note = f" (opened and closed the {target.name})"
        thing.at, thing.room = target.name, None
        go(world, dest.room, target.name)
    else:  # next to a small portable thing: on the floor beside it
        thing.at, thing.room = None, dest.room
        go(world, dest.room, target.name)
    world.robot.holding = None
    return world.location_text(thing) + note
