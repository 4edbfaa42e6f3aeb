"""GBNF grammars generated from tool schemas, so a local model can only write valid calls.

The grammar follows :mod:`edgeagent.callformat`: tool names come from the toolset, arguments
in schema order with their JSON types, and entity-like arguments (``Vocab``) restricted to
what the world knows, or to spans of the utterance for open values. Parameters the flat
:class:`~edgeagent.tool.Param` view cannot express (nested arrays, objects, untyped values) follow
their JSON schema: arrays item by item, objects key by key, anything else a permissive JSON value.

Numbers stay within the schema's bounds (``minimum``/``maximum`` and the exclusive forms, from
pydantic's ``ge``/``le``/``gt``/``lt``; see :mod:`edgeagent.brains.values`). With
``open_values="request"`` (the zero-shot brain) open strings are any run of the request's
words, numbers are the ones the request says (within bounds; any number within bounds when
it says none) and ``Literal`` choices the ones it names (by shared words; all when it names
none), so a model cannot invent a value the words do not hold; an optional parameter
is offered only when the request hints at it (one of its choices, a word of its name, or more
numbers than the required ones take).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from edgeagent.brains.retrieval import content_words
from edgeagent.brains.values import (
    Bounds,
    int_range,
    number_range,
    span_words,
    utterance_numbers,
)
from edgeagent.callformat import NONE, render_value
from edgeagent.datamodel import Observation
from edgeagent.tool import Param, Tool
from edgeagent.toolset import Toolset

OpenValues = Literal["free", "request"]
MAX_REQUEST_WORDS = 160  # words of a request open strings may be built from

MAX_SPAN_WORDS = 6
_WORD = re.compile(r"[\w'’%°.-]+", re.UNICODE)


def literal(text: str) -> str:
    """A GBNF string literal matching ``text`` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def quoted_alternatives(values: Iterable[str]) -> str:
    """Alternatives of JSON-quoted string values, as one GBNF group."""
    import json

    alts = sorted({literal(json.dumps(v, ensure_ascii=False)) for v in values})
    return "(" + " | ".join(alts) + ")" if alts else '"\\"\\""'


def utterance_spans(utterance: str | None, max_words: int = MAX_SPAN_WORDS) -> list[str]:
    """Every run of up to ``max_words`` consecutive words of the utterance."""
    words = [w.strip(".,!?;:'’\"") for w in _WORD.findall(utterance or "")]
    words = [w for w in words if w]
    spans: list[str] = []
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + max_words) + 1):
            span = " ".join(words[i:j])
            if span not in spans:
                spans.append(span)
    return spans


def _rule_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"


_BASE_RULES = {
    "int": '"-"? [0-9] [0-9]{0,11}',
    "num": '"-"? [0-9] [0-9]{0,11} ("." [0-9] [0-9]{0,7})? ([eE] "-"? [0-9] [0-9]?)?',
    "bool": '("true" | "false")',
    "str": '"\\"" [^"\\\\\\n] [^"\\\\\\n]{0,47} "\\""',
    # any JSON value, for what a schema leaves open ("any", objects without properties)
    "json": '(str | num | bool | "null" | jarr | jobj)',
    "jarr": '"[" (json ("," json)*)? "]"',
    "jobj": '"{" (str ":" json ("," str ":" json)*)? "}"',
}
_SCALARS = {"string", "integer", "number", "boolean"}
_MAX_DEPTH = 6  # nesting levels of a schema written out before any JSON value is allowed


