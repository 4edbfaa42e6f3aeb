"""Training utterances for the household robot, generated from a :class:`RobotWorld`.

``generate(world, n, seed=...)`` writes ``n`` labelled requests in the shared case format
(``suite="robot"``, ``match="heads"``): commands for every robot tool, multi-step commands
(``pick`` then ``place`` "it", ``navigate`` then ``find``...), and a share of requests that no
tool answers (``expected=[]``). Everything named comes from the world: rooms, objects and their
synonyms, where things stand, what can be switched or opened, the person words the world
understands, and the entity types it learns from a semantic map (``new_objects``).

Labels follow the robot benchmark's conventions:

- an argument's label is the head noun *as spoken*, lower case: "the living room" -> "room",
  "the remote controller" -> "controller", "the lights" -> "lights", "my t-shirt" -> "shirt";
- a later mention of the same thing is labelled with the pronoun that was said ("it", "them");
- ``bring`` goes to "me" unless a person or place is named ("here" when that is what was said);
- the context lists the capitalised entity types on the robot's map: the ones mentioned plus
  3-6 distractors from the world, shuffled.

:func:`generate_with_calls` returns the same cases with the calls a model should make written in
full (``{"goal": "living room"}`` where the label is ``"room"``): those values match the labels
under the ``heads`` rule and name things well enough to run in the world.

The sentences are written here from the tools' semantics; none comes from an evaluation set.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edgeagent.cases import Case, ExpectedCall
from edgeagent.datamodel import ToolCall
from edgeagent.sentences.tables import tables_in
from edgeagent_tools.robot.grounding import words_of
from edgeagent_tools.robot.model import Thing
from edgeagent_tools.robot.world import HOLDER, PERSON_WORDS, RobotWorld

__all__ = ["TOOL_WEIGHTS", "generate", "generate_with_calls", "head_of"]

# Relative weights of the tools in single-call cases: frequent household requests first.
TOOL_WEIGHTS: dict[str, float] = {
    "navigate": 18,
    "bring": 17,
    "find": 13,
    "pick": 12,
    "set_power": 9,
    "place": 8,
    "follow": 6,
    "inspect": 5,
    "set_open": 4.5,
    "turn": 3,
    "stop": 2.5,
    "attach": 2,
    "detach": 1.5,
}

# Relative weights of the multi-step patterns.
MULTI_WEIGHTS: dict[str, float] = {
    "pick_place": 16,
    "nav_pick": 14,
    "find_bring": 10,
    "nav_find": 9,
    "nav_power": 9,
    "nav_bring": 8,
    "pick_bring": 7,
    "nav_open": 5,
    "nav_nav": 5,
    "power_power": 5,
    "nav_pick_place": 5,
    "bring_power": 4,
    "open_pick": 4,
    "turn_nav": 3,
    "pick_nav": 3,
    "stop_nav": 2,
    "inspect_power": 2,
}

_WORD = re.compile(r"[\w']+")

# -- word lists (written for this generator) ------------------------------------------------
# Word classes that decide what can be done with a thing stay here; the words and sentences
# people say live in ``phrases/*.yaml`` beside this module (docs/sentences.md, "Phrase tables").
_P = tables_in(Path(__file__).parent / "phrases")
_NETWORK = frozenset({"wifi", "internet", "web", "network"})
_ODD_ALIASES = frozenset({"i", "me", "us", "myself", "out", "living", "dining", "in", "press"})
_ADVERB_ROOMS = frozenset({"outside", "outdoors"})
_MASS = words_of(
    "water milk juice coffee bread beer coke cola soda cereals cereal cornflakes detergent soap "
    "garbage trash rubbish aspirin medicine powder pasta rice corn sugar salt tea food fruit "
    "mayo mustard ketchup yogurt wine clothing"
)
_ELECTRONICS = words_of(
    "laptop computer pc tablet ipad phone mobile smartphone console playstation television tv "
    "printer radio stereo"
)
_HANGABLE = frozenset({"picture", "poster", "painting", "frame"})
_COLOURS = _P.words("colours")
_OTHER_ADJ = _P.words("other_adj")
_PEOPLE_GENERIC = _P.words("people_generic")
_PEOPLE_RELATIVE = _P.words("people_relative")
_FIRST_NAMES = _P.words("first_names")
_ROBOT_NAMES = _P.words("robot_names")
_CITIES = _P.words("cities")
_COUNTRIES = _P.words("countries")
_NUMBERS = _P.words("numbers")
_APPLIANCES = words_of(
    "dishwasher machine oven microwave dryer washer kettle toaster maker printer laptop "
    "computer console tv television radio stereo shower iron"
)
_COMPUTERS = words_of("laptop computer pc notebook desktop tablet ipad")
_LAMPS = frozenset({"light", "lights", "lamp", "chandelier"})
_TAPS = frozenset({"tap", "faucet", "water"})

# -- templates (phrases/requests.yaml, out_of_scope.yaml), filled with str.format: {o} object,
# {d} destination, {g} goal, {p} person, {s} source, {it} pronoun --------------------------------
NAV_ROOM = _P.formats("nav_room")
NAV_ROOM_SENTENCE = _P.formats("nav_room_sentence")
NAV_OUTSIDE = _P.formats("nav_outside")
NAV_THING = _P.formats("nav_thing")
NAV_SIDE = _P.formats("nav_side")
NAV_FORWARD = _P.formats("nav_forward")
NAV_BACK = _P.formats("nav_back")
NAV_ME = _P.formats("nav_me")

TURN_SIDE = _P.formats("turn_side")
TURN_AROUND = _P.formats("turn_around")
TURN_BACK = _P.formats("turn_back")

BRING_ME = _P.formats("bring_me")
BRING_ME_FROM = _P.formats("bring_me_from")
BRING_WANT = _P.formats("bring_want")
BRING_PLACE = _P.formats("bring_place")
BRING_PLACE_FROM = _P.formats("bring_place_from")
BRING_PERSON = _P.formats("bring_person")
BRING_ESCORT = _P.formats("bring_escort")

PICK = _P.formats("pick")
PICK_FROM = _P.formats("pick_from")

PLACE_ON = _P.formats("place_on")
PLACE_IN = _P.formats("place_in")
PLACE_ROOM = _P.formats("place_room")
PLACE_DOWN = _P.formats("place_down")
PLACE_BARE = _P.formats("place_bare")

FIND_VP = _P.formats("find_vp")
FIND_S = _P.formats("find_s")
FIND_S_LOST = _P.formats("find_s_lost")
FIND_S_PRONOUN = _P.formats("find_s_pronoun")
FIND_PERSON = _P.formats("find_person")

INSPECT_POWER = _P.formats("inspect_power")
INSPECT_OPEN = _P.formats("inspect_open")
INSPECT_CONTENTS = _P.formats("inspect_contents")
INSPECT_ROOM = _P.formats("inspect_room")
INSPECT_THING = _P.formats("inspect_thing")

POWER_ON = _P.formats("power_on")
POWER_ON_APPLIANCE = _P.formats("power_on_appliance")
POWER_ON_LAMP = _P.formats("power_on_lamp")
POWER_ON_COMPUTER = _P.formats("power_on_computer")
POWER_OFF = _P.formats("power_off")
POWER_OFF_APPLIANCE = _P.formats("power_off_appliance")
POWER_OFF_LAMP = _P.formats("power_off_lamp")
TAP_ON = _P.formats("tap_on")
TAP_OFF = _P.formats("tap_off")
POWER_REASON_ON = _P.formats("power_reason_on")
POWER_REASON_OFF = _P.formats("power_reason_off")

OPEN = _P.formats("open")
CLOSE = _P.formats("close")
OPEN_REASON = _P.formats("open_reason")
CLOSE_REASON = _P.formats("close_reason")

FOLLOW_ME = _P.formats("follow_me")
FOLLOW_PERSON = _P.formats("follow_person")

STOP = _P.formats("stop")

ATTACH_NETWORK = _P.formats("attach_network")
ATTACH_WALL = _P.formats("attach_wall")
ATTACH_SOCKET = _P.formats("attach_socket")
ATTACH_DEVICE = _P.formats("attach_device")
DETACH_NETWORK = _P.formats("detach_network")
DETACH_WALL = _P.formats("detach_wall")
DETACH_SOCKET = _P.formats("detach_socket")
DETACH_DEVICE = _P.formats("detach_device")

OOS_CHAT = _P.formats("oos_chat")
OOS_QUESTION = _P.formats("oos_question")
OOS_IMPOSSIBLE = _P.formats("oos_impossible")
OOS_STATEMENT = _P.formats("oos_statement")

_PREFIXES: tuple[tuple[str, float], ...] = _P.weighted("prefixes")
_VOCATIVES: tuple[tuple[str, float], ...] = _P.weighted("vocatives")
_SUFFIXES: tuple[tuple[str, float], ...] = _P.weighted("suffixes")
_SHORT_SUFFIXES: tuple[tuple[str, float], ...] = _P.weighted("short_suffixes")
_CONJUNCTIONS = _P.words("conjunctions")
_QUESTION = re.compile(
    r"^(?:(?:could|can|would|will|may) (?:you|i)\b|(?:where|what|who|how|when|any idea)\b"
    r"|(?:have|do|did) you\b|(?:is|are) (?:it|the|my|there|you)\b)"
)
_GO_AND_TOOLS = frozenset({"pick", "bring", "find", "inspect", "set_power", "set_open"})
_NO_FOR_ME = frozenset({"navigate", "turn", "follow", "stop", "attach", "detach"})


def head_of(phrase: str) -> str:
    """The label of a spoken noun phrase: its last word, lower case ("t-shirt" -> "shirt")."""
    words = _WORD.findall(phrase.lower())
    return words[-1] if words else phrase.strip().lower()


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _is_plural(head: str) -> bool:
    return head.endswith("s") and not head.endswith(("ss", "us", "is"))


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _pick(rng: random.Random, items: Sequence[Any]) -> Any:
    return items[rng.randrange(len(items))]


def _weighted(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    x = rng.random() * sum(w for _, w in table)
    for item, w in table:
        x -= w
        if x < 0:
            return item
    return table[-1][0]


def _etype(spoken: str, canonical: str, rng: random.Random) -> str:
    """An entity type as a semantic map writes it: "Controller", "Television", "CoffeeTable"."""
    r = rng.random()
    if r < 0.55:
        return _cap(head_of(spoken))
    words = canonical.replace("-", " ").split()
    if r < 0.8 or len(words) == 1:
        return _cap(words[-1])
    if r < 0.92:
        return "".join(_cap(w) for w in words)
    return "_".join([_cap(words[0]), *words[1:]])


# -- mentions and drafts --------------------------------------------------------------------
@dataclass(frozen=True)
class _NP:
    """A mention: how it is said, the value a model should pass, its label, its map types."""

    text: str
    value: str
    head: str
    types: tuple[str, ...] = ()
    plural: bool = False
    located: bool = False  # the words already say where it is

    @property
    def it(self) -> str:
        """The pronoun a later mention uses."""
        return "them" if self.plural else "it"

    @property
    def be(self) -> str:
        return "are" if self.plural else "is"


def _word(word: str) -> _NP:
    """A mention that is one word with no map type ("me", "here", "it", "left")."""
    return _NP(word, word, word)


_Call = tuple[str, dict[str, Any], dict[str, Any]]  # tool, labels, full values


def _call(tool: str, **args: _NP | bool | int | str) -> _Call:
    """A call whose labels are the mentions' heads and whose values are the mentions in full."""
    labels = {k: a.head if isinstance(a, _NP) else a for k, a in args.items()}
    values = {k: a.value if isinstance(a, _NP) else a for k, a in args.items()}
    return tool, labels, values


