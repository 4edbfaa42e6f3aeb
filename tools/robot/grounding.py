"""Lenient grounding of noun phrases ("the red book", "the lights in the bathroom") to things.

A phrase is reduced to a head noun plus modifier words: articles, possessives and leading
prepositions are dropped, plurals made singular, and "X of/in/on/near Y" keeps X as the head
and Y as modifiers. A thing matches when the head equals the last word of its name or of an
alias; the candidates are then ranked by how many modifiers they explain (in their name,
their room or what they stand on), whether they can do what the tool needs, how exactly the
word matched, whether the robot has just seen that kind of thing, and whether it is in the
robot's room.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from edgeagent_tools.robot.model import Thing


def words_of(text: str) -> frozenset[str]:
    """A set of words written as one string (keeps long word lists readable)."""
    return frozenset(text.split())


ARTICLES = words_of(
    "a an the some any all every each my your his her its our their this that these "
    "those one two three another other both few several"
)
PRONOUNS = words_of("it them that this these those which one ones they some")
PERSON_PRONOUNS = words_of("he she him her")
LEADING = words_of(
    "to into in inside on onto at near towards toward from by beside behind under "
    "underneath over above below within through via around along up back straight"
)
SPLIT = words_of(
    "of in inside on onto near from with at for by to into under behind beside next "
    "that which who where close nearest closest over above below between"
)
QUANTITY = words_of("pair piece bit couple lot set bunch slice kind sort type pack can")
_MULTI_LEADING = re.compile(
    r"^(?:in front of|on top of|next to|close to|(?:to |on |at )?the (?:left|right|side) of|"
    r"(?:left|right|side) of)\s+"
)
_IRREGULAR = {
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "mice": "mouse",
    "knives": "knife",
    "shelves": "shelf",
    "leaves": "leaf",
    "feet": "foot",
    "teeth": "tooth",
    "wives": "wife",
}


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    """A rough singular of an English noun (good enough for matching both sides the same way)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; possessive ``'s`` dropped, hyphenated words kept whole."""
    text = text.replace("’", "'").replace("_", " ").lower()
    found = re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", text)
    return [t[:-2] if t.endswith("'s") else t for t in found if t != "'s"]


def split_camel(name: str) -> str:
    """``LivingRoom`` -> ``living room``, ``Washing_machine`` -> ``washing machine``."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name.replace("_", " "))
    return " ".join(spaced.lower().split())


@dataclass(frozen=True)
class Phrase:
    """A parsed reference: a pronoun, or a head noun with modifier words."""

    text: str
    head: str = ""
    mods: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # content words, in order (the head is one of them)
    pronoun: str | None = None

    @property
    def empty(self) -> bool:
        return not self.head and self.pronoun is None


def parse(text: str) -> Phrase:
    """Reduce a noun phrase to its head noun and modifiers (or a bare pronoun)."""
    norm = " ".join(tokens(text))
    while True:
        stripped = _MULTI_LEADING.sub("", norm)
        if stripped == norm:
            break
        norm = stripped
    words = norm.split()
    while len(words) > 1 and (words[0] in LEADING or words[0] in ARTICLES):
        words = words[1:]
    if len(words) == 1 and (words[0] in PRONOUNS or words[0] in PERSON_PRONOUNS):
        return Phrase(text, pronoun=words[0])
    cut = next((i for i, w in enumerate(words) if i > 0 and w in SPLIT), len(words))
    head_part, rest = words[:cut], words[cut:]
    head_part = [w for w in head_part if w not in ARTICLES] or head_part[-1:]
    # "a pair of glasses", "a pack of beer": the thing is after "of"
    if head_part and head_part[-1] in QUANTITY and rest[:1] == ["of"] and len(rest) > 1:
        after = [w for w in rest[1:] if w not in ARTICLES]
        cut2 = next((i for i, w in enumerate(after) if i > 0 and w in SPLIT), len(after))
        head_part, rest = after[:cut2] or head_part, after[cut2:]
    if not head_part:
        return Phrase(text)
    quals = [w for w in rest if w not in SPLIT and w not in ARTICLES and w not in LEADING]
    content = tuple(head_part + quals)
    return Phrase(text, head=head_part[-1], mods=tuple(head_part[:-1] + quals), words=content)


Key = tuple[int, ...]


@dataclass(frozen=True)
class Scene:
    """What ranking needs to know about the world besides the things themselves."""

    here: str  # the robot's room
    near: str | None
    salient: frozenset[str]  # names of things the last observation showed
    room_of: Callable[[Thing], str | None]
    support_of: Callable[[Thing], str | None]


def match_key(
    phrase: Phrase, thing: Thing, scene: Scene, prefer: Callable[[Thing], bool] | None
) -> Key | None:
    """How well ``thing`` fits ``phrase`` (higher is better), or None if it does not fit."""
    head = singular(phrase.head)
    aliases = [a for a in thing.names if singular(a.rsplit(" ", 1)[-1]) == head]
    if not aliases:
        return None
    mods = {singular(m) for m in phrase.mods}
    context: set[str] = set()
    for extra in (scene.room_of(thing), scene.support_of(thing)):
        if extra:
            context.update(singular(w) for w in extra.split())
    best: Key | None = None
    for alias in aliases:
        words = [singular(w) for w in alias.split()]
        own = set(words[:-1])
        matched = len(mods & (own | context))
        extras = len(own - mods)
        exact = int(alias.split()[-1] == phrase.head)
        is_name = int(alias == thing.name and not own)
        key = (matched, exact, is_name, -extras, int(alias == thing.name))
        if best is None or key > best:
            best = key
    if best is None:
        return None
    matched, exact, is_name, neg_extras, via_name = best
    capable = int(prefer(thing)) if prefer else 0
    room = scene.room_of(thing) if thing.category != "room" else thing.name
    return (
        matched,
        capable,
        exact,
        is_name,
        int(thing.name in scene.salient),
        int(room == scene.here),
        int(thing.name == scene.near),
        neg_extras,
        via_name,
    )


def rank(
    phrase: Phrase,
    things: Iterable[Thing],
    scene: Scene,
    prefer: Callable[[Thing], bool] | None = None,
) -> list[tuple[Key, Thing]]:
    """Things matching ``phrase``, best first."""
    scored: list[tuple[Key, Thing]] = []
    for thing in things:
        key = match_key(phrase, thing, scene, prefer)
        if key is not None:
            scored.append((key, thing))
    scored.sort(key=lambda kt: kt[0], reverse=True)
    return scored


def best(scored: Sequence[tuple[Key, Thing]]) -> list[Thing]:
    """The things tied for the best key (one when the phrase is unambiguous)."""
    if not scored:
        return []
    top = scored[0][0]
    return [t for k, t in scored if k == top]
