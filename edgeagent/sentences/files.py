"""Sentence files: how people ask for each tool, as YAML data beside a toolkit.

```yaml
lists:                     # {name} fills from these (a toolkit adds its world's own)
  contact: {values: [mom, dad, "my sister"]}
  minutes: {range: {from: 1, to: 90}}
rules:                     # <name> expands to these, in every file of the set
  please: "(please|can you|could you)"
families:                  # one family = one way of asking (held out together)
  - id: lights_in_area
    weight: 3              # how often it is drawn, relative to the set's families
    calls:                 # the calls that answer it; [] = nothing to do
      - tool: HassTurnOn
        args: {area: "{area}", domain: light}
    context: {area: "{area}"}     # what the agent perceives besides the words (optional)
    sentences:
      - "[<please>] (turn|switch) on [the] lights in [the] {area}"
      - "{area} lights on"
```

A string that is exactly ``"{slot}"`` in ``args`` or ``context`` becomes the slot's value (a
number stays a number); a string with ``{slot}`` inside becomes text. Every slot a call or the
context uses must be said in every sentence of the family. Errors name the file and the line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from yaml.constructor import SafeConstructor

from edgeagent.errors import ConfigError
from edgeagent.sentences.lists import SentenceList
from edgeagent.sentences.template import Choice, Node, Rule, Slot, TemplateError, parse, walk
from edgeagent.yamlio import compose_yaml

_STRICT = ConfigDict(extra="forbid", frozen=True)
_REF = re.compile(r"\{([^{}]*)\}")


class SentenceError(ConfigError):
    """A sentence file that cannot be used: ``path``, ``line`` and what is wrong."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class CallTemplate(BaseModel):
    model_config = _STRICT

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class FamilySpec(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    weight: float = Field(default=1.0, gt=0)
    calls: list[CallTemplate]
    context: dict[str, Any] | None = None
    draw: dict[str, str] = Field(
        default_factory=dict,
        description="Slots drawn from a list but not said (slot: list), e.g. the speaker's area "
        "for a request that names no place",
    )
    sentences: list[str] = Field(min_length=1)


class FileSpec(BaseModel):
    model_config = _STRICT

    lists: dict[str, SentenceList] = Field(default_factory=dict)
    rules: dict[str, str] = Field(default_factory=dict)
    synonyms: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict,
        description="Other names of vocabulary values: {kind: {value: [synonym, ...]}}",
    )
    families: list[FamilySpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Family:
    """A family ready to draw from: its key (``FILE.ID``), parsed sentences, calls, context."""

    key: str
    weight: float
    calls: tuple[CallTemplate, ...]
    context: Mapping[str, Any] | None
    templates: tuple[tuple[Node, ...], ...]
    path: str
    line: int | None
    draw: Mapping[str, str] = field(default_factory=dict)

    @property
    def tools(self) -> set[str]:
        return {c.tool for c in self.calls}

    @property
    def lists(self) -> set[str]:
        """The lists its sentences (and its unsaid slots) draw from."""
        said = {n.list for t in self.templates for n in walk(t) if isinstance(n, Slot)}
        return said | set(self.draw.values())


@dataclass(frozen=True)
class SentenceSet:
    """Sentence files loaded together: their families, and the lists and rules they share."""

    families: tuple[Family, ...]
    lists: Mapping[str, SentenceList]
    rules: Mapping[str, tuple[Node, ...]]
    paths: tuple[str, ...]
    synonyms: Mapping[str, dict[str, str]] = field(default_factory=dict)  # kind: {syn: value}

    def __len__(self) -> int:
        return len(self.families)


def load_sentences(paths: Iterable[str | Path]) -> SentenceSet:
    """Load and check sentence files (rules and lists are shared by every file of the set;
    a name defined twice is an error). A set is parsed once per process while its files are
    unchanged (same modification time and size): every fresh toolkit asks for its synonyms,
    and parsing the shipped files takes a tenth of a second. Treat the set as read-only."""
    files = tuple(Path(p) for p in paths)
    return _load_unchanged(tuple((str(f), *_stamp(f)) for f in files))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)  # _read reports it (errors are not cached)
    return (stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _load_unchanged(stamped: tuple[tuple[str, int, int], ...]) -> SentenceSet:
    return _load([Path(path) for path, _, _ in stamped])


def _load(files: list[Path]) -> SentenceSet:
    families: list[Family] = []
    lists: dict[str, SentenceList] = {}
    rules: dict[str, tuple[Node, ...]] = {}
    where: dict[str, str] = {}
    pending_rules: list[tuple[str, str, str, int | None]] = []
    synonyms: dict[str, dict[str, str]] = {}
    for path in files:
        spec, lines = _read(path)
        for kind, names in spec.synonyms.items():
            for canonical, others in names.items():
                synonyms.setdefault(kind, {}).update({o: canonical for o in others})
        for name, values in spec.lists.items():
            if name in lists:
                raise SentenceError(
                    path,
                    lines.get(("lists", name)),
                    f"list {name!r} is already defined in {where['list:' + name]}",
                )
            lists[name], where["list:" + name] = values, str(path)
        for name, text in spec.rules.items():
            if name in rules:
                raise SentenceError(
                    path,
                    lines.get(("rules", name)),
                    f"rule {name!r} is already defined in {where['rule:' + name]}",
                )
            line = lines.get(("rules", name))
            rules[name] = _parse(text, path, line)
            where["rule:" + name] = str(path)
            pending_rules.append((str(path), name, text, line))
        seen: set[str] = set()
        for i, fam in enumerate(spec.families):
            line = lines.get(("families", i))
            if fam.id in seen:
                raise SentenceError(path, line, f"family {fam.id!r} is defined twice")
            seen.add(fam.id)
            templates = tuple(
                _parse(t, path, lines.get(("families", i, "sentences", j)))
                for j, t in enumerate(fam.sentences)
            )
            families.append(
                Family(
                    key=f"{path.stem}.{fam.id}",
                    weight=fam.weight,
                    calls=tuple(fam.calls),
                    context=fam.context,
                    templates=templates,
                    path=str(path),
                    line=line,
                    draw=dict(fam.draw),
                )
            )
    for path_s, name, _, line in pending_rules:
        _check_rules(rules[name], rules, path_s, line)
    for family in families:
        for t in family.templates:
            _check_rules(t, rules, family.path, family.line)
        _check_slots(family, rules)
    return SentenceSet(tuple(families), lists, rules, tuple(str(p) for p in files), synonyms)


def _parse(text: str, path: Path, line: int | None) -> tuple[Node, ...]:
    try:
        return parse(text)
    except TemplateError as exc:
        raise SentenceError(path, line, str(exc)) from exc


def _check_rules(
    nodes: Sequence[Node], rules: Mapping[str, Any], path: str, line: int | None
) -> None:
    for node in walk(nodes):
        if isinstance(node, Rule) and node.name not in rules:
            raise SentenceError(path, line, f"unknown rule <{node.name}>")


def said_slots(nodes: Sequence[Node], rules: Mapping[str, tuple[Node, ...]]) -> set[str]:
    """The slots every expansion of ``nodes`` says (slots inside choices count only when every
    option says them; optional parts never count)."""
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, Slot):
            out.add(node.name)
        elif isinstance(node, Rule):
            out |= said_slots(rules[node.name], rules)
        elif isinstance(node, Choice):
            if node.optional:
                continue
            common = [said_slots(o, rules) for o in node.options]
            out |= set.intersection(*common) if common else set()
    return out


