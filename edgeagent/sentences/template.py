"""The sentence template language: how people ask, written compactly.

- ``(a|b|c)``: one of the alternatives;
- ``[a]``, ``[a|b]``: optional (one of them, or nothing);
- ``{list}``: a value from a list (the world's areas, a range of numbers...); ``{list:slot}``
  names the slot when one list fills two (``from {area:start} to {area:end}``);
- ``<rule>``: a shared expansion rule, defined once (``<please>``, ``<lights>``).

Everything else is literal text; spaces are tidied after expansion. A parsed template is a
tuple of nodes; :func:`expand` draws one sentence from it, reporting where each slot landed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from edgeagent.errors import ConfigError


class TemplateError(ConfigError):
    """A template that cannot be parsed; ``column`` is where (1-based)."""

    def __init__(self, message: str, template: str, column: int) -> None:
        self.template = template
        self.column = column
        super().__init__(f"{message} at column {column}: {template!r}")


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Choice:
    options: tuple[tuple[Node, ...], ...]
    optional: bool


@dataclass(frozen=True)
class Slot:
    list: str
    name: str


@dataclass(frozen=True)
class Rule:
    name: str


Node = Text | Choice | Slot | Rule
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_CLOSE = {"(": ")", "[": "]"}


def parse(template: str) -> tuple[Node, ...]:
    """The nodes of a template; a :class:`TemplateError` says what is wrong and where."""
    nodes, i = _sequence(template, 0, "")
    if i != len(template):
        raise TemplateError(f"unexpected {template[i]!r}", template, i + 1)
    return nodes


def _sequence(t: str, i: int, stops: str) -> tuple[tuple[Node, ...], int]:
    items: list[Node] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            items.append(Text("".join(buf)))
            buf.clear()

    while i < len(t) and t[i] not in stops:
        c = t[i]
        if c in "([":
            flush()
            node, i = _choice(t, i)
            items.append(node)
        elif c in "{<":
            flush()
            close = "}" if c == "{" else ">"
            end = t.find(close, i + 1)
            if end < 0:
                raise TemplateError(f"{c!r} is never closed", t, i + 1)
            body = t[i + 1 : end]
            if c == "{":
                list_name, _, slot = body.partition(":")
                for part in (list_name, slot or list_name):
                    if not _NAME.match(part):
                        raise TemplateError(f"bad slot name {body!r}", t, i + 2)
                items.append(Slot(list_name, slot or list_name))
            else:
                if not _NAME.match(body):
                    raise TemplateError(f"bad rule name {body!r}", t, i + 2)
                items.append(Rule(body))
            i = end + 1
        elif c in ")]|}>":
            raise TemplateError(f"unexpected {c!r}", t, i + 1)
        else:
            buf.append(c)
            i += 1
    flush()
    return tuple(items), i


def _choice(t: str, i: int) -> tuple[Choice, int]:
    opener = t[i]
    close = _CLOSE[opener]
    start = i
    options: list[tuple[Node, ...]] = []
    i += 1
    while True:
        seq, i = _sequence(t, i, "|" + close)
        options.append(seq)
        if i >= len(t):
            raise TemplateError(f"{opener!r} is never closed", t, start + 1)
        if t[i] == "|":
            i += 1
            continue
        i += 1  # the closing bracket
        break
    if opener == "(" and len(options) == 1:
        pass  # a group: "(a)" is just "a"
    return Choice(tuple(options), optional=opener == "["), i


def walk(nodes: Sequence[Node]) -> Iterator[Node]:
    """Every node, depth first (choices' options included)."""
    for node in nodes:
        yield node
        if isinstance(node, Choice):
            for option in node.options:
                yield from walk(option)


@dataclass
class Drawn:
    """One expanded sentence: its text and, per slot, the value drawn and where it was said."""

    text: str
    values: dict[str, object] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


SlotFiller = Callable[[str, str, random.Random], tuple[str, object]]  # list, slot -> (said, value)
RuleLookup = Mapping[str, tuple[Node, ...]]


def expand(
    nodes: Sequence[Node],
    rng: random.Random,
    fill: SlotFiller,
    rules: RuleLookup,
    optional_p: float = 0.5,
) -> Drawn:
    """Draw one sentence: alternatives uniformly, optional parts with ``optional_p``, slots
    from ``fill``, rules expanded in place; the text is tidied (single spaces, no space before
    punctuation) and the slot spans point into the tidied text."""
    parts: list[tuple[str, str | None]] = []  # (text, slot name or None)
    values: dict[str, object] = {}

    def go(seq: Sequence[Node], depth: int) -> None:
        if depth > 50:
            raise ConfigError("sentence rules nest more than 50 deep (a rule that uses itself?)")
        for node in seq:
            if isinstance(node, Text):
                parts.append((node.text, None))
            elif isinstance(node, Choice):
                if node.optional and rng.random() >= optional_p:
                    continue
                go(rng.choice(node.options), depth + 1)
            elif isinstance(node, Slot):
                if node.name in values:  # said twice: the same value
                    said, _ = fill(node.list, node.name, rng)
                    parts.append((said, None))
                    continue
                said, value = fill(node.list, node.name, rng)
                values[node.name] = value
                parts.append((said, node.name))
            else:
                go(rules[node.name], depth + 1)

    go(nodes, 0)
    return _tidy(parts, values)


_SPACE_BEFORE = re.compile(r"\s+([,?.!;:])")


def _tidy(parts: Sequence[tuple[str, str | None]], values: dict[str, object]) -> Drawn:
    text, spans = "", {}
    for piece, slot in parts:
        if not piece:
            continue
        if slot is not None:
            start = len(text)
            text += piece
            spans[slot] = (start, len(text))
        else:
            text += piece
    # collapse spaces, keeping the spans where they were
    out, mapping = [], []
    prev_space = True
    for i, ch in enumerate(text):
        if ch.isspace():
            if prev_space:
                continue
            out.append(" ")
            prev_space = True
        else:
            out.append(ch)
            prev_space = False
        mapping.append((i, len(out) - 1))
    tidy = "".join(out)
    index = {src: dst for src, dst in mapping}
    new_spans = {}
    for slot, (a, b) in spans.items():
        start = next((index[k] for k in range(a, b) if k in index), 0)
        end = next((index[k] + 1 for k in range(b - 1, a - 1, -1) if k in index), start)
        new_spans[slot] = (start, end)
    stripped = tidy.strip(" ")
    lead = len(tidy) - len(tidy.lstrip(" "))
    new_spans = {k: (a - lead, b - lead) for k, (a, b) in new_spans.items()}
    # no space before punctuation (spans after such a space move left by one)
    final, shift, last = [], [], 0
    for m in _SPACE_BEFORE.finditer(stripped):
        final.append(stripped[last : m.start()])
        final.append(m.group(1))
        shift.append((m.start(), m.end() - m.start() - 1))
        last = m.end()
    final.append(stripped[last:])
    result = "".join(final)

    def moved(pos: int) -> int:
        return pos - sum(n for at, n in shift if at < pos)

    return Drawn(result, values, {k: (moved(a), moved(b)) for k, (a, b) in new_spans.items()})