def _resolve(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Follow ``$ref`` and drop ``null`` from unions; None for a union of several types."""
    while True:
        if "$ref" in prop:
            prop = defs.get(str(prop["$ref"]).split("/")[-1], {})
        elif "anyOf" in prop:
            options = [o for o in prop["anyOf"] if o.get("type") != "null"]
            if len(options) != 1:
                return None
            prop = options[0]
        else:
            return prop


def _is_flat(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> bool:
    """Whether a :class:`Param` describes the property fully (a scalar or a list of scalars)."""
    if "enum" in prop or "const" in prop or prop.get("type") in _SCALARS:
        return True
    if prop.get("type") == "array" and isinstance(prop.get("items"), Mapping):
        items = _resolve(prop["items"], defs)
        return items is not None and ("enum" in items or items.get("type") in _SCALARS)
    return False


class GrammarBuilder:
    """Builds the GBNF grammar for one toolset (and one observation, for utterance spans)."""

    def __init__(
        self,
        toolset: Toolset,
        *,
        max_calls: int = 4,
        open_values: OpenValues = "free",
        allow_none: bool = True,
    ) -> None:
        self.toolset = toolset
        self.max_calls = max_calls
        self.open_values = open_values
        self.allow_none = allow_none
        self._schemas: dict[str, dict[str, Any]] = {}

    def build(self, observation: Observation | None = None) -> str:
        rules: dict[str, str] = {}
        self._value_rules: dict[tuple[str, ...], str] = {}
        self._vocab = self.toolset.vocabulary()
        utterance = observation.utterance if observation else None
        spans = utterance_spans(utterance)
        self._numbers = utterance_numbers(utterance) if self.open_values == "request" else []
        self._span_rule = None
        self._request_words = set(content_words(utterance or ""))
        if self.open_values == "request":
            self._span_rule = _span_rules(span_words(utterance)[:MAX_REQUEST_WORDS], rules)
        tool_rules = [self._tool(t, rules, observation, spans) for t in self.toolset]
        rules["call"] = " | ".join(tool_rules)
        more = f'("\\n" call){{0,{self.max_calls - 1}}}' if self.max_calls > 1 else ""
        none = f"{literal(NONE)} | " if self.allow_none else ""
        root = f"root ::= {none}call {more}".rstrip()
        body = [root] + [f"{name} ::= {rhs}" for name, rhs in rules.items()]
        body += [
            f"{name} ::= {quoted_alternatives(vals)}" for vals, name in self._value_rules.items()
        ]
        used = "\n".join(body)
        needed: set[str] = set()
        while True:  # the base rules used, and the ones they use
            found = {
                n
                for n in _BASE_RULES
                if n not in needed and re.search(rf"(?<![\w-]){n}(?![\w-])", used)
            }
            if not found:
                break
            needed |= found
            used += "\n" + "\n".join(_BASE_RULES[n] for n in found)
        body += [f"{n} ::= {r}" for n, r in _BASE_RULES.items() if n in needed]
        return "\n".join(body) + "\n"

    def _tool(
        self, tool: Tool, rules: dict[str, str], obs: Observation | None, spans: list[str]
    ) -> str:
        base = "t-" + _rule_name(tool.name)
        params = list(tool.params)
        if self.open_values == "request":
            params = [p for p in params if p.required or self._said(p, tool)]
        kv = [self._kv(p, tool, rules, obs, spans) for p in params]
        first = _sequence(base, [(k, p.required) for k, p in zip(kv, params, strict=True)], rules)
        rules[base] = f'{literal(tool.name + "(")} {first} ")"'
        return base

    def _said(self, p: Param, tool: Tool) -> bool:
        """Whether the request gives evidence for an optional parameter: one of its choices,
        a word of its name, or (numbers) more numbers than the required numbers take."""
        words = self._request_words
        if p.choices:
            return any(set(content_words(c)) <= words for c in p.choices if content_words(c))
        if p.type in ("integer", "number"):
            needed = sum(1 for q in tool.params if q.required and q.type in ("integer", "number"))
            return len(self._numbers) > needed
        return bool(set(content_words(p.name)) & words)

    def _kv(
        self, p: Param, tool: Tool, rules: dict[str, str], obs: Observation | None, spans: list[str]
    ) -> str:
        name = f"v-{_rule_name(tool.name)}-{_rule_name(p.name)}"
        schema = self._schema(tool)
        defs = schema.get("$defs", {})
        prop = schema.get("properties", {}).get(p.name)
        resolved = _resolve(prop, defs) if isinstance(prop, Mapping) else None
        if isinstance(prop, Mapping) and resolved is not None and not _is_flat(resolved, defs):
            rules[name] = self._from_schema(prop, defs, rules, name)
            return f"{literal(p.name + '=')} {name}"
        if resolved is not None and resolved.get("type") == "array":
            items = resolved.get("items")
            resolved = _resolve(items, defs) if isinstance(items, Mapping) else None
        rules[name] = self._value(p, obs, spans, Bounds.of(resolved))
        if p.is_list:
            rules[name + "-list"] = f'"[" {name} ("," {name}){{0,7}} "]"'
            name += "-list"
        return f"{literal(p.name + '=')} {name}"

    def _schema(self, tool: Tool) -> dict[str, Any]:
        schema = self._schemas.get(tool.name)
        if schema is None:
            schema = self._schemas[tool.name] = tool.json_schema()
        return schema

    def _from_schema(
        self,
        prop: Mapping[str, Any],
        defs: Mapping[str, Any],
        rules: dict[str, str],
        name: str,
        depth: int = 0,
    ) -> str:
        """A GBNF expression for a JSON schema; rules it needs are added under ``name``-...

        Past a few levels of nesting (or in a recursive schema) any JSON value is allowed.
        """
        resolved = _resolve(prop, defs)
        if resolved is None or depth > _MAX_DEPTH:
            return "json"
        enum = resolved.get("enum")
        if isinstance(enum, list) and enum:
            return "(" + " | ".join(sorted({literal(render_value(v)) for v in enum})) + ")"
        kind = resolved.get("type")
        if kind in ("integer", "number"):
            return self._number(kind == "integer", Bounds.of(resolved))
        if kind in _SCALARS:
            return {"string": self._span_rule or "str", "boolean": "bool"}[kind]
        if kind == "array":
            items = resolved.get("items")
            item = "json"
            if isinstance(items, Mapping):
                item = self._from_schema(items, defs, rules, f"{name}-i", depth + 1)
            rules[f"{name}-a"] = f'"[" ({item} ("," {item})*)? "]"'
            return f"{name}-a"
        props = resolved.get("properties")
        if kind == "object" and isinstance(props, Mapping) and props:
            required = set(resolved.get("required", []))
            kv = []
            for k, v in props.items():
                key = f"{name}-k-{_rule_name(str(k))}"
                value = self._from_schema(v, defs, rules, key, depth + 1)
                kv.append((f"{literal(render_value(str(k)) + ':')} {value}", k in required))
            rules[f"{name}-o"] = f'"{{" {_sequence(f"{name}-o", kv, rules)} "}}"'
            return f"{name}-o"
        return "json"

    def _value(
        self, p: Param, obs: Observation | None, spans: list[str], bounds: Bounds | None = None
    ) -> str:
        if p.type == "boolean":
            return "bool"
        if p.type in ("integer", "number") and not p.choices:
            return self._number(p.type == "integer", bounds or Bounds(p.minimum, p.maximum))
        allowed = self.toolset.allowed_values(p, obs, self._vocab)
        if allowed is not None:
            return self._shared(self._named(allowed) if p.choices else allowed)
        if p.vocab is not None and p.vocab.from_utterance:
            known = self._vocab.get(p.vocab.kind, [])
            return self._shared([*known, *p.vocab.extra, *spans])
        return self._span_rule or "str"

    def _named(self, choices: list[str]) -> list[str]:
        """In ``request`` mode, the choices the request names (most words shared), else all."""
        if self.open_values != "request":
            return choices
        shared = {c: len(set(content_words(c)) & self._request_words) for c in choices}
        best = max(shared.values(), default=0)
        return [c for c in choices if shared[c] == best] if best else choices

    def _number(self, integer: bool, bounds: Bounds) -> str:
        """Numbers within ``bounds``: the request's own when it says some (``request`` mode)."""
        said = [
            n
            for n in self._numbers
            if bounds.contains(n) and (not integer or float(n).is_integer())
        ]
        if said:
            texts = sorted({render_value(int(n) if integer else n) for n in said})
            return "(" + " | ".join(literal(t) for t in texts) + ")"
        if integer:
            lo, hi = bounds.int_limits()
            if lo is not None and hi is not None and lo > hi:
                return "int"  # an empty range: validation will say so
            return int_range(lo, hi) if bounds.bounded else "int"
        return number_range(bounds) if bounds.bounded else "num"

    def _shared(self, values: list[str]) -> str:
        """One rule per distinct value set, shared by every parameter that uses it."""
        key = tuple(sorted(set(values)))
        name = self._value_rules.get(key)
        if name is None:
            name = f"set{len(self._value_rules)}"
            self._value_rules[key] = name
        return name


def _span_rules(words: list[str], rules: dict[str, str]) -> str | None:
    """Rules for a JSON string holding any run of consecutive ``words``; the rule's name.

    ``span-i`` is word i, optionally followed by a space and ``span-(i+1)``: n rules express
    every one of the n(n+1)/2 runs.
    """
    import json

    if not words:
        return None
    n = len(words)
    for i, w in enumerate(words):
        text = literal(json.dumps(w, ensure_ascii=False)[1:-1])
        rules[f"span-{i}"] = f'{text} (" " span-{i + 1})?' if i + 1 < n else text
    starts = " | ".join(f"span-{i}" for i in range(n))
    rules["span"] = f'"\\"" ({starts}) "\\""'
    return "span"


def _sequence(base: str, items: list[tuple[str, bool]], rules: dict[str, str]) -> str:
    """Rules for comma-separated ``items`` in order, the optional ones skippable; the first rule.

    ``items`` are (expression, required) pairs. ``base-f<i>``: items i.. with no comma written
    yet; ``base-r<i>``: items i.. after a comma.
    """
    n = len(items)
    for i in range(n, -1, -1):
        first, rest = f"{base}-f{i}", f"{base}-r{i}"
        if i == n:
            rules[first] = '""'
            rules[rest] = '""'
            continue
        expr, required = items[i]
        take_first = f"{expr} {base}-r{i + 1}"
        take_rest = f'"," {expr} {base}-r{i + 1}'
        rules[first] = take_first if required else f"{take_first} | {base}-f{i + 1}"
        rules[rest] = take_rest if required else f"{take_rest} | {base}-r{i + 1}"
    return f"{base}-f0"