@dataclass
class _Draft:
    """A request being written: its words, its calls and the map types it mentions."""

    text: str
    calls: list[_Call]
    types: list[str] = field(default_factory=list)
    sentence: bool = False  # a whole sentence ("where is..."), not an imperative to wrap
    template: str = ""  # the phrasing it was written from (its family)


def _draft(template: str, calls: list[_Call], *mentions: _NP, sentence: bool = False,
           **slots: Any) -> _Draft:  # fmt: skip
    types = [t for m in mentions for t in m.types]
    return _Draft(template.format(**slots), calls, types, sentence, template)


class _Vocab:
    """What the generator may name, read off a world."""

    def __init__(self, world: RobotWorld) -> None:
        self.world = world
        objects = [t for t in world.objects() if not t.learned]
        self.rooms = [t for t in world.rooms() if not t.learned]
        self.portable = [t for t in objects if t.portable]
        self.supports = [t for t in objects if t.surface or t.container]
        self.landmarks = [t for t in objects if not t.portable]
        self.devices = [t for t in objects if t.powered]
        self.openables = [t for t in objects if t.openable]
        self.networks = [t for t in objects if _NETWORK & set(t.names)]
        self.pluggable = [t for t in self.devices if t.portable and t not in self.networks]
        self.electronics = [t for t in self.devices if _ELECTRONICS & set(t.names)]
        self.sockets = [t for t in objects if any("socket" in n or "outlet" in n for n in t.names)]
        self.hangables = [t for t in objects if _HANGABLE & set(t.names)]
        catalog: dict[str, Any] = dict(getattr(world, "_catalog", None) or {})
        fixed_kinds = {str(k).lower() for k in catalog.get("fixed") or ()}
        self.walls = sorted(k for k in fixed_kinds if k == "wall")
        self.learned: list[tuple[str, str]] = []  # (type, room) of portable things only a map has
        for room, kinds in (catalog.get("place") or {}).items():
            if str(room) not in world.things:
                continue
            for kind in kinds or ():
                name = str(kind).lower()
                if name not in fixed_kinds and name not in world.things:
                    self.learned.append((name, str(room)))
        self.person_words = [w for w in _PEOPLE_GENERIC if w in PERSON_WORDS]
        self.relatives = [w for w in _PEOPLE_RELATIVE if w in PERSON_WORDS]
        self.alias_count = Counter(n for t in world.things.values() for n in t.names)
        vocab_words = {w for t in world.things.values() for n in t.names for w in n.split()}
        self.adjectives = [a for a in _COLOURS + _OTHER_ADJ if a not in vocab_words]
        self.distractors = [t.name for t in self.rooms] + [t.name for t in objects]
        self.distractors += [k for k, _ in self.learned]

    def connections(self, kind: str) -> bool:
        """Whether the world has things for this kind of attach/detach request."""
        return {
            "network": bool(self.networks),
            "wall": bool(self.hangables and self.walls),
            "device": len(self.electronics) >= 2,
            "socket": bool(self.pluggable and self.sockets),
        }[kind]

    def names(self, thing: Thing, role: str = "") -> list[str]:
        """The canonical name first, then the synonyms that read well in this role."""
        keep = [thing.name]
        for n in thing.aliases:
            if n in _ODD_ALIASES or n in _ADVERB_ROOMS or (n in _NETWORK and role != "network"):
                continue
            if n == "water" and role != "tap":
                continue
            keep.append(n)
        return keep

    def say(self, rng: random.Random, thing: Thing, role: str = "") -> str:
        names = self.names(thing, role)
        if role == "network":
            net = [n for n in names if n in _NETWORK]
            if net and rng.random() < 0.75:
                return str(_pick(rng, net))
        if len(names) > 1 and rng.random() < 0.55:
            return str(_pick(rng, names[1:]))
        return thing.name


class _Writer:
    """Writes one request at a time from a vocabulary and a random stream."""

    def __init__(self, vocab: _Vocab, rng: random.Random) -> None:
        self.v = vocab
        self.rng = rng
        self.w = vocab.world

    # -- mentions ----------------------------------------------------------------------------
    def thing_np(
        self,
        thing: Thing,
        *,
        role: str = "",
        det: str | None = None,
        adjective: float = 0.0,
        relative: float = 0.0,
        clause_ok: bool = True,
    ) -> _NP:
        """A mention of a world thing, maybe with an adjective and where it is."""
        rng, v = self.rng, self.v
        spoken = v.say(rng, thing, role)
        head = head_of(spoken)
        mass = head in _MASS or spoken in _MASS
        plural = _is_plural(head) and not mass
        types = [_etype(spoken, thing.name, rng)]
        where = ""
        if v.alias_count[spoken] > 1 and thing.category == "object":  # "the light": say which
            room = self.w.things[self.w.room_of(thing)]
            room_spoken = v.say(rng, room)
            where = f"in the {room_spoken}"
            types.append(_etype(room_spoken, room.name, rng))
        elif relative and rng.random() < relative:
            where, more = self.where(thing)
            types += more
        value = f"{spoken} {where}" if where else spoken
        said_where = where
        if where and clause_ok and rng.random() < 0.35:
            lead = _pick(rng, ("that is", "which is", "that's", "sitting", "lying"))
            said_where = f"{lead} {where}"
        adj = ""
        if adjective and thing.portable and not mass and v.adjectives and rng.random() < adjective:
            adj = _pick(rng, v.adjectives)
        if det is None:
            det = self.determiner(portable=thing.portable, mass=mass, plural=plural)
        if det == "a":
            det = _a(adj or spoken)
        text = " ".join(w for w in (det, adj, spoken, said_where) if w)
        return _NP(text, value, head, tuple(types), plural, bool(where))

    def determiner(self, *, portable: bool, mass: bool, plural: bool) -> str:
        if not portable:
            return "the" if self.rng.random() < 0.92 else "that"
        if mass:
            return _weighted(self.rng, (("the", 5), ("some", 3), ("my", 1)))
        if plural:
            return _weighted(self.rng, (("the", 10), ("my", 4), ("those", 1), ("some", 1)))
        return _weighted(self.rng, (("the", 11), ("my", 3), ("a", 2), ("that", 1)))

    def where(self, thing: Thing) -> tuple[str, list[str]]:
        """Where a thing stands, in words: "on the counter", "in the kitchen"..."""
        rng, w, v = self.rng, self.w, self.v
        room_name = w.room_of(thing)
        room = self.room_np(w.things[room_name]) if room_name in w.things else None
        support = w.things.get(thing.at) if thing.at and thing.at != HOLDER else None
        if support is not None and support.category == "object":
            prep = "in" if support.container else "on" if support.surface else "next to"
            if prep == "on" and rng.random() < 0.15:
                prep = "on top of"
            spoken = v.say(rng, support)
            text, types = f"{prep} the {spoken}", [_etype(spoken, support.name, rng)]
            if room is not None and rng.random() < 0.3:
                text += f" in {room.text}"
                types += room.types
            return text, types
        if room is not None and (thing.room == room_name or rng.random() < 0.7):
            return f"in {room.text}", list(room.types)
        near = [t for t in v.landmarks if w.room_of(t) == room_name and t is not thing]
        if not near:
            return "", []
        other = _pick(rng, near)
        spoken = v.say(rng, other)
        prep = _pick(rng, ("near", "next to", "by"))
        return f"{prep} the {spoken}", [_etype(spoken, other.name, rng)]

    def source(self, thing: Thing | None) -> _NP | None:
        """Where to take a thing from: "from the counter", "out of the fridge"."""
        if thing is None:
            return None
        rng, w = self.rng, self.w
        support = w.things.get(thing.at) if thing.at and thing.at != HOLDER else None
        if support is not None and support.category == "object":
            spoken = self.v.say(rng, support)
            if support.container:
                prep = _pick(rng, ("from", "out of", "from inside"))
            else:
                prep = _pick(rng, ("from", "off", "from"))
            text = f"{prep} the {spoken}"
            return _NP(text, text, head_of(spoken), (_etype(spoken, support.name, rng),))
        room = w.room_of(thing)
        if room not in w.things:
            return None
        np = self.room_np(w.things[room])
        return _NP(f"from {np.text}", np.value, np.head, np.types)

    def portable_np(
        self,
        *,
        adjective: float = 0.2,
        relative: float = 0.25,
        clause_ok: bool = True,
        learned: float = 0.1,
    ) -> tuple[_NP, Thing | None]:
        """A portable object from the world, or now and then a type only the map knows."""
        rng, v = self.rng, self.v
        if not v.learned or rng.random() >= learned:
            thing = _pick(rng, v.portable)
            np = self.thing_np(thing, adjective=adjective, relative=relative, clause_ok=clause_ok)
            return np, thing
        name, room_name = _pick(rng, v.learned)
        head = head_of(name)
        mass = head in _MASS
        plural = _is_plural(head) and not mass
        det = self.determiner(portable=True, mass=mass, plural=plural)
        adj = ""
        if not mass and v.adjectives and rng.random() < adjective:
            adj = _pick(rng, v.adjectives)
        words = [_a(adj or name) if det == "a" else det, adj, name]
        value = name
        types = ["".join(_cap(x) for x in name.split())]
        located = rng.random() < relative
        if located:
            room = self.room_np(self.w.things[room_name])
            words.append(f"in {room.text}")
            value = f"{name} in {room.text}"
            types += room.types
        return _NP(
            " ".join(x for x in words if x), value, head, tuple(types), plural, located
        ), None

    def room_np(self, room: Thing, *, adverb_ok: bool = False) -> _NP:
        rng = self.rng
        names = self.v.names(room)
        adverbs = [n for n in room.aliases if n in _ADVERB_ROOMS]
        if adverb_ok and adverbs and rng.random() < 0.4:
            word = _pick(rng, adverbs)
            return _NP(word, word, word, (_etype(room.name, room.name, rng),))
        spoken = room.name if len(names) == 1 or rng.random() < 0.6 else _pick(rng, names[1:])
        return _NP(f"the {spoken}", spoken, head_of(spoken), (_etype(spoken, room.name, rng),))

    def person_np(self, *, me: float = 0.6, here: float = 0.0) -> _NP:
        """The speaker ("me", "here") or someone else: "my sister", "the man", "anna"."""
        rng, v = self.rng, self.v
        if rng.random() < me or not (v.person_words or v.relatives):
            return _word("here" if rng.random() < here else "me")
        r = rng.random()
        if r < 0.15:
            name = _pick(rng, _FIRST_NAMES)
            return _NP(name, name, name, ("Person",))
        if r < 0.55 and v.relatives:
            word = _pick(rng, v.relatives)
            text = f"{_pick(rng, ('my', 'my', 'my', 'your'))} {word}"
        else:
            word = _pick(rng, v.person_words or v.relatives)
            text = f"{_pick(rng, ('the', 'the', 'that', 'this'))} {word}"
        types: tuple[str, ...] = ("Person",) if rng.random() < 0.6 else (_cap(word),)
        if rng.random() < 0.12 and v.rooms:
            room = self.room_np(_pick(rng, v.rooms))
            text += f" in {room.text}"
            types += room.types
        return _NP(text, word, word, types)

    def destination_np(self, exclude: Thing | None = None) -> _NP:
        """Where to bring or put something: a room, a surface or a container."""
        rng, v = self.rng, self.v
        if rng.random() < 0.4 and v.rooms:
            return self.room_np(_pick(rng, v.rooms))
        return self.thing_np(_pick(rng, [t for t in v.supports if t is not exclude]), det="the")

    def device_np(self, thing: Thing) -> _NP:
        """A device; lights are often "the lights"."""
        role = "tap" if _TAPS & set(thing.names) else ""
        np = self.thing_np(thing, role=role, det="the")
        if np.head != "light" or self.rng.random() >= 0.45:
            return np
        text = re.sub(r"\blight\b", "lights", np.text, count=1)
        value = re.sub(r"\blight\b", "lights", np.value, count=1)
        return _NP(text, value, "lights", np.types, True, np.located)

    # -- single requests ---------------------------------------------------------------------
    def navigate(self) -> _Draft:
        rng, v = self.rng, self.v
        kind = _weighted(rng, (("room", 55), ("thing", 22), ("direction", 15), ("me", 8)))
        if kind == "room" and v.rooms:
            g = self.room_np(_pick(rng, v.rooms), adverb_ok=True)
            call = [_call("navigate", goal=g)]
            if g.text in _ADVERB_ROOMS:
                return _draft(_pick(rng, NAV_OUTSIDE), call, g, g=g.text)
            if rng.random() < 0.08:
                return _draft(_pick(rng, NAV_ROOM_SENTENCE), call, g, sentence=True, g=g.text)
            return _draft(_pick(rng, NAV_ROOM), call, g, g=g.text)
        if kind == "thing" and v.landmarks:
            g = self.thing_np(_pick(rng, v.landmarks), det="the", relative=0.15, clause_ok=False)
            return _draft(_pick(rng, NAV_THING), [_call("navigate", goal=g)], g, g=g.text)
        if kind == "direction":
            d = _pick(rng, ("forward", "forward", "left", "right", "back", "backward", "backwards"))
            table = (
                NAV_SIDE if d in {"left", "right"} else NAV_FORWARD if d == "forward" else NAV_BACK
            )
            return _draft(_pick(rng, table), [_call("navigate", goal=d)], g=d)
        t = _pick(rng, NAV_ME)
        return _draft(t, [_call("navigate", goal="here" if "here" in t else "me")])

    def turn(self) -> _Draft:
        rng = self.rng
        d = _pick(rng, ("left", "right", "left", "right", "around", "back"))
        table = TURN_SIDE if d in {"left", "right"} else TURN_AROUND if d == "around" else TURN_BACK
        t = _pick(rng, table)
        n = _pick(rng, (30, 45, 90, 90, 180))
        args: dict[str, Any] = {"direction": d}
        if "{n}" in t:
            args["degrees"] = n
        return _draft(t, [_call("turn", **args)], g=d, n=n)

    def bring(self) -> _Draft:
        rng, v = self.rng, self.v
        kind = _weighted(
            rng, (("me", 50), ("place", 27), ("want", 11), ("person", 9), ("escort", 3))
        )
        if kind == "escort" and (v.person_words or v.relatives) and v.rooms:
            p, d = self.person_np(me=0.0), self.room_np(_pick(rng, v.rooms))
            return _draft(_pick(rng, BRING_ESCORT), [_call("bring", object=p, to=d)], p, d,
                          p=p.text, d=d.text)  # fmt: skip
        if kind == "want":
            o, _ = self.portable_np(relative=0.3)
            t = _pick(rng, BRING_WANT)
            to = "here" if re.search(r"\bhere\b", t) else "me"
            return _draft(t, [_call("bring", object=o, to=to)], o, sentence=True, o=o.text)
        if kind == "person":
            o, _ = self.portable_np(relative=0.0)
            p = self.person_np(me=0.0)
            return _draft(_pick(rng, BRING_PERSON), [_call("bring", object=o, to=p)], o, p,
                          o=o.text, p=p.text)  # fmt: skip
        if kind == "place":
            o, thing = self.portable_np(relative=0.0)
            d = self.destination_np(thing)
            s = self.source(thing) if rng.random() < 0.25 else None
            if s is not None:
                return _draft(_pick(rng, BRING_PLACE_FROM), [_call("bring", object=o, to=d)],
                              o, d, s, o=o.text, d=d.text, s=s.text)  # fmt: skip
            return _draft(_pick(rng, BRING_PLACE), [_call("bring", object=o, to=d)], o, d,
                          o=o.text, d=d.text)  # fmt: skip
        o, thing = self.portable_np(relative=0.3)
        s = self.source(thing) if not o.located and rng.random() < 0.2 else None
        t = _pick(rng, BRING_ME_FROM if s is not None else BRING_ME)
        to = "here" if re.search(r"\bhere\b", t) else "me"
        mentions = (o, s) if s is not None else (o,)
        return _draft(t, [_call("bring", object=o, to=to)], *mentions,
                      o=o.text, s=s.text if s else "", it=o.it)  # fmt: skip

    def pick(self) -> _Draft:
        rng = self.rng
        o, thing = self.portable_np(relative=0.3, adjective=0.2)
        s = self.source(thing) if not o.located and rng.random() < 0.3 else None
        if s is not None:
            return _draft(_pick(rng, PICK_FROM), [_call("pick", object=o)], o, s,
                          o=o.text, s=s.text)  # fmt: skip
        return _draft(_pick(rng, PICK), [_call("pick", object=o)], o, o=o.text, it=o.it)

    def place(self) -> _Draft:
        rng, v = self.rng, self.v
        thing: Thing | None = None
        if rng.random() < 0.15:
            o = _word(_pick(rng, ("it", "it", "them", "this", "that")))
        else:
            o, thing = self.portable_np(relative=0.0, adjective=0.15)
        r = rng.random()
        if r < 0.07:
            t = _pick(rng, PLACE_DOWN)
            where = "here" if "here" in t else "down"
            return _draft(t, [_call("place", object=o, location=where)], o, o=o.text)
        if r < 0.12:
            return _draft(_pick(rng, PLACE_BARE), [_call("place", object=o)], o, o=o.text)
        if r < 0.3 and v.rooms:
            d = self.room_np(_pick(rng, v.rooms))
            table: tuple[str, ...] = PLACE_ROOM
        else:
            support = _pick(rng, [s for s in v.supports if s is not thing])
            d = self.thing_np(support, det="the")
            table = PLACE_IN if support.container else PLACE_ON
        return _draft(_pick(rng, table), [_call("place", object=o, location=d)], o, d,
                      o=o.text, d=d.text)  # fmt: skip

    def find(self) -> _Draft:
        rng, v = self.rng, self.v
        kind = _weighted(rng, (("object", 80), ("person", 8), ("landmark", 12)))
        if kind == "person":
            p = self.person_np(me=0.0)
            return _draft(_pick(rng, FIND_PERSON), [_call("find", object=p)], p,
                          sentence=True, o=p.text)  # fmt: skip
        landmark = kind == "landmark" and bool(v.landmarks)
        if landmark:
            o = self.thing_np(_pick(rng, v.landmarks), det="the")
        else:
            o, _ = self.portable_np(relative=0.15, adjective=0.2, clause_ok=False)
        r = rng.random()
        if r < 0.55:
            return _draft(_pick(rng, FIND_VP), [_call("find", object=o)], o, o=o.text, be=o.be)
        if r < 0.9 or landmark:
            table = FIND_S if landmark or rng.random() < 0.5 else FIND_S_LOST
            return _draft(_pick(rng, table), [_call("find", object=o)], o, sentence=True,
                          o=o.text, be=o.be)  # fmt: skip
        it = _word(o.it)
        return _draft(_pick(rng, FIND_S_PRONOUN), [_call("find", object=it)], o, sentence=True,
                      o=o.text, it=it.text)  # fmt: skip

    def inspect(self) -> _Draft:
        rng, v = self.rng, self.v
        r = rng.random()
        if r < 0.3 and v.devices:
            o = self.device_np(_pick(rng, v.devices))
            state = _pick(rng, ("on", "off", "switched on", "switched off", "turned on",
                                "turned off", "still on", "still running", "working"))  # fmt: skip
            return _draft(_pick(rng, INSPECT_POWER), [_call("inspect", object=o)], o,
                          o=o.text, be=o.be, state=state)  # fmt: skip
        if r < 0.5 and v.openables:
            o = self.thing_np(_pick(rng, v.openables), det="the")
            state = _pick(rng, ("open", "closed", "shut", "still open"))
            return _draft(_pick(rng, INSPECT_OPEN), [_call("inspect", object=o)], o,
                          o=o.text, be=o.be, state=state)  # fmt: skip
        if r < 0.65 and v.supports:
            containers = [s for s in v.supports if s.container] or v.supports
            o = self.thing_np(_pick(rng, containers), det="the")
            return _draft(_pick(rng, INSPECT_CONTENTS), [_call("inspect", object=o)], o, o=o.text)
        if r < 0.75 and v.rooms:
            o = self.room_np(_pick(rng, v.rooms))
            return _draft(_pick(rng, INSPECT_ROOM), [_call("inspect", object=o)], o, o=o.text)
        o, _ = self.portable_np(relative=0.2, adjective=0.2, clause_ok=False)
        return _draft(_pick(rng, INSPECT_THING), [_call("inspect", object=o)], o, o=o.text)

    def set_power(self) -> _Draft:
        rng = self.rng
        o = self.device_np(_pick(rng, self.v.devices))
        on = rng.random() < 0.6
        if o.head in _TAPS and rng.random() < 0.4:
            table: tuple[str, ...] = TAP_ON if on else TAP_OFF
        elif on:
            table = POWER_ON
            table += POWER_ON_APPLIANCE if o.head in _APPLIANCES else ()
            table += POWER_ON_LAMP if o.head in _LAMPS else ()
            table += POWER_ON_COMPUTER if o.head in _COMPUTERS else ()
        else:
            table = POWER_OFF
            table += POWER_OFF_APPLIANCE if o.head in _APPLIANCES else ()
            table += POWER_OFF_LAMP if o.head in _LAMPS else ()
        t = _pick(rng, table)
        if rng.random() < 0.08:
            t = _pick(rng, POWER_REASON_ON if on else POWER_REASON_OFF) + t
        return _draft(t, [_call("set_power", device=o, on=on)], o, o=o.text)

    def set_open(self) -> _Draft:
        rng = self.rng
        o = self.thing_np(_pick(rng, self.v.openables), det="the")
        opening = rng.random() < 0.6
        t = _pick(rng, OPEN if opening else CLOSE)
        if rng.random() < 0.06:
            t = _pick(rng, OPEN_REASON if opening else CLOSE_REASON) + t
        return _draft(t, [_call("set_open", object=o, open=opening)], o, o=o.text)

    def follow(self) -> _Draft:
        rng = self.rng
        p = self.person_np(me=0.55)
        t = _pick(rng, FOLLOW_ME if p.head == "me" else FOLLOW_PERSON)
        return _draft(t, [_call("follow", target=p)], p, p=p.text)

    def stop(self) -> _Draft:
        t = _pick(self.rng, STOP)
        verb = t.startswith(("stop", "halt", "freeze", "stay", "stand", "quit", "pause"))
        return _draft(t, [_call("stop")], sentence=not verb)

    def _network_np(self) -> _NP:
        net = _pick(self.rng, self.v.networks)
        spoken = self.v.say(self.rng, net, "network")
        return _NP(f"the {spoken}", spoken, head_of(spoken), (_etype(spoken, net.name, self.rng),))

    def _connection(self, tool: str) -> _Draft:
        """attach/detach: the robot to a network, a picture to a wall, a device to a socket or
        to another device (only the kinds this world has things for)."""
        rng, v = self.rng, self.v
        attach = tool == "attach"
        kinds = [(k, w) for k, w in (("network", 30), ("wall", 12), ("device", 18), ("socket", 40))
                 if v.connections(k)]  # fmt: skip
        kind = _weighted(rng, kinds)
        table: tuple[str, ...]
        if kind == "network":
            d = self._network_np()
            table = ATTACH_NETWORK if attach else DETACH_NETWORK
            return _draft(_pick(rng, table), [_call(tool, to=d)], d, d=d.text)
        if kind == "wall":
            o = self.thing_np(_pick(rng, v.hangables), det="the")
            d = _NP(f"the {v.walls[0]}", v.walls[0], v.walls[0], (_cap(v.walls[0]),))
            table = ATTACH_WALL if attach else DETACH_WALL
        elif kind == "device":
            a, b = rng.sample(v.electronics, 2)
            o, d = self.thing_np(a, det="the"), self.thing_np(b, det="the")
            table = ATTACH_DEVICE if attach else DETACH_DEVICE
        else:
            o = self.thing_np(_pick(rng, v.pluggable), det="the")
            d = self.thing_np(_pick(rng, v.sockets), det="the")
            table = ATTACH_SOCKET if attach else DETACH_SOCKET
        return _draft(_pick(rng, table), [_call(tool, object=o, to=d)], o, d,
                      o=o.text, d=d.text)  # fmt: skip

    def attach(self) -> _Draft:
        return self._connection("attach")

    def detach(self) -> _Draft:
        return self._connection("detach")

    # -- multi-step requests -----------------------------------------------------------------
    def multi(self) -> _Draft:
        rng = self.rng
        kind = _weighted(rng, list(MULTI_WEIGHTS.items()))
        draft: _Draft = getattr(self, f"_{kind}")(_pick(rng, _CONJUNCTIONS))
        return draft

    def _go_room(self, thing: Thing) -> tuple[str, _NP]:
        g = self.room_np(self.w.things[self.w.room_of(thing)])
        t = _pick(self.rng, ("go to {g}", "go to {g}", "head to {g}", "move to {g}",
                             "go into {g}", "enter {g}", "walk over to {g}", "go in {g}"))  # fmt: skip
        return t.format(g=g.text), g

    def _nav_pick(self, then: str) -> _Draft:
        thing = _pick(self.rng, self.v.portable)
        go, g = self._go_room(thing)
        o = self.thing_np(thing, adjective=0.15)
        t = _pick(self.rng, ("pick up {o}", "take {o}", "grab {o}", "get {o}", "collect {o}"))
        calls = [_call("navigate", goal=g), _call("pick", object=o)]
        return _draft(go + then + t, calls, g, o, o=o.text)

    def _nav_find(self, then: str) -> _Draft:
        thing = _pick(self.rng, self.v.portable)
        go, g = self._go_room(thing)
        o = self.thing_np(thing, adjective=0.15)
        t = _pick(self.rng, ("look for {o}", "find {o}", "search for {o}", "locate {o}",
                             "see if {o} {be} there", "check where {o} {be}"))  # fmt: skip
        calls = [_call("navigate", goal=g), _call("find", object=o)]
        return _draft(go + then + t, calls, g, o, o=o.text, be=o.be)

    def _nav_bring(self, then: str) -> _Draft:
        thing = _pick(self.rng, self.v.portable)
        go, g = self._go_room(thing)
        o = self.thing_np(thing)
        t = _pick(self.rng, ("bring me {o}", "get me {o}", "fetch me {o}", "bring {o} to me",
                             "bring {o} back here", "grab me {o}"))  # fmt: skip
        to = "here" if "here" in t else "me"
        calls = [_call("navigate", goal=g), _call("bring", object=o, to=to)]
        return _draft(go + then + t, calls, g, o, o=o.text)

    def _nav_pick_place(self, then: str) -> _Draft:
        rng = self.rng
        thing = _pick(rng, self.v.portable)
        go, g = self._go_room(thing)
        o = self.thing_np(thing)
        support = _pick(rng, [s for s in self.v.supports if s is not thing])
        d = self.thing_np(support, det="the")
        prep = "in" if support.container else "on"
        t2 = _pick(rng, ("take {o}", "pick up {o}", "grab {o}"))
        t3 = _pick(rng, ("put {it} {prep} {d}", "place {it} {prep} {d}", "leave {it} {prep} {d}"))
        text = go + ", " + t2 + _pick(rng, (" and ", " then ", " and then ")) + t3
        it = _word(o.it)
        calls = [_call("navigate", goal=g), _call("pick", object=o),
                 _call("place", object=it, location=d)]  # fmt: skip
        return _draft(text, calls, g, o, d, o=o.text, it=it.text, prep=prep, d=d.text)

    def _pick_first(self) -> tuple[str, _NP, Thing | None]:
        o, thing = self.portable_np(relative=0.2, adjective=0.15, clause_ok=False)
        t = _pick(self.rng, ("take {o}", "pick up {o}", "grab {o}", "pick {o} up", "lift {o}",
                             "get {o}", "collect {o}"))  # fmt: skip
        return t.format(o=o.text), o, thing

    def _pick_place(self, then: str) -> _Draft:
        rng, v = self.rng, self.v
        first, o, thing = self._pick_first()
        if rng.random() < 0.15 and v.rooms:
            d, prep = self.room_np(_pick(rng, v.rooms)), "in"
        else:
            support = _pick(rng, [s for s in v.supports if s is not thing])
            d, prep = self.thing_np(support, det="the"), "in" if support.container else "on"
        t = _pick(rng, ("put {it} {prep} {d}", "place {it} {prep} {d}", "leave {it} {prep} {d}",
                        "drop {it} {prep} {d}", "set {it} down {prep} {d}",
                        "put {it} back {prep} {d}"))  # fmt: skip
        it = _word(o.it)
        calls = [_call("pick", object=o), _call("place", object=it, location=d)]
        return _draft(first + then + t, calls, o, d, it=it.text, prep=prep, d=d.text)

    def _pick_bring(self, then: str) -> _Draft:
        rng = self.rng
        first, o, thing = self._pick_first()
        it = _word(o.it)
        if rng.random() < 0.5:
            d = self.destination_np(thing)
            t = _pick(rng, ("bring {it} to {d}", "carry {it} to {d}", "take {it} to {d}"))
        else:
            t = _pick(rng, ("bring {it} to me", "give {it} to me", "hand {it} to me",
                            "bring {it} here", "bring {it} over here"))  # fmt: skip
            d = _word("here" if "here" in t else "me")
        calls = [_call("pick", object=o), _call("bring", object=it, to=d)]
        return _draft(first + then + t, calls, o, d, it=it.text, d=d.text)

    def _pick_nav(self, then: str) -> _Draft:
        first, o, _ = self._pick_first()
        g = self.room_np(_pick(self.rng, self.v.rooms))
        t = _pick(self.rng, ("go to {g}", "head to {g}", "come to {g}", "walk to {g}"))
        calls = [_call("pick", object=o), _call("navigate", goal=g)]
        return _draft(first + then + t, calls, o, g, g=g.text)

    def _find_bring(self, then: str) -> _Draft:
        rng = self.rng
        o, _ = self.portable_np(relative=0.0, adjective=0.2)
        it = _word(o.it)
        t1 = _pick(rng, ("find {o}", "look for {o}", "search for {o}", "locate {o}", "go find {o}"))
        d = self.person_np(me=0.85, here=0.2)
        if d.head == "me":
            t2 = _pick(rng, ("bring {it} to me", "bring {it} to me", "give {it} to me",
                             "hand {it} over to me", "bring me {it}"))  # fmt: skip
        elif d.head == "here":
            t2 = _pick(rng, ("bring {it} here", "bring {it} over here"))
        else:
            t2 = "bring {it} to {d}"
        calls = [_call("find", object=o), _call("bring", object=it, to=d)]
        return _draft(t1 + then + t2, calls, o, d, o=o.text, it=it.text, d=d.text)

    def _nav_device(self, then: str, opening: bool) -> _Draft:
        rng, v = self.rng, self.v
        thing = _pick(rng, v.openables if opening else v.devices)
        if rng.random() < 0.4:  # go next to it, then "turn it on"
            g = self.thing_np(thing, det="the")
            go = _pick(rng, ("go to {g}", "go near {g}", "move next to {g}", "approach {g}",
                             "go over to {g}", "move towards {g}"))  # fmt: skip
            o = _word(g.it)
        else:
            go, g = self._go_room(thing)
            o = self.thing_np(thing, det="the") if opening else self.device_np(thing)
        go = go.format(g=g.text)
        on = rng.random() < 0.6
        if opening:
            t = (
                _pick(rng, ("open {o}", "open {o} up"))
                if on
                else _pick(rng, ("close {o}", "shut {o}"))
            )
            second = _call("set_open", object=o, open=on)
        else:
            if o.text in {"it", "them"}:
                t = _pick(
                    rng,
                    ("turn {o} on", "switch {o} on") if on else ("turn {o} off", "switch {o} off"),
                )
            else:
                t = _pick(rng, ("turn on {o}", "switch on {o}", "turn {o} on") if on else
                          ("turn off {o}", "switch off {o}", "turn {o} off"))  # fmt: skip
            second = _call("set_power", device=o, on=on)
        return _draft(go + then + t, [_call("navigate", goal=g), second], g, o, o=o.text)

    def _nav_power(self, then: str) -> _Draft:
        return self._nav_device(then, opening=False)

    def _nav_open(self, then: str) -> _Draft:
        return self._nav_device(then, opening=True)

    def _inspect_power(self, then: str) -> _Draft:
        rng = self.rng
        o = self.device_np(_pick(rng, self.v.devices))
        on = rng.random() < 0.3
        t1 = _pick(rng, ("check {o}", "check on {o}", "inspect {o}", "have a look at {o}"))
        t2 = "turn {it} on" if on else _pick(rng, ("turn {it} off", "switch {it} off"))
        it = _word(o.it)
        calls = [_call("inspect", object=o), _call("set_power", device=it, on=on)]
        return _draft(t1 + then + t2, calls, o, o=o.text, it=it.text)

    def _nav_nav(self, then: str) -> _Draft:
        a, b = self.rng.sample(self.v.rooms, 2)
        ga, gb = self.room_np(a), self.room_np(b)
        t = _pick(self.rng, ("go to {a}{then}to {b}", "go to {a}{then}go to {b}",
                             "go to {a}{then}come back to {b}", "walk to {a}{then}head to {b}",
                             "pass by {a}{then}go to {b}"))  # fmt: skip
        calls = [_call("navigate", goal=ga), _call("navigate", goal=gb)]
        return _draft(t, calls, ga, gb, a=ga.text, b=gb.text, then=then)

    def _power_power(self, then: str) -> _Draft:
        a, b = self.rng.sample(self.v.devices, 2)
        da, db = self.device_np(a), self.device_np(b)
        on_a, on_b = self.rng.random() < 0.5, self.rng.random() < 0.5
        t = _pick(self.rng, ("turn {x} {a}{then}turn {y} {b}", "switch {x} {a}{then}switch {y} {b}",
                             "turn {x} {a}{then}switch {y} {b}"))  # fmt: skip
        calls = [_call("set_power", device=da, on=on_a), _call("set_power", device=db, on=on_b)]
        word = {True: "on", False: "off"}
        return _draft(t, calls, da, db, a=da.text, b=db.text, x=word[on_a], y=word[on_b],
                      then=then)  # fmt: skip

    def _bring_power(self, then: str) -> _Draft:
        rng = self.rng
        o, _ = self.portable_np(relative=0.0)
        d = self.device_np(_pick(rng, self.v.devices))
        on = rng.random() < 0.6
        t1 = _pick(rng, ("bring me {o}", "get me {o}", "hand me {o}"))
        t2 = _pick(
            rng, ("turn on {d}", "switch on {d}") if on else ("turn off {d}", "switch off {d}")
        )
        calls = [_call("bring", object=o, to="me"), _call("set_power", device=d, on=on)]
        return _draft(t1 + then + t2, calls, o, d, o=o.text, d=d.text)

    def _turn_nav(self, then: str) -> _Draft:
        d = _pick(self.rng, ("left", "right", "around"))
        g = self.room_np(_pick(self.rng, self.v.rooms))
        t = _pick(self.rng, ("turn {d}{then}go to {g}", "turn {d}{then}head into {g}"))
        calls = [_call("turn", direction=d), _call("navigate", goal=g)]
        return _draft(t, calls, g, d=d, g=g.text, then=then)

    def _stop_nav(self, then: str) -> _Draft:
        g = self.room_np(_pick(self.rng, self.v.rooms))
        t = _pick(self.rng, ("stop following me{then}go to {g}", "stop{then}go back to {g}",
                             "stop there{then}return to {g}"))  # fmt: skip
        return _draft(t, [_call("stop"), _call("navigate", goal=g)], g, g=g.text, then=then)

    def _open_pick(self, then: str) -> _Draft:
        rng, v = self.rng, self.v
        holders = [
            c for c in v.openables if c.container and any(t.at == c.name for t in v.portable)
        ]
        box = _pick(rng, holders or v.openables)
        inside = [t for t in v.portable if t.at == box.name] or v.portable
        c, o = self.thing_np(box, det="the"), self.thing_np(_pick(rng, inside), adjective=0.1)
        t = _pick(rng, ("open {c}{then}take out {o}", "open {c}{then}grab {o}",
                        "open {c}{then}get {o} out", "open {c}{then}pick up {o}"))  # fmt: skip
        calls = [_call("set_open", object=c, open=True), _call("pick", object=o)]
        return _draft(t, calls, c, o, c=c.text, o=o.text, then=then)

    # -- requests no tool answers ------------------------------------------------------------
    def out_of_scope(self) -> _Draft:
        rng, v = self.rng, self.v
        kind = _weighted(
            rng, (("chat", 30), ("question", 25), ("impossible", 20), ("statement", 25))
        )
        mentions: list[_NP] = []
        slots: dict[str, str] = {
            "a": _pick(rng, _NUMBERS),
            "b": _pick(rng, _NUMBERS),
            "c": _pick(rng, _CITIES),
            "k": _pick(rng, _COUNTRIES),
            "n": _pick(rng, _FIRST_NAMES),
            "l": _pick(rng, ("french", "spanish", "german", "italian", "japanese")),
            "w": _pick(rng, ("car", "bicycle", "guitar", "sofa", "dress", "camera")),
            "rel": _pick(rng, v.relatives or ("friend",)),
            "adj": _pick(rng, ("nice", "pretty", "expensive", "cheap", "ugly")),
        }
        room = self.room_np(_pick(rng, v.rooms))
        slots["r"] = room.text
        if kind == "statement":
            o, _ = self.portable_np(relative=0.0, learned=0.0)
            dev = self.device_np(_pick(rng, v.devices)) if v.devices else o
            op = self.thing_np(_pick(rng, v.openables), det="the") if v.openables else o
            mentions = [o, room, dev, op]
            bare = o.text.split(" ", 1)[1] if " " in o.text else o.text
            slots |= {"o": o.text, "O": f"the {bare}", "be": o.be, "dev": dev.text, "op": op.text,
                      "they": "they are" if o.plural else "it is"}  # fmt: skip
            t = _pick(rng, OOS_STATEMENT)
        else:
            t = _pick(rng, {"chat": OOS_CHAT, "question": OOS_QUESTION,
                            "impossible": OOS_IMPOSSIBLE}[kind])  # fmt: skip
            if "{r}" in t:
                mentions = [room]
        return _draft(t, [], *mentions, sentence=True, **slots)


