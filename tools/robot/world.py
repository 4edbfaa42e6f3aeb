"""A simulated household for a mobile manipulator robot: rooms, objects, people, the robot."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import JsonValue

from edgeagent.errors import ConfigError, TargetError, close_matches
from edgeagent.yamlio import load_yaml
from edgeagent_tools.robot import grounding as g
from edgeagent_tools.robot.model import Category, Robot, Thing, thing_from_spec

DEFAULT_WORLD = Path(__file__).with_name("default_world.yaml")
DIRECTIONS = ("left", "right", "around", "back", "forward", "backward")
PERSON_WORDS = g.words_of(
    "person man woman guy lady gentleman boy girl child kid someone somebody people "
    "visitor guest father mother dad daddy mum mom mummy sister brother son daughter "
    "wife husband friend postman grandma grandpa grandmother grandfather neighbour "
    "neighbor he she him her guy stranger"
)
ROBOT_WORDS = frozenset({"you", "yourself", "robot"})
HOLDER = "robot"  # the ``at`` of a thing in the gripper
_SECTIONS: tuple[tuple[Category, str], ...] = (
    ("room", "rooms"),
    ("person", "people"),
    ("object", "objects"),
)


class RobotWorld:
    """A household robot's world: rooms, objects with locations and states, people, the robot.

    Build it from a mapping shaped like ``default_world.yaml`` (the default when none is
    given) or with :meth:`from_yaml`. Names are resolved leniently (:meth:`resolve`).
    """

    name = "robot"

    def __init__(self, spec: Mapping[str, Any] | None = None) -> None:
        if spec is None:
            spec = _load_yaml(DEFAULT_WORLD)
        self._spec = spec  # read, never changed
        self.things: dict[str, Thing] = {}
        for category, key in _SECTIONS:
            for entry in spec.get(key) or ():
                self._add(thing_from_spec(entry, category))
        rooms = self.rooms()
        if not rooms:
            raise ConfigError("robot world: no rooms")
        robot = spec.get("robot") or {}
        self.robot = Robot(
            room=str(robot.get("room") or rooms[0].name).lower(),
            heading=int(robot.get("heading", 0)) % 360,
            attached=[str(a).lower() for a in robot.get("attached") or ()],
        )
        self.attachments: dict[str, str] = {}  # object -> what it is attached to
        self.salient: frozenset[str] = frozenset()
        self.person_near = False  # a sensor reported a person near the robot (context person_near)
        self.referent: str | None = None  # the object "it" refers to
        self.person_referent: str | None = None  # the person "her"/"him" refers to
        self._catalog: Mapping[str, Any] = spec.get("new_objects") or {}
        self._check()
        self._summary = self._summarise()

    @classmethod
    def from_yaml(cls, path: str | Path) -> RobotWorld:
        """Load a world from a YAML file shaped like ``default_world.yaml``."""
        return cls(_load_yaml(Path(path)))

    def copy(self) -> RobotWorld:
        """An independent copy of the world in its current state."""
        return copy.deepcopy(self, {id(self._spec): self._spec})

    def reset(self) -> None:
        """Back to the state the world was built with."""
        self.__dict__.update(type(self)(self._spec).__dict__)

    # -- building --------------------------------------------------------------------------
    def _add(self, thing: Thing) -> None:
        if thing.name in self.things or thing.name == HOLDER:
            raise ConfigError(f"robot world: duplicate name {thing.name!r}")
        self.things[thing.name] = thing

    def _check(self) -> None:
        for t in self.things.values():
            if t.category == "room":
                if t.default_surface and t.default_surface not in self.things:
                    raise ConfigError(f"robot world: room {t.name!r}: unknown surface")
                continue
            if t.at is None and t.room not in self.things:
                raise ConfigError(f"robot world: {t.name!r} needs a known room or 'at'")
            if t.at is not None and t.at not in self.things:
                raise ConfigError(f"robot world: {t.name!r} is at unknown {t.at!r}")
        if self.robot.room not in self.things:
            raise ConfigError(f"robot world: the robot starts in unknown room {self.robot.room!r}")
        if sum("me" in p.names for p in self.people()) != 1:
            raise ConfigError("robot world: exactly one person must have the alias 'me'")
        for name in self.robot.attached:
            if name not in self.things:
                raise ConfigError(f"robot world: the robot is attached to unknown {name!r}")

    # -- queries ---------------------------------------------------------------------------
    def rooms(self) -> list[Thing]:
        return [t for t in self.things.values() if t.category == "room"]

    def objects(self) -> list[Thing]:
        return [t for t in self.things.values() if t.category == "object"]

    def people(self) -> list[Thing]:
        return [t for t in self.things.values() if t.category == "person"]

    @property
    def user(self) -> Thing:
        """The person talking to the robot ("me")."""
        for p in self.people():
            if "me" in p.names:
                return p
        raise ConfigError("robot world: no person is 'me'")

    def room_of(self, thing: Thing) -> str:
        """The room a thing is in (following what it stands on or who holds it)."""
        seen: set[str] = set()
        while thing.category != "room":
            if thing.at == HOLDER:
                return self.robot.room
            if thing.at is None or thing.at in seen:
                return thing.room or self.robot.room
            seen.add(thing.at)
            thing = self.things[thing.at]
        return thing.name

    def support_of(self, thing: Thing) -> str | None:
        return thing.at if thing.at and thing.at != HOLDER else None

    def contents(self, thing: Thing) -> list[Thing]:
        return [t for t in self.things.values() if t.at == thing.name]

    def location_text(self, thing: Thing) -> str:
        """``on the coffee table in the living room``, ``in my gripper``, ``with you``..."""
        if thing.category == "room":
            return thing.name
        if thing.at == HOLDER:
            return "in my gripper"
        room = self.room_of(thing)
        if thing.at is None:
            return f"in the {room}"
        support = self.things[thing.at]
        if support.category == "person":
            return f"with {_person(support)}"
        rel = "in" if support.container else "on" if support.surface else "next to"
        return f"{rel} the {support.name} in the {room}"

    def scene(self) -> g.Scene:
        return g.Scene(
            here=self.robot.room,
            near=self.robot.near,
            salient=self.salient,
            room_of=self.room_of,
            support_of=self.support_of,
        )

    # -- grounding -------------------------------------------------------------------------
    def resolve(
        self,
        text: str,
        *,
        tool: str | None = None,
        categories: Sequence[Category] = ("object", "room", "person"),
        prefer: Callable[[Thing], bool] | None = None,
    ) -> Thing:
        """The thing ``text`` refers to: case-insensitive, by head noun, plurals, synonyms and
        pronouns ("it" is the last thing acted on). Raises :class:`TargetError` with close
        matches when nothing fits, or with the candidates when several fit equally well."""
        phrase = g.parse(text)
        if phrase.pronoun is not None:
            return self._pronoun(phrase.pronoun, text, tool)
        if phrase.empty:
            raise TargetError(f"{text!r} does not name anything", tool=tool)
        pool = [t for t in self.things.values() if t.category in categories]
        scored = g.rank(phrase, pool, self.scene(), prefer)
        if not scored and "person" in categories and phrase.head in PERSON_WORDS:
            return self._someone(text, tool)
        top = g.best(scored)
        if len(top) == 1:
            return top[0]
        if top:
            names = [t.name for t in top]
            raise TargetError(
                f"{text!r} is ambiguous: {', '.join(names)}; say which one",
                tool=tool,
                candidates=names,
            )
        known = [n for t in pool for n in t.names]
        hints = close_matches(text.strip(), known) or close_matches(phrase.head, known)
        canonical: list[str] = []
        for h in hints:
            name = next(t.name for t in pool if h in t.names)
            if name not in canonical:
                canonical.append(name)
        hint = f"; did you mean {', '.join(canonical)}?" if canonical else ""
        raise TargetError(
            f"I don't know any {text.strip()!r}{hint}", tool=tool, candidates=canonical
        )

    def _pronoun(self, word: str, text: str, tool: str | None) -> Thing:
        if word in g.PERSON_PRONOUNS:
            if self.person_referent in self.things:
                return self.things[self.person_referent]
            return self._someone(text, tool)
        for name in (self.referent, self.robot.holding):
            if name in self.things:
                return self.things[name]
        raise TargetError(f"I don't know what {text.strip()!r} refers to; name it", tool=tool)

    def _someone(self, text: str, tool: str | None) -> Thing:
        """A generic person word ("the man", "my sister"): someone the robot sees, not the user."""
        others = [p for p in self.people() if p is not self.user]
        if not others:
            raise TargetError(f"I see no {text.strip()!r} here", tool=tool)
        scene = self.scene()
        ranked = sorted(
            others,
            key=lambda p: (p.name in scene.salient, self.room_of(p) == scene.here),
            reverse=True,
        )
        return ranked[0]

    def mention(self, thing: Thing) -> None:
        """Remember ``thing`` as what "it" (or "her"/"him") refers to next."""
        if thing.category == "person":
            if thing is not self.user:
                self.person_referent = thing.name
        elif thing.category == "object":
            self.referent = thing.name

    # -- the World protocol ----------------------------------------------------------------
    def vocabulary(self) -> dict[str, list[str]]:
        objects = self.objects()
        fixed = [t for t in objects if not t.portable]
        people = [n for p in self.people() for n in p.names]
        return {
            "object": _unique([n for t in objects for n in t.names] + people),
            "location": _unique(
                [n for t in self.rooms() for n in t.names] + [n for t in fixed for n in t.names]
            ),
            "room": _unique([n for t in self.rooms() for n in t.names]),
            "person": _unique([*people, "person"]),
            "direction": list(DIRECTIONS),
            "device": _unique([n for t in objects if t.powered for n in t.names]),
            "openable": _unique([n for t in objects if t.openable for n in t.names]),
        }

    def describe(self) -> str:
        """The household as built (not what observations added since): stable for prompts."""
        return self._summary

    def _summarise(self) -> str:
        by_room: dict[str, list[str]] = {r.name: [] for r in self.rooms()}
        for t in self.objects():
            by_room.setdefault(self.room_of(t), []).append(t.name)
        lines = ["Household robot. Rooms and what is in them:"]
        lines += [
            f"- {room}: {', '.join(items) or 'nothing known'}" for room, items in by_room.items()
        ]
        people = ", ".join(
            f"{p.name} ({'me, ' if 'me' in p.names else ''}{self.room_of(p)})"
            for p in self.people()
        )
        lines.append(f"People: {people}. The robot starts in the {self.robot.room}.")
        return "\n".join(lines)

    def perceive(self) -> dict[str, JsonValue]:
        in_view: list[JsonValue] = [
            t.name for t in self.objects() if self.room_of(t) == self.robot.room
        ]
        return {
            "robot": {
                "room": self.robot.room,
                "near": self.robot.near,
                "holding": self.robot.holding,
                "following": self.robot.following,
            },
            "objects_in_view": in_view[:15],
        }

    def snapshot(self) -> dict[str, JsonValue]:
        r = self.robot
        out: dict[str, JsonValue] = {
            "robot.room": r.room,
            "robot.near": r.near,
            "robot.heading": r.heading,
            "robot.holding": r.holding,
            "robot.following": r.following,
            "robot.moving": r.moving,
            "robot.attached": ",".join(sorted(r.attached)) or None,
        }
        for t in self.things.values():
            if t.category == "room":
                continue
            if t.portable or t.category == "person":
                out[f"{t.name}.location"] = f"{t.at or t.room}" if t.at != HOLDER else HOLDER
                out[f"{t.name}.room"] = self.room_of(t)
            if t.openable:
                out[f"{t.name}.open"] = t.is_open
            if t.powered:
                out[f"{t.name}.on"] = t.is_on
            if t.name in self.attachments:
                out[f"{t.name}.attached_to"] = self.attachments[t.name]
        return out

    def observe_context(self, context: Mapping[str, Any]) -> None:
        """Note whether a person is reported near (``context["person_near"]``: robot motion is
        then a security action), and make the entity types of a HuRIC-style semantic map
        (``context["objects"]``) known.

        Types the world already knows (by name, synonym or head noun) become salient, which
        settles ties such as "the machine" when only a washing machine is on the map. Unknown
        types become new rooms (``...room``), a person, or objects placed in a plausible room.
        """
        if not isinstance(context, Mapping):
            return
        self.person_near = bool(context.get("person_near"))
        raw = context.get("objects")
        if not isinstance(raw, list):
            return
        salient: set[str] = set()
        ignore = set(self._catalog.get("ignore") or ())
        for item in raw:
            name = g.split_camel(str(item))
            if not name or name in ignore:
                continue
            salient.update(self._learn(name))
        self.salient = frozenset(salient)

    def _learn(self, name: str) -> list[str]:
        phrase = g.parse(name)
        if phrase.head in PERSON_WORDS:
            others = [p for p in self.people() if p is not self.user]
            if not others:
                self._add(Thing(name, "person", room=self.robot.room, portable=False, learned=True))
                return [name]
            return [p.name for p in others]
        scored = g.rank(phrase, self.things.values(), self.scene())
        if scored and scored[0][0][0] == len(phrase.mods):  # every word of the type matched
            top = scored[0][0][:4]  # modifiers, exactness and name match; not room or salience
            return [t.name for k, t in scored if k[:4] == top]
        if name in self.things:
            return [name]
        self._add(self._new_thing(name))
        return [name]

    def _new_thing(self, name: str) -> Thing:
        cat = self._catalog
        head = name.split()[-1]

        def listed(key: str) -> bool:
            values = set(cat.get(key) or ())
            return name in values or head in values or g.singular(head) in values

        if name.endswith("room") or listed("rooms"):
            return Thing(name, "room", portable=False, learned=True)
        room = str(cat.get("default_room") or self.robot.room)
        for candidate, kinds in (cat.get("place") or {}).items():
            if name in kinds or head in kinds or g.singular(head) in kinds:
                room = str(candidate)
                break
        if room not in self.things:
            room = self.robot.room
        fixed, surface, container = listed("fixed"), listed("surface"), listed("container")
        portable = not fixed and not (surface and not container)
        openable = listed("openable")
        powered = listed("powered")
        at = self.things[room].default_surface if portable else None
        return Thing(
            name,
            "object",
            room=None if at else room,
            at=at,
            surface=surface,
            container=container,
            openable=openable,
            is_open=False if openable else None,
            powered=powered,
            is_on=False if powered else None,
            portable=portable,
            fixed=fixed,
            learned=True,
        )


def _person(p: Thing) -> str:
    return "you" if "me" in p.names else p.name


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _load_yaml(path: Path) -> dict[str, Any]:
    """The file's content: parsed once per file version, a private copy for each world (so no
    world can change what another one reads)."""
    resolved = path.resolve()
    try:
        return copy.deepcopy(_parse_yaml(resolved, resolved.stat().st_mtime_ns))
    except OSError as exc:
        raise ConfigError(f"cannot read robot world {path}: {exc}") from exc


@lru_cache(maxsize=8)
def _parse_yaml(path: Path, mtime_ns: int) -> dict[str, Any]:
    """Parsed once per file version (callers copy the result)."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read robot world {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"robot world {path}: expected a mapping at the top level")
    return data
