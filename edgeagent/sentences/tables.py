"""Phrase tables: the words and sentences a toolkit's generator code draws from, kept as data.

A generator written in Python decides what a request asks for and how it is labelled; what
people *say* lives in YAML files beside it. A file has up to four sections; a name is defined
once across the files loaded together, and may group named tables under it (addressed with
dots, ``domain_nouns.light.many``):

```yaml
words:       # phrases used as they are
  groceries: [apples, bananas, oat milk]
templates:   # sentences in the template language ("(a|b)", "[x]", "{slot}"), parsed on load
  cover_open: ["open [up] [the] {n}", "(raise|lift) [the] {n}"]
formats:     # sentences whose {slot}s are filled with str.format (no alternatives)
  pick: ["pick up {o}", "grab {o}"]
weighted:    # [value, relative weight] pairs
  cmd_prefix: [["", 62], ["please ", 9]]
```

A table is a list (templates and formats may also be one string). Errors name the file and
the line; asking for a table that is not there, or reading one as the wrong kind, names the
files too.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from edgeagent.sentences.files import SentenceError, read_yaml
from edgeagent.sentences.template import TemplateError, parse

SECTIONS = ("words", "templates", "formats", "weighted")
_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_FORMAT_SYNTAX = frozenset("()[]|<>")


@dataclass(frozen=True)
class _Table:
    section: str
    value: Any  # a tuple, or a str (one template or format)
    path: str
    line: int | None


@dataclass(frozen=True)
class _Group:
    section: str
    value: dict[str, Any]  # the tables under it, nested as in the file
    path: str
    line: int | None


class PhraseTables:
    """Named tables loaded from phrase-table files; read each with the accessor of its kind."""

    def __init__(self, tables: Mapping[str, _Table | _Group], paths: Iterable[str]) -> None:
        self._tables = dict(tables)
        self.paths = tuple(paths)

    def __contains__(self, name: object) -> bool:
        return name in self._tables

    def names(self) -> list[str]:
        """Every table and group name, dotted, in file order."""
        return list(self._tables)

    def section(self, name: str) -> str:
        """The section a table or group is in (``words``, ``templates``...)."""
        return self._get(name).section

    def words(self, name: str) -> tuple[str, ...]:
        """A list of phrases."""
        return self._leaf(name, "words", tuple)

    def templates(self, name: str) -> tuple[str, ...]:
        """A list of sentences in the template language."""
        return self._leaf(name, "templates", tuple)

    def template(self, name: str) -> str:
        """One sentence (or fragment) in the template language."""
        return self._leaf(name, "templates", str)

    def formats(self, name: str) -> tuple[str, ...]:
        """A list of ``str.format`` sentences."""
        return self._leaf(name, "formats", tuple)

    def weighted(self, name: str) -> tuple[tuple[Any, float], ...]:
        """(value, relative weight) pairs, in file order."""
        return self._leaf(name, "weighted", tuple)

    def group(self, name: str) -> dict[str, Any]:
        """The tables under a group name, nested as in the file (lists read as tuples)."""
        entry = self._get(name)
        if not isinstance(entry, _Group):
            raise SentenceError(entry.path, entry.line, f"{name!r} is a table, not a group")
        return entry.value

    def _get(self, name: str) -> _Table | _Group:
        try:
            return self._tables[name]
        except KeyError:
            where = ", ".join(self.paths) or "(no files)"
            raise SentenceError(where, None, f"no phrase table {name!r}") from None

    def _leaf(self, name: str, section: str, kind: type) -> Any:
        entry = self._get(name)
        if entry.section != section or not isinstance(entry.value, kind):
            what = "a group" if isinstance(entry, _Group) else _describe(entry)
            wanted = _describe(_Table(section, kind(), "", None))
            raise SentenceError(entry.path, entry.line, f"{name!r} is {what}; expected {wanted}")
        return entry.value


def _describe(entry: _Table) -> str:
    one = isinstance(entry.value, str)
    return {
        "words": "a list of words",
        "templates": "one template" if one else "a list of templates",
        "formats": "one format string" if one else "a list of format strings",
        "weighted": "a list of [value, weight] pairs",
    }[entry.section] + f" (in {entry.section})"


def load_tables(paths: Iterable[str | Path]) -> PhraseTables:
    """Load and check phrase-table files (a name defined twice is an error)."""
    files = [Path(p) for p in paths]
    tables: dict[str, _Table | _Group] = {}
    for path in files:
        data, lines = read_yaml(path)
        if not isinstance(data, dict):
            raise SentenceError(path, 1, f"expected a mapping with {', '.join(SECTIONS)}")
        for section, body in data.items():
            line = lines.get((section,))
            if section not in SECTIONS:
                raise SentenceError(
                    path, line, f"unknown section {section!r} (expected {', '.join(SECTIONS)})"
                )
            if not isinstance(body, dict):
                raise SentenceError(path, line, f"{section}: expected named tables")
            reader = _Reader(path, section, lines, tables)
            for name, value in body.items():
                reader.entry((section, name), str(name), value)
    return PhraseTables(tables, (str(p) for p in files))


@cache
def tables_in(folder: str | Path) -> PhraseTables:
    """The phrase tables of every ``*.yaml`` file in ``folder`` (loaded once, then cached)."""
    files = sorted(Path(folder).glob("*.yaml"))
    if not files:
        raise SentenceError(folder, None, "no phrase-table files (*.yaml) here")
    return load_tables(files)


@dataclass
class _Reader:
    """Checks one section of one file and records its tables under dotted names."""

    path: Path
    section: str
    lines: Mapping[tuple[Any, ...], int]
    tables: dict[str, _Table | _Group]

    def fail(self, at: tuple[Any, ...], message: str) -> SentenceError:
        line = next(
            (self.lines[at[:k]] for k in range(len(at), 0, -1) if at[:k] in self.lines), None
        )
        return SentenceError(self.path, line, message)

    def entry(self, at: tuple[Any, ...], name: str, value: Any) -> Any:
        """Record the table or group at ``at``; returns its value as read."""
        key = str(at[-1])
        if not key or not set(key) <= _NAME_CHARS:
            raise self.fail(at, f"bad table name {key!r} (letters, digits, _ and - only)")
        if name in self.tables:
            raise self.fail(at, f"{name!r} is already defined in {self.tables[name].path}")
        line = self.lines.get(at)
        if isinstance(value, dict):
            self.tables[name] = _Group(self.section, {}, str(self.path), line)
            read = {str(k): self.entry((*at, k), f"{name}.{k}", v) for k, v in value.items()}
            self.tables[name].value.update(read)
            return read
        read = self.leaf(at, name, value)
        self.tables[name] = _Table(self.section, read, str(self.path), line)
        return read

    def leaf(self, at: tuple[Any, ...], name: str, value: Any) -> Any:
        if isinstance(value, str) and self.section in {"templates", "formats"}:
            self.sentence(at, value)
            return value
        if not isinstance(value, list):
            raise self.fail(at, f"{self.section}.{name}: expected a list")
        if self.section == "weighted":
            return tuple(self.pair((*at, i), name, v) for i, v in enumerate(value))
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.fail(
                    (*at, i), f"{self.section}.{name}[{i}]: expected text, got {item!r} (quote it)"
                )
            if self.section != "words":
                self.sentence((*at, i), item)
        return tuple(value)

    def sentence(self, at: tuple[Any, ...], text: str) -> None:
        if self.section == "templates":
            try:
                parse(text)
            except TemplateError as exc:
                raise self.fail(at, str(exc)) from exc
            return
        bad = sorted(_FORMAT_SYNTAX & set(text))
        if bad:
            raise self.fail(
                at,
                f"{text!r}: {' '.join(bad)} in a format string (formats are filled with "
                "str.format; alternatives and optional parts belong in templates)",
            )
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            raise self.fail(at, f"{text!r}: {exc}") from exc
        if any(not f.isidentifier() for f in fields):
            raise self.fail(at, f"{text!r}: a {{slot}} must be a plain name")

    def pair(self, at: tuple[Any, ...], name: str, item: Any) -> tuple[Any, float]:
        ok = isinstance(item, list) and len(item) == 2
        weight = item[1] if ok else None
        if not ok or isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise self.fail(at, f"weighted.{name}: expected [value, weight >= 0], got {item!r}")
        if not isinstance(item[0], str | int | float) or isinstance(item[0], bool):
            raise self.fail(at, f"weighted.{name}: a value must be text or a number")
        return item[0], weight