# -- wrapping: politeness, vocatives, casing ------------------------------------------------
def _finish(draft: _Draft, rng: random.Random) -> str:
    """Add politeness, maybe a vocative and a suffix; write it as speech or as typed text."""
    text = draft.text
    tools = [c[0] for c in draft.calls]
    if tools and not draft.sentence:
        prefix = _weighted(rng, _PREFIXES)
        if "go and" in prefix and (tools[0] not in _GO_AND_TOOLS or text.startswith("go ")):
            prefix = "please " if "please" in prefix else ""
        if tools[0] == "stop" and prefix not in {"please ", "now ", "ok "}:
            prefix = ""
        text = prefix + text
    question = bool(_QUESTION.match(text.lower()))
    if (tools or rng.random() < 0.3) and rng.random() < 0.12:
        text = _weighted(rng, _VOCATIVES).replace("{name}", _pick(rng, _ROBOT_NAMES)) + text
    if tools:
        short = draft.sentence or tools[0] == "stop"
        suffix = _weighted(rng, _SHORT_SUFFIXES if short else _SUFFIXES)
        if suffix == " for me" and tools[0] in _NO_FOR_ME:
            suffix = ""
        if suffix and (suffix.strip(" ,") in text or ("please" in suffix and "please" in text)):
            suffix = ""
        text += suffix
    if rng.random() < 0.62:  # as speech: lower case, no punctuation
        return " ".join(re.sub(r"[,.!?]", "", text.lower()).split())
    text = re.sub(r"\bi\b", "I", text)
    text = re.sub(r"\bi'", "I'", text)
    text = text[:1].upper() + text[1:]
    return text + ("?" if question else _weighted(rng, ((".", 6), ("", 3), ("!", 1))))


def _context(types: Sequence[str], vocab: _Vocab, rng: random.Random) -> dict[str, Any]:
    """The mentioned entity types plus 3-6 distractors from the world, shuffled."""
    out: list[str] = []
    seen: set[str] = set()
    for t in types:
        if t.lower() not in seen:
            out.append(t)
            seen.add(t.lower())
    want = rng.randint(3, 6)
    for _ in range(50):
        if not want:
            break
        if rng.random() < 0.08:
            t = _pick(rng, ("Robot", "Person", "Room"))
        else:
            name = _pick(rng, vocab.distractors)
            t = _etype(name, name, rng)
        if t.lower() not in seen:
            out.append(t)
            seen.add(t.lower())
            want -= 1
    rng.shuffle(out)
    return {"objects": out}


def _possible(tool: str, v: _Vocab) -> bool:
    """Whether the world has what a tool's requests need."""
    needs: dict[str, bool] = {
        "navigate": bool(v.rooms),
        "bring": bool(v.portable and v.supports),
        "pick": bool(v.portable),
        "place": bool(v.portable and v.supports),
        "find": bool(v.portable),
        "inspect": bool(v.portable),
        "set_power": bool(v.devices),
        "set_open": bool(v.openables),
        "attach": any(v.connections(k) for k in ("network", "wall", "device", "socket")),
        "detach": any(v.connections(k) for k in ("network", "wall", "device", "socket")),
    }
    return needs.get(tool, True)