def used_slots(family: Family) -> set[str]:
    """The slots a family's calls and context refer to."""
    refs: set[str] = set()

    def scan(value: Any) -> None:
        if isinstance(value, str):
            refs.update(_REF.findall(value))
        elif isinstance(value, Mapping):
            for v in value.values():
                scan(v)
        elif isinstance(value, list | tuple):
            for v in value:
                scan(v)

    for call in family.calls:
        scan(call.args)
    scan(family.context)
    return refs


def _check_slots(family: Family, rules: Mapping[str, tuple[Node, ...]]) -> None:
    needed = used_slots(family) - set(family.draw)
    for template in family.templates:
        missing = needed - said_slots(template, rules)
        if missing:
            raise SentenceError(
                family.path,
                family.line,
                f"family {family.key}: a sentence does not always say {{{', '.join(sorted(missing))}}},"
                " which its calls or context use",
            )


# -- YAML with line numbers ------------------------------------------------------------------


def read_yaml(path: Path) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """A YAML file's data and the line of each node, by its path of keys and indexes
    (``on``/``off``/``yes``/``no`` stay words; an empty file is ``{}``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SentenceError(path, None, f"cannot read: {exc}") from exc
    try:
        node = compose_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SentenceError(path, line, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    lines: dict[tuple[Any, ...], int] = {}
    try:
        data = _to_python(node, (), lines, SafeConstructor()) if node is not None else {}
    except _DuplicateKey as dup:
        raise SentenceError(path, dup.line, f"{dup.key!r} is defined twice here") from None
    return data, lines


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(key)
        self.key, self.line = key, line


def _read(path: Path) -> tuple[FileSpec, dict[tuple[Any, ...], int]]:
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise SentenceError(path, 1, "expected a mapping with lists, rules and families")
    try:
        return FileSpec.model_validate(data), lines
    except ValidationError as exc:
        # a misspelt key is the likely cause of a "missing" one: report it first
        first = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
        loc = tuple(first["loc"])
        line = next((lines[loc[:k]] for k in range(len(loc), -1, -1) if loc[:k] in lines), None)
        where = ".".join(map(str, loc)) or "file"
        raise SentenceError(path, line, f"{where}: {first['msg']}") from exc


def _to_python(
    node: yaml.Node,
    path: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    scalars: SafeConstructor,
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value  # keys are plain names here
            if key in out:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            out[key] = _to_python(value_node, (*path, key), lines, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, (*path, i), lines, scalars) for i, v in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in ("true", "false"):
        return node.value  # YAML 1.1 reads on/off/yes/no as booleans; here they are words
    return scalars.construct_object(node)


def sentence_files(folder: str | Path) -> list[Path]:
    """The ``*.yaml`` sentence files in a folder, in name order (none when it is missing)."""
    folder = Path(folder)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []
