"""Training utterances for the smart-home tools, generated from a :class:`HomeWorld`.

``generate(world, n, seed=...)`` writes requests the way people say them (commands and
questions, polite or terse, "in here" with the speaker's area as context, numbers as digits or
words...) and labels each with the Home Assistant intent call that answers it, following the
conventions of Home Assistant's intent tests:

- lights, fans and switches by place: ``domain`` + ``area`` (or ``floor``); the speaker's area
  (``context["area"]``) fills ``area`` when the request says "in here" or names no place;
  "all the lights in the house" is ``domain`` alone;
- a device by name: ``name`` alone (covers and locks too: open = on, lock = on, unlock = off);
  scenes, scripts and valves by name add their ``domain``;
- covers by kind: ``domain="cover"`` + ``device_class`` (+ area/floor);
- locks by place: ``domain="lock"``, ``name="all"`` (+ area);
- questions about binary sensors: ``domain="binary_sensor"`` + ``device_class`` + the raw state
  ``"on"``/``"off"``; about sensors: ``domain="sensor"`` + ``device_class`` + ``name``;
- timers: ``name``/``area``/``start_*`` only when the request says them.

Every slot value comes from the world (names, areas, floors, timers, lists, media), so labels
validate against the toolkit's closed vocabularies. About ``out_of_scope`` of the cases are
requests no tool handles (general knowledge, errands, devices or rooms the home lacks); their
expected calls are empty. The phrasings are written from the intents' semantics, not taken
from any evaluation set.

Command line::

    python -m edgeagent_tools.smart_home.generator --n 5000 --seed 0 -o generated.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from edgeagent.cases import Case, ExpectedCall
from edgeagent.sentences.tables import tables_in
from edgeagent.sentences.template import Node, parse
from edgeagent.sentences.template import expand as expand_template
from edgeagent.spoken_numbers import number_words

from .models import Area, Entity, Floor, Timer, norm
from .world import HomeWorld

__all__ = ["TOOL_WEIGHTS", "generate", "write_jsonl"]

# --------------------------------------------------------------------------------------------
# Templates in the sentence files' language (``edgeagent.sentences``): "(a|b)" picks one
# alternative, "[x]" or "[a|b]" is optional; "{slot}" is filled with the given words.
# --------------------------------------------------------------------------------------------


@cache
def _parse(template: str) -> tuple[Node, ...]:
    return parse(template)


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\s+([,?.!])", r"\1", text)
    text = re.sub(r",+", ",", text)
    return text.strip(" ,")


def expand(rng: random.Random, template: str, slots: Mapping[str, str] | None = None) -> str:
    """One random expansion of ``template`` with its ``{slots}`` filled."""
    words = slots or {}
    drawn = expand_template(
        _parse(template), rng, lambda _list, slot, _rng: (words[slot], words[slot]), {}
    )
    return _tidy(drawn.text)


# --------------------------------------------------------------------------------------------
# Numbers and durations, as digits or words.
# --------------------------------------------------------------------------------------------


def _article(spoken: str) -> str:
    """``a`` or ``an`` before a spoken number: an 8 minute, an eleven second, a one hour."""
    first = spoken.split()[0].lower()
    if first[0].isdigit():
        vowel = first.startswith("8") or first in {"11", "18"}
    else:
        vowel = first[0] in "aeiou" and not first.startswith("one")
    return "an" if vowel else "a"


_UNITS = ("hour", "minute", "second")
_MINUTES = (1, 2, 3, 4, 5, 5, 6, 7, 8, 10, 10, 12, 15, 15, 20, 20, 25, 30, 30, 40, 45, 50, 90)
_SECONDS = (5, 10, 15, 20, 30, 30, 40, 45, 50, 90)


# --------------------------------------------------------------------------------------------
# Phrasing data lives in ``phrases/*.yaml`` beside this module (docs/sentences.md, "Phrase
# tables"): words for kinds of devices, sensor classes, binary-sensor states, things to add to
# lists, media, wrappers. Here it is only shaped for the code that draws from it.
# --------------------------------------------------------------------------------------------

_P = tables_in(Path(__file__).parent / "phrases")


def _t(name: str) -> list[str]:
    """A list of templates from the phrase tables (a fresh list: callers add to it)."""
    return list(_P.templates(name))


# domain -> (singular, plural) nouns used with a place ("the kitchen lights").
_DOMAIN_NOUNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    domain: (nouns["one"], nouns["many"]) for domain, nouns in _P.group("domain_nouns").items()
}
# cover device class -> (singular, plural) nouns.
_COVER_NOUNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    cls: (nouns["one"], nouns["many"]) for cls, nouns in _P.group("cover_nouns").items()
}
_RAISABLE = frozenset({"blind", "shade", "shutter", "awning", "garage", "curtain"})
# Cover kinds a home may lack that people still ask for ("close the blinds in the bedroom").
_COMMON_COVER_CLASSES = ("blind", "window", "shutter", "curtain", "shade")

# sensor device class -> what it measures.
_SENSOR_NOUNS: dict[str, tuple[str, ...]] = _P.group("sensor_nouns")


@dataclass(frozen=True)
class _Binary:
    """How people ask about a binary sensor class: of a named sensor ({n}, {be}), or of the
    whole kind ({where} is a place or nothing); ``*_on``/``*_off`` ask for the raw state
    ``"on"``/``"off"`` (``phrases/binary_sensors.yaml``)."""

    named_on: tuple[str, ...] = ()
    named_off: tuple[str, ...] = ()
    any_on: tuple[str, ...] = ()
    any_off: tuple[str, ...] = ()


_BINARY: dict[str, _Binary] = {cls: _Binary(**spec) for cls, spec in _P.group("binary").items()}

_COLORS = _P.words("colors")

_GROCERIES = _P.words("groceries")
_CHORES = _P.words("chores")
_TIMER_NAMES = _P.words("timer_names")
_MESSAGES = _P.words("messages")
_COMMANDS = _P.words("commands")
# Titles people ask for, with the kind of media each is (used with world titles too).
_MEDIA_KINDS: dict[str, str] = {
    title: kind for kind, titles in _P.group("media_titles").items() for title in titles
}
_EXTRA_MEDIA = _P.words("extra_media")
_MEDIA_CLASS_WORDS: dict[str, tuple[str, ...]] = _P.group("media_class_words")
_WATCH = frozenset({"movie", "tv_show"})

# Requests no smart-home tool handles.
_OUT_OF_SCOPE = _P.templates("out_of_scope")
# Devices and rooms a home rarely has; kept only where the world has nothing of that name.
_ABSENT_DEVICES = _P.words("absent_devices")
_ABSENT_AREAS = _P.words("absent_areas")

# --------------------------------------------------------------------------------------------
# How often each tool is asked for (relative weights); HassTurnOn/Off, HassGetState and
# HassLightSet most, every tool at least about 1%.
# --------------------------------------------------------------------------------------------

TOOL_WEIGHTS: dict[str, float] = {
    "HassTurnOn": 13.0,
    "HassTurnOff": 12.0,
    "HassGetState": 13.0,
    "HassLightSet": 6.5,
    "HassSetPosition": 2.0,
    "HassClimateSetTemperature": 2.5,
    "HassClimateGetTemperature": 2.0,
    "HassFanSetSpeed": 1.3,
    "HassVacuumStart": 1.3,
    "HassVacuumReturnToBase": 1.3,
    "HassMediaSearchAndPlay": 3.0,
    "HassMediaPause": 1.5,
    "HassMediaUnpause": 1.4,
    "HassMediaNext": 1.5,
    "HassMediaPrevious": 1.2,
    "HassSetVolume": 2.0,
    "HassMediaPlayerMute": 1.3,
    "HassMediaPlayerUnmute": 1.3,
    "HassStartTimer": 3.0,
    "HassCancelTimer": 1.5,
    "HassCancelAllTimers": 1.2,
    "HassIncreaseTimer": 1.4,
    "HassDecreaseTimer": 1.4,
    "HassPauseTimer": 1.2,
    "HassUnpauseTimer": 1.2,
    "HassTimerStatus": 1.5,
    "HassShoppingListAddItem": 1.8,
    "HassShoppingListCompleteItem": 1.2,
    "HassListAddItem": 1.4,
    "HassListCompleteItem": 1.4,
    "HassGetWeather": 1.4,
    "HassGetCurrentDate": 1.3,
    "HassGetCurrentTime": 1.3,
    "HassNevermind": 1.3,
    "HassRespond": 1.2,
    "HassBroadcast": 1.2,
}

# Polite and casual wrappers: (text, weight).
_CMD_PREFIX = _P.weighted("cmd_prefix")
_CMD_SUFFIX = _P.weighted("cmd_suffix")
_ASK_PREFIX = _P.weighted("ask_prefix")
_QUESTION_OPENERS = _P.words("question_openers")
# Wrappers for requests that do not start with a verb ("kitchen lights off", "I want it warmer").
_SOFT_PREFIX = _P.weighted("soft_prefix")
_SOFT_SUFFIX = _P.weighted("soft_suffix")
# Words an imperative request starts with: only these take "can you", "please"... in front.
_VERBS = frozenset(_P.words("verbs"))

# --------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    tool: str
    args: dict[str, Any]
    text: str
    context: dict[str, Any] | None = None


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


def _be(name: str) -> str:
    last = name.split()[-1].lower() if name.split() else ""
    return "are" if last.endswith("s") and not last.endswith(("ss", "us")) else "is"


class _Generator:
    """Draws one labelled request at a time from a world."""

    def __init__(self, world: HomeWorld, rng: random.Random) -> None:
        self.w = world
        self.r = rng
        self.dom: dict[str, list[Entity]] = {}
        for e in world.entities.values():
            self.dom.setdefault(e.domain, []).append(e)
        self.areas = list(world.areas.values())
        self.floors = list(world.floors.values())
        self.vocab = world.vocabulary()
        self.states = set(self.vocab["state"])
        words: set[str] = set()
        for kind in ("name", "area", "floor"):
            for value in self.vocab.get(kind, []):
                words.update(norm(value).split())
        self.known_words = words
        self.makers: dict[str, Callable[[], _Draft | None]] = {
            name: getattr(self, "_" + name) for name in TOOL_WEIGHTS
        }
        self.said: list[str] = []  # templates used by the request being written

    # -- small helpers -------------------------------------------------------------------------
    def choice(self, seq: Sequence[Any]) -> Any:
        return self.r.choice(seq)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def pick(self, options: Sequence[tuple[Any, float]]) -> Any:
        return _weighted(self.r, options)

    def say(self, templates: Sequence[str] | str, **slots: str) -> str:
        t = templates if isinstance(templates, str) else self.choice(templates)
        self.said.append(t)  # the phrasing family of the request being written
        return expand(self.r, t, slots)

    def casing(self, text: str, lower: float = 0.75) -> str:
        return text.lower() if self.chance(lower) else text

    def wrap(self, text: str, kind: str = "cmd") -> str:
        """Add politeness, casing and punctuation: ``kind`` is cmd, ask or bare."""
        if kind == "cmd":
            first = text.split()[0].lower().strip(",") if text.split() else ""
            imperative = first in _VERBS
            pre = self.pick(_CMD_PREFIX if imperative else _SOFT_PREFIX)
            suf = self.pick(_CMD_SUFFIX if imperative else _SOFT_SUFFIX)
            low = f" {text.lower()} "
            if pre.strip() and (low.startswith(f" {pre.strip(' ,').split()[-1]} ") or
                                ("please" in pre and "please" in low)):  # fmt: skip
                pre = ""
            if suf.strip(" ,") and (
                suf.strip(" ,") in low or ("please" in suf and "please" in low + pre)
            ):
                suf = ""
            text = f"{pre}{text}{suf}"
            if pre.startswith(_QUESTION_OPENERS) and self.chance(0.6):
                text += "?"
            elif self.chance(0.08):
                text += self.choice((".", "!"))
        elif kind == "ask":
            text = self.pick(_ASK_PREFIX) + text
            if self.chance(0.55) and not text.endswith("?"):
                text += "?"
        elif self.chance(0.1):
            text += self.choice((".", "!"))
        text = _tidy(text)
        if self.chance(0.22):
            text = text[:1].upper() + text[1:]
        return text

    def entity_words(self, e: Entity, suffix: str = "") -> tuple[str, str]:
        """(spoken, label) for an entity; ``suffix`` (" light") may be appended when the name
        does not already say it."""
        names = e.names()
        label = names[0] if len(names) == 1 or self.chance(0.7) else self.choice(names[1:])
        spoken = self.casing(label)
        if suffix and suffix.strip().split()[0] not in norm(label) and self.chance(0.3):
            spoken += suffix
        return spoken, label

    def light_suffix(self, e: Entity) -> str:
        if e.domain == "light":
            low = norm(e.name)
            if not any(w in low for w in ("light", "lamp", "lights", "led", "bulb")):
                return self.choice((" light", " lights", " lamp"))
        if e.domain == "fan" and "fan" not in norm(e.name):
            return " fan"
        return ""

    def area_words(self, a: Area) -> dict[str, str]:
        names = a.names()
        label = names[0] if len(names) == 1 or self.chance(0.7) else self.choice(names[1:])
        spoken = self.casing(label, 0.8)
        bare = norm(label) in {"outside", "outdoors", "upstairs", "downstairs", "inside"}
        if bare:
            in_area = spoken if self.chance(0.7) else f"{self.choice(('out', 'in the'))} {spoken}"
            in_area = spoken if norm(label) != "outside" else in_area.replace("in the ", "")
            noun = "outside" if norm(label) == "outside" else f"the {spoken}"
        else:
            art = "the " if self.chance(0.8) else ""
            in_area = f"{self.choice(('in', 'in', 'in', 'inside'))} {art}{spoken}"
            noun = f"the {spoken}"
        return {"area": spoken, "in_area": in_area, "area_noun": noun, "_label": label}

    def floor_words(self, f: Floor) -> dict[str, str]:
        names = f.names()
        label = names[0] if len(names) == 1 or self.chance(0.7) else self.choice(names[1:])
        spoken = self.casing(label, 0.85)
        key = norm(label)
        if key in {"upstairs", "downstairs"}:
            on_floor = spoken
        elif "floor" in key or "level" in key or "story" in key:
            on_floor = f"{self.choice(('on', 'on', 'on', 'in'))} the {spoken}"
        else:
            on_floor = f"{self.choice(('in', 'in', 'on'))} the {spoken}"
        return {"floor": spoken, "on_floor": on_floor, "_label": label}

    def here(self, implicit: float = 0.35) -> str:
        if self.chance(implicit):
            return ""
        return self.pick(
            (("in here", 5), ("here", 1.5), ("in this room", 2.5), ("in the room", 1),
             ("in this area", 0.4), ("where I am", 0.5), ("in here with me", 0.3))
        )  # fmt: skip

    def percent(self, value: int, bare: float = 0.1) -> str:
        style = self.pick(
            (("%", 4), (" percent", 3.5), ("words", 1.5), ("bare", bare * 10), (" per cent", 0.3))
        )
        if style == "words":
            return number_words(value, self.chance(0.3)) + " percent"
        if style == "bare":
            return str(value)
        return f"{value}{style}"

    def number(self, value: int, words: float = 0.25) -> str:
        return number_words(value, self.chance(0.3)) if self.chance(words) else str(value)

    def context(self, area: Area | None = None) -> dict[str, Any]:
        a = area if area is not None else self.choice(self.areas)
        return {"area": a.name}

    def maybe_context(self, p: float = 0.25) -> dict[str, Any] | None:
        return self.context() if self.areas and self.chance(p) else None

    def area_of(self, e: Entity) -> Area | None:
        return self.w.areas.get(e.area_id or "")

    def areas_with(self, keep: Callable[[Entity], bool]) -> list[Area]:
        ids = {e.area_id for e in self.w.entities.values() if e.area_id and keep(e)}
        return [a for a in self.areas if a.id in ids]

    def floors_with(self, keep: Callable[[Entity], bool]) -> list[Floor]:
        ids = {self.w.floor_id_of(e) for e in self.w.entities.values() if keep(e)}
        return [f for f in self.floors if f.id in ids]

    def ents(self, *domains: str) -> list[Entity]:
        return [e for d in domains for e in self.dom.get(d, [])]

    # -- devices on and off --------------------------------------------------------------------
    def _HassTurnOn(self) -> _Draft | None:
        return self._on_off(True)

    def _HassTurnOff(self) -> _Draft | None:
        return self._on_off(False)

    def _on_off(self, on: bool) -> _Draft | None:
        frames: list[tuple[Callable[[bool], _Draft | None], float]] = [
            (self._switch_by_name, 26), (self._cover_by_name, 5), (self._lock_by_name, 5),
            (self._valve_by_name, 1.5), (self._scene_or_script, 5 if on else 2.5),
            (self._group_in_area, 19), (self._group_here, 14), (self._group_on_floor, 10),
            (self._group_everywhere, 8), (self._covers_by_kind, 9), (self._locks_all, 3),
            (self._name_in_area, 3),
        ]  # fmt: skip
        for _ in range(8):
            draft = self.pick(frames)(on)
            if draft is not None:
                return draft
        return None

    _ON = _P.templates("switch_by_name.on")
    _OFF = _P.templates("switch_by_name.off")

    def _switch_by_name(self, on: bool) -> _Draft | None:
        pool = self.ents("light", "switch", "fan", "input_boolean", "media_player", "humidifier",
                         "siren", "automation")  # fmt: skip
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e, self.light_suffix(e))
        t = self.choice(self._ON if on else self._OFF)
        if e.domain == "light" and self.chance(0.15):
            t = "(light up|illuminate) [the] {n}" if on else "turn out [the] {n}"
        if e.domain in {"fan", "media_player"} and self.chance(0.2):
            t = "start [the] {n}" if on else "stop [the] {n}"
        text = self.wrap(self.say(t, n=n))
        return _Draft(_tool(on), {"name": label}, text, self.maybe_context(0.2))

    def _cover_by_name(self, on: bool) -> _Draft | None:
        pool = self.ents("cover")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        ts = _t("cover_by_name.on") if on else _t("cover_by_name.off")
        text = self.wrap(self.say(ts, n=n))
        return _Draft(_tool(on), {"name": label}, text, self.maybe_context(0.2))

    def _lock_by_name(self, on: bool) -> _Draft | None:
        pool = self.ents("lock")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        ts = _t("lock_by_name.on") if on else _t("lock_by_name.off")
        text = self.wrap(self.say(ts, n=n))
        return _Draft(_tool(on), {"name": label}, text, self.maybe_context(0.2))

    def _valve_by_name(self, on: bool) -> _Draft | None:
        pool = self.ents("valve")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        ts = _t("valve_by_name.on") if on else _t("valve_by_name.off")
        text = self.wrap(self.say(ts, n=n))
        return _Draft(_tool(on), {"name": label, "domain": "valve"}, text)

    def _scene_or_script(self, on: bool) -> _Draft | None:
        pool = self.ents("scene", "script") if on else self.ents("script")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        if e.domain == "scene":
            ts = _t("scene_or_script.scene")
        elif on:
            ts = _t("scene_or_script.script_on")
        else:
            ts = _t("scene_or_script.script_off")
        text = self.wrap(self.say(ts, n=n))
        return _Draft(_tool(on), {"name": label, "domain": e.domain}, text)

    def _group_domain(self, where: Callable[[Entity], bool] | None = None) -> str | None:
        options = [d for d in _DOMAIN_NOUNS if any(where is None or where(e) for e in self.ents(d))]
        if not options:
            return None
        weights = {"light": 8.0, "fan": 1.5, "switch": 1.0}
        return str(self.pick([(d, weights.get(d, 1.0)) for d in options]))

    def _group_words(self, domain: str, mass: bool = True) -> dict[str, str]:
        """Nouns for a kind of device: ``d`` plural (or "lighting" when ``mass``), ``d1``
        singular, ``are`` the verb that agrees with ``d``."""
        sing, plur = _DOMAIN_NOUNS[domain]
        d = self.choice([p for p in plur if mass or p != "lighting"])
        return {"d": d, "d1": self.choice(sing), "are": "is" if d == "lighting" else "are"}

    def _group_in_area(self, on: bool) -> _Draft | None:
        areas = self.areas_with(lambda e: e.domain in _DOMAIN_NOUNS)
        if not areas:
            return None
        a = self.choice(areas)
        domain = self._group_domain(lambda e: e.area_id == a.id)
        if domain is None:
            return None
        aw = self.area_words(a)
        ts = _t("group_in_area.on" if on else "group_in_area.off")
        if domain == "light":
            ts.append("light up {area_noun}" if on else "(darken|make it dark in) {area_noun}")
        words = self._group_words(domain)
        named = {n.lower() for n in self.w.vocabulary()["name"]}
        if f"{aw['area']} {words['d1']}".lower() not in named:
            # "the kitchen light" names no entity here, so it means the kitchen's lights (as in HA)
            ts += _t("group_in_area_one.on" if on else "group_in_area_one.off")
        text = self.wrap(self.say(ts, **words, **aw))
        ctx = self.maybe_context(0.25)
        return _Draft(_tool(on), {"area": aw["_label"], "domain": domain}, text, ctx)

    def _group_here(self, on: bool) -> _Draft | None:
        areas = self.areas_with(lambda e: e.domain in _DOMAIN_NOUNS)
        if not areas:
            return None
        a = self.choice(areas)
        domain = self._group_domain(lambda e: e.area_id == a.id)
        if domain is None:
            return None
        ts = _t("group_here.on" if on else "group_here.off")
        if domain == "light":
            ts += _t("group_here.light_on") if on else _t("group_here.light_off")
        text = self.wrap(self.say(ts, here=self.here(), **self._group_words(domain)))
        return _Draft(_tool(on), {"area": a.name, "domain": domain}, text, self.context(a))

    def _group_on_floor(self, on: bool) -> _Draft | None:
        floors = self.floors_with(lambda e: e.domain in _DOMAIN_NOUNS)
        if not floors:
            return None
        f = self.choice(floors)
        domain = self._group_domain(lambda e: self.w.floor_id_of(e) == f.id)
        if domain is None:
            return None
        fw = self.floor_words(f)
        ts = _t("group_on_floor.on" if on else "group_on_floor.off")
        text = self.wrap(self.say(ts, **self._group_words(domain), **fw))
        ctx = self.maybe_context(0.2)
        return _Draft(_tool(on), {"floor": fw["_label"], "domain": domain}, text, ctx)

    def _group_everywhere(self, on: bool) -> _Draft | None:
        domain = self._group_domain()
        if domain is None:
            return None
        ts = _t("group_everywhere.on" if on else "group_everywhere.off")
        text = self.wrap(self.say(ts, **self._group_words(domain)))
        place = re.search(r"house|home|everywhere|every room|apartment", text)
        ctx = self.maybe_context(0.35) if place else None
        return _Draft(_tool(on), {"domain": domain}, text, ctx)

    def _cover_kind_words(self, device_class: str) -> dict[str, str]:
        sing, plur = _COVER_NOUNS.get(device_class, ((device_class,), (device_class + "s",)))
        return {"c": self.choice(plur), "c1": self.choice(sing)}

    def _cover_verbs(self, on: bool, device_class: str) -> str:
        if on:
            extra = "|raise|lift|pull up" if device_class in _RAISABLE else ""
            return "(open|open up|open" + extra + ")"
        extra = "|lower|pull down" if device_class in _RAISABLE else ""
        return "(close|shut|close" + extra + ")"

    def _covers_by_kind(self, on: bool) -> _Draft | None:
        if not self.ents("cover"):  # "cover" must be a domain the home knows
            return None
        covers = [e for e in self.ents("cover") if e.device_class]
        mode = self.pick((("area", 5), ("here", 4), ("floor", 1.2), ("house", 1.5)))
        real = bool(covers) and self.chance(0.82)
        area: Area | None = None
        floor: Floor | None = None
        if real:
            e = self.choice(covers)
            device_class = str(e.device_class)
            area = self.area_of(e)
            floor = self.w.floors.get(self.w.floor_id_of(e) or "")
        else:  # a kind the home may lack: still a cover request
            device_class = self.choice(_COMMON_COVER_CLASSES)
            area = self.choice(self.areas) if self.areas else None
            floor = self.choice(self.floors) if self.floors else None
            if mode == "house":
                device_class = self.choice(("garage", "gate", *_COMMON_COVER_CLASSES))
        verb = self._cover_verbs(on, device_class)
        kind = self._cover_kind_words(device_class)
        args: dict[str, Any] = {}
        ctx: dict[str, Any] | None = None
        if mode in {"area", "here"} and area is None:
            mode = "house"
        if mode == "floor" and floor is None:
            mode = "house"
        if mode == "area" and area is not None:
            aw = self.area_words(area)
            ts = [
                verb + " [all] [the] {c} {in_area}",
                verb + " [all] [the] {area} {c}",
                "{area} {c} " + ("open" if on else "(closed|shut)"),
                "I want the {c} {in_area} " + ("open" if on else "(closed|shut)"),
            ]
            text = self.wrap(self.say(ts, **kind, **aw))
            args["area"] = aw["_label"]
            ctx = self.maybe_context(0.2)
        elif mode == "here" and area is not None:
            ts = [
                verb + " [all] [the] {c} {here}",
                verb + " (the|my|our) {c} {here}",
                "{c} " + ("open" if on else "(closed|shut)") + " {here}",
            ]
            text = self.wrap(self.say(ts, here=self.here(0.4), **kind))
            args["area"] = area.name
            ctx = self.context(area)
        elif mode == "floor" and floor is not None:
            fw = self.floor_words(floor)
            ts = [verb + " [all] [the] {c} {on_floor}", verb + " [all] the {floor} {c}"]
            text = self.wrap(self.say(ts, **kind, **fw))
            args["floor"] = fw["_label"]
        else:
            if device_class in {"garage", "gate"}:
                ts = [verb + " the {c1}", verb + " [all] the {c}"]
            else:
                ts = [
                    verb + " all [of] the {c}",
                    verb + " every {c1} [in the house]",
                    verb + " [all] the {c} (everywhere|in the whole house|throughout the house)",
                ]
            text = self.wrap(self.say(ts, **kind))
        args.update({"domain": "cover", "device_class": device_class})
        return _Draft(_tool(on), _ordered(args), text, ctx)

    def _locks_all(self, on: bool) -> _Draft | None:
        locks = self.ents("lock")
        if not locks:
            return None
        areas = self.areas_with(lambda e: e.domain == "lock")
        if areas and self.chance(0.5):
            a = self.choice(areas)
            aw = self.area_words(a)
            ts = _t("locks_in_area.on" if on else "locks_in_area.off")
            text = self.wrap(self.say(ts, **aw))
            return _Draft(_tool(on), {"area": aw["_label"], "domain": "lock", "name": "all"}, text)
        ts = _t("locks_everywhere.on" if on else "locks_everywhere.off")
        text = self.wrap(self.say(ts))
        return _Draft(_tool(on), {"domain": "lock", "name": "all"}, text, self.maybe_context(0.2))

    def _name_in_area(self, on: bool) -> _Draft | None:
        pool = [e for e in self.ents("light", "switch", "fan", "cover") if self.area_of(e)]
        if not pool:
            return None
        e = self.choice(pool)
        area = self.area_of(e)
        assert area is not None
        n, label = self.entity_words(e, self.light_suffix(e))
        aw = self.area_words(area)
        if e.domain == "cover":
            ts = _t("cover_in_area.on" if on else "cover_in_area.off")
        else:
            ts = _t("name_in_area.on" if on else "name_in_area.off")
        text = self.wrap(self.say(ts, n=n, **aw))
        return _Draft(
            _tool(on), {"name": label, "area": aw["_label"]}, text, self.maybe_context(0.2)
        )

    # -- questions about state -----------------------------------------------------------------
    def _HassGetState(self) -> _Draft | None:
        frames: list[tuple[Callable[[], _Draft | None], float]] = [
            (self._state_switch_name, 10), (self._state_group, 11), (self._state_lock_name, 5),
            (self._state_locks, 4), (self._state_cover_name, 4), (self._state_covers, 3),
            (self._state_binary_name, 14), (self._state_binary_kind, 11),
            (self._state_sensor, 14), (self._state_plain_sensor, 1.5), (self._state_person, 4),
        ]  # fmt: skip
        for _ in range(8):
            draft = self.pick(frames)()
            if draft is not None:
                return draft
        return None

    def _ask(self, templates: Sequence[str] | str, **slots: str) -> str:
        return self.wrap(self.say(templates, **slots), "ask")

    def _state_switch_name(self) -> _Draft | None:
        pool = self.ents("light", "switch", "fan", "input_boolean")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e, self.light_suffix(e))
        state = self.choice(("on", "off"))
        ts = _t("state_switch_name")
        if state == "on":
            ts.append("did (I|someone|we) leave [the] {n} on")
            if e.domain in {"light", "fan"}:
                ts.append("is [the] {n} " + ("lit" if e.domain == "light" else "running"))
        text = self._ask(ts, n=n, s=state)
        return _Draft(
            "HassGetState", {"name": label, "state": state}, text, self.maybe_context(0.15)
        )

    def _state_group(self) -> _Draft | None:
        domain = self._group_domain()
        if domain is None:
            return None
        state = self.pick((("on", 3), ("off", 1.2)))
        kw = self._group_words(domain, mass=False)
        args: dict[str, Any] = {}
        mode = self.pick((("house", 4), ("area", 3), ("floor", 2)))
        where = ""
        if mode == "area":
            areas = self.areas_with(lambda e: e.domain == domain)
            if areas:
                aw = self.area_words(self.choice(areas))
                where, args["area"] = aw["in_area"], aw["_label"]
        elif mode == "floor":
            floors = self.floors_with(lambda e: e.domain == domain)
            if floors:
                fw = self.floor_words(self.choice(floors))
                where, args["floor"] = fw["on_floor"], fw["_label"]
        if not where and self.chance(0.3):
            where = self.choice(
                ("in the house", "at home", "right now", "anywhere", "at the moment")
            )
        ts = _t("state_group")
        text = self._ask(ts, s=state, w=where, **kw)
        args.update({"domain": domain, "state": state})
        return _Draft("HassGetState", _ordered(args), text)

    def _state_lock_name(self) -> _Draft | None:
        pool = self.ents("lock")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        be = _be(label)
        if self.chance(0.25):
            ts = _t("state_lock_name")
            text = self._ask(ts, n=n, be=be)
            return _Draft("HassGetState", {"name": label, "domain": "lock"}, text)
        state = self.choice(("locked", "unlocked"))
        ts = ["{be} [the] {n} {s}", "{be} [the] {n} (still|currently) {s}", "(check|tell me) (if|whether) [the] {n} {be} {s}",
              "did (I|someone|we) leave [the] {n} {s}" if state == "unlocked" else "did (I|someone|we) lock [the] {n}"]  # fmt: skip
        text = self._ask(ts, n=n, s=state, be=be)
        return _Draft("HassGetState", {"name": label, "domain": "lock", "state": state}, text)

    def _state_locks(self) -> _Draft | None:
        if not self.ents("lock"):
            return None
        state = self.choice(("locked", "unlocked"))
        args: dict[str, Any] = {}
        where = ""
        areas = self.areas_with(lambda e: e.domain == "lock")
        if areas and self.chance(0.25):
            aw = self.area_words(self.choice(areas))
            where, args["area"] = aw["in_area"], aw["_label"]
        elif self.chance(0.3):
            where = self.choice(("in the house", "right now", "at the moment", "tonight"))
        ts = _t("state_locks")
        text = self._ask(ts, s=state, w=where)
        args.update({"domain": "lock", "state": state})
        return _Draft("HassGetState", _ordered(args), text)

    def _state_cover_name(self) -> _Draft | None:
        pool = self.ents("cover")
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        if self.chance(0.2):
            ts = _t("state_cover_name.status")
            text = self._ask(ts, n=n, be=_be(label))
            return _Draft("HassGetState", {"name": label, "domain": "cover"}, text)
        state = self.choice(("open", "closed"))
        word = state if state == "open" else self.choice(("closed", "closed", "shut"))
        ts = _t("state_cover_name.is_state")
        if state == "open":
            ts.append("did (I|someone|we) leave [the] {n} open")
        text = self._ask(ts, n=n, s=word, be=_be(label))
        return _Draft("HassGetState", {"name": label, "state": state}, text)

    def _state_covers(self) -> _Draft | None:
        covers = [e for e in self.ents("cover") if e.device_class and self.area_of(e)]
        if not covers:
            return None
        e = self.choice(covers)
        device_class = str(e.device_class)
        kind = self._cover_kind_words(device_class)
        state = self.choice(("open", "closed"))
        word = state if state == "open" else self.choice(("closed", "shut"))
        args: dict[str, Any] = {}
        where = ""
        area = self.area_of(e)
        if area is not None and self.chance(0.6):
            aw = self.area_words(area)
            where, args["area"] = aw["in_area"], aw["_label"]
        ts = _t("state_covers")
        text = self._ask(ts, s=word, w=where, **kind)
        args.update({"domain": "cover", "device_class": device_class, "state": state})
        return _Draft("HassGetState", _ordered(args), text)

    def _binary_pool(self) -> list[Entity]:
        return [e for e in self.ents("binary_sensor") if e.device_class in _BINARY]

    def _state_binary_name(self) -> _Draft | None:
        pool = [
            e
            for e in self._binary_pool()
            if _BINARY[str(e.device_class)].named_on or _BINARY[str(e.device_class)].named_off
        ]
        if not pool:
            return None
        e = self.choice(pool)
        spec = _BINARY[str(e.device_class)]
        n, label = self.entity_words(e)
        on = bool(spec.named_on) and (not spec.named_off or self.chance(0.6))
        ts = spec.named_on if on else spec.named_off
        text = self._ask(ts, n=n, be=_be(label))
        args: dict[str, Any] = {"name": label}
        area = self.area_of(e)
        if area is not None and self.chance(0.15):
            aw = self.area_words(area)
            text = self._ask([t + " {in_area}" for t in ts], n=n, be=_be(label), **aw)
            args["area"] = aw["_label"]
        args.update({"domain": "binary_sensor", "device_class": e.device_class,
                     "state": "on" if on else "off"})  # fmt: skip
        return _Draft("HassGetState", _ordered(args), text)

    def _state_binary_kind(self) -> _Draft | None:
        pool = [
            e
            for e in self._binary_pool()
            if _BINARY[str(e.device_class)].any_on or _BINARY[str(e.device_class)].any_off
        ]
        cover_classes = {e.device_class for e in self.ents("cover")}
        pool = [e for e in pool if e.device_class not in cover_classes]  # "windows": covers
        if not pool:
            return None
        e = self.choice(pool)
        device_class = str(e.device_class)
        spec = _BINARY[device_class]
        on = bool(spec.any_on) and (not spec.any_off or self.chance(0.7))
        ts = spec.any_on if on else spec.any_off
        args: dict[str, Any] = {}
        area = self.area_of(e)
        needs_place = any("{where_noun}" in t for t in ts)
        if area is not None and (needs_place or self.chance(0.45)):
            aw = self.area_words(area)
            where, noun = aw["in_area"], aw["area_noun"]
            args["area"] = aw["_label"]
        elif needs_place:
            return None
        else:
            where = self.choice(
                ("", "", "", "anywhere", "in the house", "right now", "at the moment")
            )
            noun = ""
        text = self._ask(ts, where=where, where_noun=noun)
        args.update({"domain": "binary_sensor", "device_class": device_class,
                     "state": "on" if on else "off"})  # fmt: skip
        return _Draft("HassGetState", _ordered(args), text)

    def _state_sensor(self) -> _Draft | None:
        pool = [e for e in self.ents("sensor") if e.device_class in _SENSOR_NOUNS]
        if not pool:
            return None
        e = self.choice(pool)
        device_class = str(e.device_class)
        n, label = self.entity_words(e)
        the_n = n if norm(n).startswith(("my ", "our ")) or self.chance(0.25) else f"the {n}"
        nouns = _SENSOR_NOUNS[device_class]
        said = next((x for x in nouns if x.lower() in norm(label)), None)
        if said is not None and self.chance(0.6):
            ts = _t("state_sensor.named")
            text = self._ask(ts, tn=the_n)
        else:
            ts = _t("state_sensor.measure")
            if said is None:
                ts.append("{tn} {x}?")
            if device_class == "battery":
                ts += _t("state_sensor.battery")
            if device_class == "temperature":
                ts += _t("state_sensor.temperature")
            if device_class in {"humidity", "moisture"}:
                ts += _t("state_sensor.humidity")
            text = self._ask(ts, tn=the_n, x=self.choice(nouns))
        args = {"name": label, "domain": "sensor", "device_class": device_class}
        return _Draft("HassGetState", args, text)

    def _state_plain_sensor(self) -> _Draft | None:
        pool = [e for e in self.ents("sensor") if not e.device_class]
        if not pool:
            return None
        e = self.choice(pool)
        n, label = self.entity_words(e)
        ts = _t("state_plain_sensor")
        return _Draft("HassGetState", {"name": label}, self._ask(ts, n=n))

    def _state_person(self) -> _Draft | None:
        people = self.ents("person")
        if not people:
            return None
        e = self.choice(people)
        n = e.name if self.chance(0.8) else e.name.lower()
        mode = self.pick((("where", 4), ("home", 3), ("who", 1.5)))
        if mode == "where":
            ts = _t("state_person.where")
            return _Draft("HassGetState", {"name": e.name, "domain": "person"}, self._ask(ts, n=n))
        if mode == "home" and "home" in self.states:
            ts = _t("state_person.home")
            return _Draft("HassGetState", {"name": e.name, "domain": "person", "state": "home"},
                          self._ask(ts, n=n))  # fmt: skip
        ts = _t("state_person.who")
        return _Draft("HassGetState", {"domain": "person", "state": "home"}, self._ask(ts))

    # -- lights, covers, climate, fans, vacuums ------------------------------------------------
    def _brightness(self) -> tuple[int, str | None]:
        """A brightness and, for the extremes, a phrase instead of a number."""
        if self.chance(0.1):
            return 100, self.choice(
                (
                    "full brightness",
                    "maximum brightness",
                    "max brightness",
                    "the brightest setting",
                    "100 percent brightness",
                )
            )
        if self.chance(0.05):
            return 1, self.choice(
                (
                    "minimum brightness",
                    "the lowest brightness",
                    "the dimmest setting",
                    "lowest setting",
                )
            )
        value = self.choice(
            (10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100, 5, 15, 35, 45, 55, 65, 85, 95)
        )
        if self.chance(0.2):
            value = self.r.randint(1, 100)
        return value, None

    def _HassLightSet(self) -> _Draft | None:
        lights = self.ents("light")
        if not lights:
            return None
        mode = self.pick((("name", 10), ("area", 8), ("here", 6), ("floor", 2.5)))
        by_color = self.chance(0.38)
        value, extreme = self._brightness()
        color = self.choice(_COLORS)
        p = extreme if extreme else self.percent(value)
        args: dict[str, Any] = {}
        ctx: dict[str, Any] | None = None
        if mode == "name":
            e = self.choice(lights)
            n, label = self.entity_words(e, self.light_suffix(e))
            if by_color:
                ts = _t("HassLightSet.name_color")
            elif extreme:
                ts = _t("HassLightSet.name_extreme")
            else:
                ts = _t("HassLightSet.name_brightness")
            text = self.wrap(self.say(ts, n=n, col=color, p=p))
            args["name"] = label
            ctx = self.maybe_context(0.2)
        elif mode in {"area", "floor"}:
            if mode == "area":
                areas = self.areas_with(lambda e: e.domain == "light")
                pw = self.area_words(self.choice(areas))
                place, where = pw["area"], pw["in_area"]
                args["area"] = pw["_label"]
            else:
                floors = self.floors_with(lambda e: e.domain == "light")
                if not floors:
                    return None
                pw = self.floor_words(self.choice(floors))
                place, where = pw["floor"], pw["on_floor"]
                args["floor"] = pw["_label"]
            ts = _t("HassLightSet.place_color") if by_color else _t("HassLightSet.place_brightness")
            text = self.wrap(self.say(ts, a=place, w=where, col=color, p=p))
            ctx = self.maybe_context(0.2)
        else:
            areas = self.areas_with(lambda e: e.domain == "light")
            a = self.choice(areas)
            ts = _t("HassLightSet.here_color") if by_color else _t("HassLightSet.here_brightness")
            text = self.wrap(self.say(ts, h=self.here(0.45), col=color, p=p))
            args["area"] = a.name
            ctx = self.context(a)
        args["color" if by_color else "brightness"] = color if by_color else value
        return _Draft("HassLightSet", args, text, ctx)

    def _position(self) -> tuple[int, str]:
        if self.chance(0.1):
            return 50, self.choice(("halfway", "half way", "half open"))
        value = self.choice((10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 15, 35, 45, 65, 85))
        return value, self.percent(value, bare=0.15)

    def _HassSetPosition(self) -> _Draft | None:
        covers = self.ents("cover", "valve")
        if not covers:
            return None
        value, p = self._position()
        kinds = [e for e in self.ents("cover") if e.device_class and self.area_of(e)]
        if kinds and self.chance(0.4):
            if p in {"halfway", "half way", "half open"}:
                p = self.percent(value)
            e = self.choice(kinds)
            device_class = str(e.device_class)
            area = self.area_of(e)
            assert area is not None
            kind = self._cover_kind_words(device_class)
            if self.chance(0.5):
                aw = self.area_words(area)
                ts = _t("HassSetPosition.kind_area")
                text = self.wrap(self.say(ts, p=p, **kind, **aw))
                args: dict[str, Any] = {
                    "area": aw["_label"], "domain": "cover", "device_class": device_class
                }  # fmt: skip
                ctx = self.maybe_context(0.15)
            else:
                ts = _t("HassSetPosition.kind_here")
                text = self.wrap(self.say(ts, p=p, h=self.here(0.5), **kind))
                args = {"area": area.name, "domain": "cover", "device_class": device_class}
                ctx = self.context(area)
            args["position"] = value
            return _Draft("HassSetPosition", args, text, ctx)
        e = self.choice(covers)
        n, label = self.entity_words(e)
        ts = _t("HassSetPosition.name")
        if p in {"halfway", "half way", "half open"}:
            ts = _t("HassSetPosition.name_halfway")
        text = self.wrap(self.say(ts, n=n, p=p))
        call = {"name": label, "domain": e.domain, "position": value}
        return _Draft("HassSetPosition", call, text, self.maybe_context(0.15))

    def _temperature(self) -> tuple[float | int, str]:
        if self.chance(0.22):
            value: float | int = self.r.randint(60, 78)
            unit = self.choice((" degrees", " degrees", "°", " degrees fahrenheit", ""))
        else:
            value = self.r.randint(15, 26)
            unit = self.choice((" degrees", " degrees", "°", " degrees celsius", " degrees C", ""))
        if self.chance(0.15):
            value = value + 0.5
        whole = int(value)
        if isinstance(value, float):
            spoken = self.pick(((f"{value}", 4), (number_words(whole) + " point five", 1),
                                (number_words(whole) + " and a half", 1)))  # fmt: skip
        else:
            spoken = self.number(whole, 0.25)
        return value, spoken + unit

    def _climate_places(self) -> tuple[list[Area], list[Floor]]:
        return (self.areas_with(lambda e: e.domain == "climate"),
                self.floors_with(lambda e: e.domain == "climate"))  # fmt: skip

    def _HassClimateSetTemperature(self) -> _Draft | None:
        climates = self.ents("climate")
        if not climates:
            return None
        value, t = self._temperature()
        areas, floors = self._climate_places()
        mode = self.pick((("here", 8), ("bare", 2.5), ("name", 6), ("area", 6), ("floor", 1.5)))
        args: dict[str, Any] = {}
        ctx: dict[str, Any] | None = None
        if mode in {"here", "bare"}:
            ts = _t("HassClimateSetTemperature.here")
            if mode == "here" and areas:
                a = self.choice(areas)
                text = self.wrap(self.say(ts, t=t, h=self.here(0.55)))
                args["area"] = a.name
                ctx = self.context(a)
            else:
                text = self.wrap(self.say(ts, t=t, h=""))
        elif mode == "name":
            e = self.choice(climates)
            n, label = self.entity_words(e)
            ts = _t("HassClimateSetTemperature.name")
            text = self.wrap(self.say(ts, n=n, t=t))
            args["name"] = label
            ctx = self.maybe_context(0.2)
        elif mode == "area" and areas:
            aw = self.area_words(self.choice(areas))
            ts = _t("HassClimateSetTemperature.area")
            text = self.wrap(self.say(ts, t=t, **aw))
            args["area"] = aw["_label"]
            ctx = self.maybe_context(0.2)
        elif floors:
            fw = self.floor_words(self.choice(floors))
            ts = _t("HassClimateSetTemperature.floor")
            text = self.wrap(self.say(ts, t=t, **fw))
            args["floor"] = fw["_label"]
        else:
            return None
        args["temperature"] = value
        return _Draft("HassClimateSetTemperature", args, text, ctx)

    def _HassClimateGetTemperature(self) -> _Draft | None:
        climates = self.ents("climate")
        if not climates:
            return None
        areas, floors = self._climate_places()
        mode = self.pick((("here", 8), ("bare", 2), ("area", 6), ("name", 3), ("floor", 1.5)))
        here_ts = _t("HassClimateGetTemperature.here")
        if mode == "here" and areas:
            a = self.choice(areas)
            text = self.wrap(self.say(here_ts, h=self.here(0.5)), "ask")
            return _Draft("HassClimateGetTemperature", {"area": a.name}, text, self.context(a))
        if mode == "bare" or (mode == "here" and not areas):
            ts = [t.replace(" {h}", "") for t in here_ts] + _t("HassClimateGetTemperature.inside")
            return _Draft("HassClimateGetTemperature", {}, self.wrap(self.say(ts), "ask"))
        if mode == "area" and areas:
            aw = self.area_words(self.choice(areas))
            ts = _t("HassClimateGetTemperature.area")
            text = self.wrap(self.say(ts, **aw), "ask")
            return _Draft(
                "HassClimateGetTemperature", {"area": aw["_label"]}, text, self.maybe_context(0.2)
            )
        if mode == "floor" and floors:
            fw = self.floor_words(self.choice(floors))
            ts = _t("HassClimateGetTemperature.floor")
            text = self.wrap(self.say(ts, **fw), "ask")
            return _Draft("HassClimateGetTemperature", {"floor": fw["_label"]}, text)
        e = self.choice(climates)
        n, label = self.entity_words(e)
        ts = _t("HassClimateGetTemperature.name")
        text = self.wrap(self.say(ts, n=n), "ask")
        return _Draft("HassClimateGetTemperature", {"name": label}, text)

    def _HassFanSetSpeed(self) -> _Draft | None:
        fans = self.ents("fan")
        if not fans:
            return None
        if self.chance(0.1):
            value, p = 100, self.choice(("full speed", "maximum speed", "top speed", "max speed"))
        else:
            value = self.choice((10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100, 33, 66))
            p = self.percent(value)
        mode = self.pick((("name", 6), ("area", 3), ("here", 3)))
        areas = self.areas_with(lambda e: e.domain == "fan")
        if mode == "name" or not areas:
            e = self.choice(fans)
            n, label = self.entity_words(e, self.light_suffix(e))
            ts = _t("HassFanSetSpeed.name")
            text = self.wrap(self.say(ts, n=n, p=p))
            return _Draft(
                "HassFanSetSpeed",
                {"name": label, "percentage": value},
                text,
                self.maybe_context(0.2),
            )
        a = self.choice(areas)
        if mode == "area":
            aw = self.area_words(a)
            ts = _t("HassFanSetSpeed.area")
            text = self.wrap(self.say(ts, p=p, **aw))
            return _Draft(
                "HassFanSetSpeed",
                {"area": aw["_label"], "percentage": value},
                text,
                self.maybe_context(0.2),
            )
        ts = _t("HassFanSetSpeed.here")
        text = self.wrap(self.say(ts, p=p, h=self.here(0.5)))
        return _Draft(
            "HassFanSetSpeed", {"area": a.name, "percentage": value}, text, self.context(a)
        )

    def _HassVacuumStart(self) -> _Draft | None:
        vacuums = self.ents("vacuum")
        if not vacuums:
            return None
        mode = self.pick((("name", 6), ("area", 3), ("floor", 1.2)))
        if mode == "name":
            e = self.choice(vacuums)
            n, label = self.entity_words(e)
            ts = _t("HassVacuumStart.name")
            return _Draft("HassVacuumStart", {"name": label}, self.wrap(self.say(ts, n=n)))
        if mode == "area":
            near = self.areas_with(lambda e: e.domain == "vacuum")
            pool = near if near and self.chance(0.8) else self.areas
            aw = self.area_words(self.choice(pool))
            ts = _t("HassVacuumStart.area")
            return _Draft("HassVacuumStart", {"area": aw["_label"]}, self.wrap(self.say(ts, **aw)))
        floors = self.floors_with(lambda e: e.domain == "vacuum") or self.floors
        if not floors:
            return None
        fw = self.floor_words(self.choice(floors))
        ts = _t("HassVacuumStart.floor")
        return _Draft("HassVacuumStart", {"floor": fw["_label"]}, self.wrap(self.say(ts, **fw)))

    def _HassVacuumReturnToBase(self) -> _Draft | None:
        vacuums = self.ents("vacuum")
        if not vacuums:
            return None
        areas = self.areas_with(lambda e: e.domain == "vacuum")
        if areas and self.chance(0.25):
            aw = self.area_words(self.choice(areas))
            ts = _t("HassVacuumReturnToBase.area")
            return _Draft(
                "HassVacuumReturnToBase", {"area": aw["_label"]}, self.wrap(self.say(ts, **aw))
            )
        e = self.choice(vacuums)
        n, label = self.entity_words(e)
        ts = _t("HassVacuumReturnToBase.name")
        return _Draft("HassVacuumReturnToBase", {"name": label}, self.wrap(self.say(ts, n=n)))

    # -- media ---------------------------------------------------------------------------------
    def _player_target(
        self, near_only: float = 0.8
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, str]]:
        """A media target: (mode, args, context, slots) where mode is here, name or area."""
        players = self.ents("media_player")
        near = self.areas_with(lambda e: e.domain == "media_player")
        mode = self.pick((("here", 6), ("name", 4), ("area", 3)))
        if mode == "name" and players:
            e = self.choice(players)
            n, label = self.entity_words(e)
            return "name", {"name": label}, self.maybe_context(0.2), {"n": n}
        pool = near if near and self.chance(near_only) else self.areas
        a = self.choice(pool)
        if mode == "area":
            aw = self.area_words(a)
            return "area", {"area": aw["_label"]}, self.maybe_context(0.2), aw
        return "here", {"area": a.name}, self.context(a), {"h": self.here(0.6)}

    def _transport(
        self, tool: str, here: Sequence[str], name: Sequence[str], area: Sequence[str]
    ) -> _Draft | None:
        if not self.ents("media_player"):
            return None
        mode, args, ctx, slots = self._player_target()
        ts = {"here": here, "name": name, "area": area}[mode]
        return _Draft(tool, args, self.wrap(self.say(ts, **slots)), ctx)

    def _HassMediaPause(self) -> _Draft | None:
        return self._transport(
            "HassMediaPause",
            _t("HassMediaPause.here"),
            _t("HassMediaPause.name"),
            _t("HassMediaPause.area"),
        )  # fmt: skip

    def _HassMediaUnpause(self) -> _Draft | None:
        return self._transport(
            "HassMediaUnpause",
            _t("HassMediaUnpause.here"),
            _t("HassMediaUnpause.name"),
            _t("HassMediaUnpause.area"),
        )  # fmt: skip

    def _HassMediaNext(self) -> _Draft | None:
        return self._transport(
            "HassMediaNext",
            _t("HassMediaNext.here"),
            _t("HassMediaNext.name"),
            _t("HassMediaNext.area"),
        )  # fmt: skip

    def _HassMediaPrevious(self) -> _Draft | None:
        return self._transport(
            "HassMediaPrevious",
            _t("HassMediaPrevious.here"),
            _t("HassMediaPrevious.name"),
            _t("HassMediaPrevious.area"),
        )  # fmt: skip

    def _HassMediaPlayerMute(self) -> _Draft | None:
        return self._transport(
            "HassMediaPlayerMute",
            _t("HassMediaPlayerMute.here"),
            _t("HassMediaPlayerMute.name"),
            _t("HassMediaPlayerMute.area"),
        )  # fmt: skip

    def _HassMediaPlayerUnmute(self) -> _Draft | None:
        return self._transport(
            "HassMediaPlayerUnmute",
            _t("HassMediaPlayerUnmute.here"),
            _t("HassMediaPlayerUnmute.name"),
            _t("HassMediaPlayerUnmute.area"),
        )  # fmt: skip

    def _HassSetVolume(self) -> _Draft | None:
        if not self.ents("media_player"):
            return None
        value = self.choice(
            (10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 100, 5)
        )
        p = self.percent(value, bare=0.25)
        mode, args, ctx, slots = self._player_target()
        base = _t("HassSetVolume.base")
        if mode == "here":
            ts = [t + " {h}" for t in base]
        elif mode == "name":
            ts = [t + " on [the] {n}" for t in base] + _t("HassSetVolume.name")
        else:
            ts = [t + " {in_area}" for t in base] + _t("HassSetVolume.area")
        args = {**args, "volume_level": value}
        return _Draft("HassSetVolume", args, self.wrap(self.say(ts, p=p, **slots)), ctx)

    def _HassMediaSearchAndPlay(self) -> _Draft | None:
        if not self.ents("media_player"):
            return None
        titles = [m.title for m in self.w.media]
        kinds = {m.title: m.media_class for m in self.w.media if m.media_class}
        title = self.choice(titles) if titles and self.chance(0.8) else self.choice(_EXTRA_MEDIA)
        kind = kinds.get(title) or _MEDIA_KINDS.get(title.lower())
        q = title if self.chance(0.6) else title.lower()
        mode, args, ctx, slots = self._player_target()
        cls = kind if kind in _MEDIA_CLASS_WORDS and self.chance(0.45) else None
        verb = (
            "(play|put on|start playing|I want to (watch|see))"
            if kind in _WATCH
            else "(play|put on|start playing|I want to (hear|listen to))"
        )
        if cls:
            w = self.choice(_MEDIA_CLASS_WORDS[cls])
            ts = [
                verb + " the " + w + " {q}",
                verb + " [the] {q} " + w,
                "(play|put on) " + w + " {q}",
            ]
            if cls == "artist":
                ts.append("play (something|songs|music) by the " + w + " {q}")
        else:
            ts = [
                verb + " {q}",
                "(can you|could you|please) play {q}",
                "let's (hear|watch) {q}",
                "(stream|queue up) {q}",
            ]
        where = {"here": " {h}", "name": " on [the] {n}", "area": " {in_area}"}[mode]
        if mode == "name" and self.chance(0.2):
            near = self.areas_with(lambda e: e.domain == "media_player")
            if near:
                aw = self.area_words(self.choice(near))
                slots = {**slots, **aw}
                where = " on [the] {n} {in_area}"
                args = {**args, "area": aw["_label"]}
        ts = [t + where for t in ts]
        text = self.wrap(self.say(ts, q=q, **slots))
        call: dict[str, Any] = {**args, "search_query": title}
        if cls:
            call["media_class"] = cls
        return _Draft("HassMediaSearchAndPlay", call, text, ctx)

    # -- timers --------------------------------------------------------------------------------
    def _duration(self, style: str | None = None) -> tuple[dict[str, int], str, str]:
        """(slots, spoken ``1 hour and 5 minutes``, adjectival ``1 hour 5 minute``)."""
        combo = style or self.pick(
            (("m", 45), ("h", 12), ("s", 12), ("hm", 12), ("ms", 10), ("hs", 4), ("hms", 2))
        )
        values: dict[str, int] = {}
        if "h" in combo:
            values["hours"] = self.pick(((1, 6), (2, 3), (3, 1), (4, 0.5), (5, 0.3), (12, 0.2)))
        if "m" in combo:
            values["minutes"] = self.choice(_MINUTES) if self.chance(0.7) else self.r.randint(1, 59)
        if "s" in combo:
            values["seconds"] = self.choice(_SECONDS) if self.chance(0.7) else self.r.randint(1, 59)
        return (values, *self._duration_words(values))

    def _duration_words(self, values: Mapping[str, int]) -> tuple[str, str]:
        """How a duration is said: (``1 hour and 5 minutes``, ``1 hour 5 minute``)."""
        parts: list[str] = []
        adj: list[str] = []
        for key, unit in zip(("hours", "minutes", "seconds"), _UNITS, strict=True):
            v = values.get(key)
            if not v:
                continue
            if v == 1 and self.chance(0.4):
                word = "an" if unit == "hour" else "a"
                parts.append(
                    f"{self.choice((word, 'one') if not parts else (word, 'one', '1'))} {unit}"
                )
                adj.append(f"{self.choice(('one', '1'))} {unit}")
                continue
            num = self.number(v, 0.22)
            parts.append(f"{num} {unit}{'s' if v != 1 else ''}")
            adj.append(f"{num} {unit}")
        joiner = self.pick(((" and ", 6), (" ", 2), (", ", 1)))
        spoken = (
            joiner.join(parts) if len(parts) < 3 else ", ".join(parts[:-1]) + " and " + parts[-1]
        )
        adjective = self.pick(((" and ", 3), (" ", 2))).join(adj)
        return spoken, adjective

    def _HassStartTimer(self) -> _Draft | None:
        values, d, adj = self._duration()
        a_adj = f"{_article(adj)} {adj}"
        mode = self.pick((("plain", 6), ("named", 2.5), ("command", 1.5)))
        args: dict[str, Any] = dict(values)
        if mode == "plain":
            ts = _t("HassStartTimer.plain")
            text = self.wrap(self.say(ts, d=d, adj=adj, aa=a_adj))
        elif mode == "named":
            name = self.choice(_TIMER_NAMES)
            ts = _t("HassStartTimer.named")
            text = self.wrap(self.say(ts, d=d, adj=adj, aa=a_adj, name=name))
            args["name"] = name
        else:
            command = self.choice(_COMMANDS)
            ts = _t("HassStartTimer.command")
            text = self.wrap(self.say(ts, c=command, d=d))
            args["conversation_command"] = command
        return _Draft("HassStartTimer", _ordered(args), text, self.maybe_context(0.7))

    def _timer_target(self, allow_default: bool = True) -> tuple[dict[str, Any], str]:
        """Which timer a request means: (slots, noun phrase)."""
        timers: list[Timer] = list(self.w.timers)
        named = [t for t in timers if t.name]
        placed = [t for t in timers if t.area_id and t.area_id in self.w.areas]
        modes: list[tuple[str, float]] = [("start", 3)]
        if allow_default:
            modes.append(("default", 4))
        if named:
            modes.append(("name", 3))
        if placed:
            modes.append(("area", 3))
        mode = self.pick(modes)
        if mode == "default":
            return {}, self.pick((("my timer", 4), ("the timer", 4), ("timer", 1.5), ("the current timer", 0.5),
                                  ("this timer", 0.5)))  # fmt: skip
        if mode == "name":
            t = self.choice(named)
            name = str(t.name)
            np = self.say(_t("timer_target.name"), x=self.casing(name, 0.9))
            return {"name": name}, np
        if mode == "area":
            t = self.choice(placed)
            aw = self.area_words(self.w.areas[str(t.area_id)])
            np = self.say(_t("timer_target.area"), **aw)
            return {"area": aw["_label"]}, np
        if timers and self.chance(0.75):  # a timer that is set
            t = self.choice(timers)
            values = {k: v for k, v in (("hours", t.start_hours), ("minutes", t.start_minutes),
                                        ("seconds", t.start_seconds)) if v}  # fmt: skip
            d, adj = self._duration_words(values)
        else:
            values, d, adj = self._duration(self.pick((("m", 4), ("h", 1.5), ("s", 1))))
        np = self.say(_t("timer_target.duration"), d=d, adj=adj)
        return {f"start_{k}": v for k, v in values.items()}, np

    def _timer_action(self, tool: str, verbs: Sequence[str], allow_default: bool = True) -> _Draft:
        slots, np = self._timer_target(allow_default)
        ts = [v.replace("{t}", "{np}") for v in verbs]
        text = self.wrap(self.say(ts, np=np))
        return _Draft(tool, _ordered(slots), text, self.maybe_context(0.4))

    def _HassCancelTimer(self) -> _Draft | None:
        return self._timer_action("HassCancelTimer", _t("HassCancelTimer"))

    def _HassPauseTimer(self) -> _Draft | None:
        return self._timer_action("HassPauseTimer", _t("HassPauseTimer"))

    def _HassUnpauseTimer(self) -> _Draft | None:
        return self._timer_action("HassUnpauseTimer", _t("HassUnpauseTimer"))

    def _HassTimerStatus(self) -> _Draft | None:
        slots, np = self._timer_target()
        ts = _t("HassTimerStatus.timer")
        if not slots:
            ts += _t("HassTimerStatus.any")
        text = self.wrap(self.say(ts, np=np), "ask")
        return _Draft("HassTimerStatus", _ordered(slots), text, self.maybe_context(0.4))

    def _HassCancelAllTimers(self) -> _Draft | None:
        placed = [t for t in self.w.timers if t.area_id and t.area_id in self.w.areas]
        if placed and self.chance(0.35):
            aw = self.area_words(self.w.areas[str(self.choice(placed).area_id)])
            ts = _t("HassCancelAllTimers.area")
            return _Draft(
                "HassCancelAllTimers",
                {"area": aw["_label"]},
                self.wrap(self.say(ts, **aw)),
                self.maybe_context(0.3),
            )
        ts = _t("HassCancelAllTimers.all")
        return _Draft("HassCancelAllTimers", {}, self.wrap(self.say(ts)), self.maybe_context(0.4))

    def _change_timer(self, tool: str, more: bool) -> _Draft:
        values, d, _ = self._duration(
            self.pick((("m", 6), ("s", 2), ("h", 1), ("hm", 0.6), ("ms", 0.8)))
        )
        slots, np = self._timer_target()
        ts = _t("change_timer.more") if more else _t("change_timer.less")
        text = self.wrap(self.say(ts, d=d, np=np))
        return _Draft(tool, _ordered({**values, **slots}), text, self.maybe_context(0.4))

    def _HassIncreaseTimer(self) -> _Draft | None:
        return self._change_timer("HassIncreaseTimer", True)

    def _HassDecreaseTimer(self) -> _Draft | None:
        return self._change_timer("HassDecreaseTimer", False)

    # -- lists ---------------------------------------------------------------------------------
    def _other_lists(self) -> list[tuple[str, str]]:
        """(spelling, kind) of the to-do lists besides the shopping list."""
        out: list[tuple[str, str]] = []
        for todo in self.w.lists.values():
            if norm(todo.name) == "shopping list":
                continue
            kind = (
                "chores"
                if any(w in norm(todo.name) for w in ("chore", "todo", "to do", "task"))
                else "groceries"
            )
            out += [(n, kind) for n in todo.names()]
        return out

    def _item(self, kind: str = "groceries") -> str:
        pool = _CHORES if kind == "chores" else _GROCERIES
        return str(self.choice(pool))

    def _HassShoppingListAddItem(self) -> _Draft | None:
        item = self._item()
        ts = _t("HassShoppingListAddItem")
        ts = [t for t in ts if "groceries" not in t]
        return _Draft("HassShoppingListAddItem", {"item": item}, self.wrap(self.say(ts, i=item)))

    def _HassShoppingListCompleteItem(self) -> _Draft | None:
        item = self._item()
        ts = _t("HassShoppingListCompleteItem")
        return _Draft(
            "HassShoppingListCompleteItem", {"item": item}, self.wrap(self.say(ts, i=item))
        )

    def _HassListAddItem(self) -> _Draft | None:
        lists = self._other_lists()
        if not lists:
            return None
        spelling, kind = self.choice(lists)
        item = self._item(kind)
        ts = _t("HassListAddItem")
        text = self.wrap(self.say(ts, i=item, l=self.casing(spelling, 0.8)))
        return _Draft("HassListAddItem", {"item": item, "name": spelling}, text)

    def _HassListCompleteItem(self) -> _Draft | None:
        lists = self._other_lists()
        if not lists:
            return None
        spelling, kind = self.choice(lists)
        item = self._item(kind)
        ts = _t("HassListCompleteItem.any")
        if kind == "chores":
            ts += _t("HassListCompleteItem.chores")
        else:
            ts += _t("HassListCompleteItem.groceries")
        text = self.wrap(self.say(ts, i=item, l=self.casing(spelling, 0.8)))
        return _Draft("HassListCompleteItem", {"item": item, "name": spelling}, text)

    # -- assistant -----------------------------------------------------------------------------
    def _HassGetWeather(self) -> _Draft | None:
        stations = self.ents("weather")
        if not stations:
            return None
        if self.chance(0.45):
            e = self.choice(stations)
            n = e.name if self.chance(0.6) else e.name.lower()
            ts = _t("HassGetWeather.named")
            return _Draft("HassGetWeather", {"name": e.name}, self.wrap(self.say(ts, n=n), "ask"))
        ts = _t("HassGetWeather.here")
        return _Draft("HassGetWeather", {}, self.wrap(self.say(ts), "ask"), self.maybe_context(0.3))

    def _HassGetCurrentDate(self) -> _Draft | None:
        ts = _t("HassGetCurrentDate")
        return _Draft(
            "HassGetCurrentDate", {}, self.wrap(self.say(ts), "ask"), self.maybe_context(0.3)
        )

    def _HassGetCurrentTime(self) -> _Draft | None:
        ts = _t("HassGetCurrentTime")
        return _Draft(
            "HassGetCurrentTime", {}, self.wrap(self.say(ts), "ask"), self.maybe_context(0.3)
        )

    def _HassNevermind(self) -> _Draft | None:
        ts = _t("HassNevermind")
        return _Draft("HassNevermind", {}, self.wrap(self.say(ts), "bare"), self.maybe_context(0.3))

    def _HassRespond(self) -> _Draft | None:
        ts = _t("HassRespond")
        return _Draft("HassRespond", {}, self.wrap(self.say(ts), "bare"), self.maybe_context(0.3))

    def _HassBroadcast(self) -> _Draft | None:
        message = self.choice(_MESSAGES)
        ts = _t("HassBroadcast")
        text = self.wrap(self.say(ts, m=message))
        return _Draft("HassBroadcast", {"message": message}, text, self.maybe_context(0.4))

    # -- nothing to do -------------------------------------------------------------------------
    def out_of_scope(self) -> _Draft:
        kind = self.pick((("general", 6), ("device", 2.5), ("area", 2)))
        if kind == "device":
            devices = [d for d in _ABSENT_DEVICES if not set(d.split()) & self.known_words]
            if devices:
                d = self.choice(devices)
                ts = _t("out_of_scope_device")
                text = self.say(ts, d=d)
                return _Draft(
                    "",
                    {},
                    self.wrap(text, "ask" if text.startswith(("is", "what")) else "cmd"),
                    self.maybe_context(0.3),
                )
        if kind == "area":
            rooms = [a for a in _ABSENT_AREAS if not set(a.split()) & self.known_words]
            if rooms:
                room = self.choice(rooms)
                ts = _t("out_of_scope_area")
                text = self.say(ts, a=room)
                return _Draft(
                    "",
                    {},
                    self.wrap(text, "ask" if text.startswith("what") else "cmd"),
                    self.maybe_context(0.3),
                )
        text = self.say(_OUT_OF_SCOPE)
        question = text.split()[0].lower() in {
            "what's",
            "who",
            "how",
            "when",
            "what",
            "do",
            "are",
            "is",
        }
        return _Draft(
            "", {}, self.wrap(text, "ask" if question else "cmd"), self.maybe_context(0.3)
        )


def _tool(on: bool) -> str:
    return "HassTurnOn" if on else "HassTurnOff"


_ARG_ORDER = ("name", "area", "floor", "domain", "device_class", "state")


def _ordered(args: Mapping[str, Any]) -> dict[str, Any]:
    head = {k: args[k] for k in _ARG_ORDER if k in args}
    return {**head, **{k: v for k, v in args.items() if k not in head}}


def generate(
    world: HomeWorld | None = None, n: int = 5000, *, seed: int = 0, out_of_scope: float = 0.1
) -> list[Case]:
    """``n`` labelled smart-home requests for ``world`` (the bundled test home by default).

    Deterministic for a ``seed``. About ``out_of_scope`` of them expect no call at all. Tools
    are drawn by :data:`TOOL_WEIGHTS` (tools the world cannot serve, e.g. vacuums in a home
    without one, are skipped); repeated utterances are re-drawn a few times.
    """
    if not 0 <= out_of_scope <= 1:
        raise ValueError("out_of_scope must be between 0 and 1")
    home = world if world is not None else HomeWorld()
    rng = random.Random(seed)
    gen = _Generator(home, rng)
    tools = list(TOOL_WEIGHTS.items())
    seen: set[tuple[str, str]] = set()
    cases: list[Case] = []
    for i in range(n):
        in_scope = rng.random() >= out_of_scope
        draft: _Draft | None = None
        for attempt in range(12):
            gen.said = []
            if not in_scope:
                candidate: _Draft | None = gen.out_of_scope()
            else:
                tool = _weighted(rng, tools) if draft is None or attempt > 5 else draft.tool
                candidate = gen.makers[tool]()
            if candidate is None:
                continue
            draft = candidate
            family = _family(draft.tool or "none", gen.said)
            key = (draft.text.lower().rstrip("?.!"), json.dumps(draft.context, sort_keys=True))
            if key not in seen:
                break
        if draft is None:
            raise RuntimeError("the world offers nothing to ask for")
        seen.add((draft.text.lower().rstrip("?.!"), json.dumps(draft.context, sort_keys=True)))
        expected = [ExpectedCall(tool=draft.tool, args=draft.args)] if draft.tool else []
        cases.append(
            Case(
                id=f"gen-sh-{i}",
                suite="smart_home",
                utterance=draft.text,
                context=draft.context,
                expected=expected,
                match="exact",
                family=family,
            )
        )
    return cases


def _family(tool: str, templates: Sequence[str]) -> str:
    """A request's phrasing family: its tool and the first template it was written from."""
    first = templates[0] if templates else ""
    digest = hashlib.sha1(first.encode()).hexdigest()[:8]
    return f"generator.{tool}.{digest}"


def write_jsonl(cases: Iterable[Case], path: str | Path) -> int:
    """Write cases in the shared case format, one JSON object a line; returns how many."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case.model_dump(mode="json"), ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate smart-home training utterances.")
    parser.add_argument("-n", "--n", type=int, default=5000, help="how many cases")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out-of-scope", type=float, default=0.1)
    parser.add_argument("--world", type=Path, help="a home in the fixture format (YAML)")
    parser.add_argument("-o", "--output", type=Path, default=Path("smart_home_generated.jsonl"))
    args = parser.parse_args(argv)
    world = HomeWorld.from_yaml(args.world) if args.world else None
    cases = generate(world, args.n, seed=args.seed, out_of_scope=args.out_of_scope)
    print(f"wrote {write_jsonl(cases, args.output)} cases to {args.output}")


if __name__ == "__main__":
    main()