def generate_with_calls(
    world: RobotWorld | None = None,
    n: int = 5000,
    *,
    seed: int = 0,
    out_of_scope: float = 0.1,
    multi: float = 0.15,
) -> list[tuple[Case, list[ToolCall]]]:
    """Generated cases, each with the calls a model should make (argument values in full).

    ``out_of_scope`` and ``multi`` are the shares of cases with no call and with several calls;
    the rest ask for one call, the tools drawn by :data:`TOOL_WEIGHTS`.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if not (0 <= out_of_scope <= 1 and 0 <= multi <= 1 and out_of_scope + multi <= 1):
        raise ValueError("out_of_scope and multi must be shares adding up to at most 1")
    rng = random.Random(seed)
    vocab = _Vocab(world if world is not None else RobotWorld())
    if not vocab.rooms or not vocab.portable or not vocab.supports or not vocab.devices:
        raise ValueError("the world needs rooms, portable objects, surfaces and devices")
    writer = _Writer(vocab, rng)
    n_oos, n_multi = round(n * out_of_scope), round(n * multi)
    plan = ["oos"] * n_oos + ["multi"] * n_multi + ["single"] * (n - n_oos - n_multi)
    rng.shuffle(plan)
    singles = [(name, w) for name, w in TOOL_WEIGHTS.items() if _possible(name, vocab)]
    makers: dict[str, Callable[[], _Draft]] = {
        "oos": writer.out_of_scope,
        "multi": writer.multi,
        **{name: getattr(writer, name) for name, _ in singles},
    }
    seen: set[str] = set()
    out: list[tuple[Case, list[ToolCall]]] = []
    for i, kind in enumerate(plan):
        for _ in range(6):  # a few tries for a sentence not written yet
            draft = makers[_weighted(rng, singles) if kind == "single" else kind]()
            utterance = _finish(draft, rng)
            if utterance.lower() not in seen:
                break
        seen.add(utterance.lower())
        case = Case(
            id=f"gen-rb-{i}",
            suite="robot",
            utterance=utterance,
            context=_context(draft.types, vocab, rng),
            expected=[ExpectedCall(tool=t, args=labels) for t, labels, _ in draft.calls],
            match="heads",
            family=_family(kind if kind != "single" else draft.calls[0][0], draft.template),
        )
        out.append((case, [ToolCall(tool=t, args=values) for t, _, values in draft.calls]))
    return out


def _family(kind: str, template: str) -> str:
    """A request's phrasing family: what it asks for and the template it was written from."""
    return f"generator.{kind}.{hashlib.sha1(template.encode()).hexdigest()[:8]}"


def generate(
    world: RobotWorld | None = None,
    n: int = 5000,
    *,
    seed: int = 0,
    out_of_scope: float = 0.1,
    multi: float = 0.15,
) -> list[Case]:
    """``n`` labelled robot requests written from ``world`` (the default household if None).

    The same seed gives the same cases. About ``out_of_scope`` of them expect no call and about
    ``multi`` several calls in order; labels are head nouns as spoken (``match="heads"``).
    """
    pairs = generate_with_calls(world, n, seed=seed, out_of_scope=out_of_scope, multi=multi)
    return [case for case, _ in pairs]
