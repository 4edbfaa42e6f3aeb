"""GBNF grammars generated from tool schemas, so a local model can only write valid calls.

The grammar follows :mod:`edgeagent.callformat`: tool names come from the toolset, arguments
in schema order with their JSON types, and entity-like arguments (``Vocab``) restricted to
what the world knows, or to spans of the utterance for open values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from edgeagent.callformat import NONE
from edgeagent.tool import Param, Tool
from edgeagent.toolset import Toolset
from edgeagent.types import Observation

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
    "int": '"-"? [0-9] [0-9]{0,5}',
    "num": '"-"? [0-9] [0-9]{0,5} ("." [0-9] [0-9]{0,3})?',
    "bool": '("true" | "false")',
    "str": '"\\"" [^"\\\\\\n] [^"\\\\\\n]{0,47} "\\""',
}


class GrammarBuilder:
    """Builds the GBNF grammar for one toolset (and one observation, for utterance spans)."""

    def __init__(self, toolset: Toolset, *, max_calls: int = 4) -> None:
        self.toolset = toolset
        self.max_calls = max_calls

    def build(self, observation: Observation | None = None) -> str:
        rules: dict[str, str] = {}
        self._value_rules: dict[tuple[str, ...], str] = {}
        self._vocab = self.toolset.vocabulary()
        spans = utterance_spans(observation.utterance if observation else None)
        tool_rules = [self._tool(t, rules, observation, spans) for t in self.toolset]
        rules["call"] = " | ".join(tool_rules)
        more = f'("\\n" call){{0,{self.max_calls - 1}}}' if self.max_calls > 1 else ""
        root = f"root ::= {literal(NONE)} | call {more}".rstrip()
        body = [root] + [f"{name} ::= {rhs}" for name, rhs in rules.items()]
        body += [
            f"{name} ::= {quoted_alternatives(vals)}" for vals, name in self._value_rules.items()
        ]
        used = "\n".join(body)
        body += [f"{n} ::= {r}" for n, r in _BASE_RULES.items() if re.search(rf"\b{n}\b", used)]
        return "\n".join(body) + "\n"

    def _tool(
        self, tool: Tool, rules: dict[str, str], obs: Observation | None, spans: list[str]
    ) -> str:
        base = "t-" + _rule_name(tool.name)
        params = list(tool.params)
        kv = [self._kv(p, tool, rules, obs, spans) for p in params]
        n = len(params)
        # first-i: params i.. with no comma written yet; rest-i: params i.. after a comma
        for i in range(n, -1, -1):
            first, rest = f"{base}-f{i}", f"{base}-r{i}"
            if i == n:
                rules[first] = '""'
                rules[rest] = '""'
                continue
            p = params[i]
            take_first = f"{kv[i]} {base}-r{i + 1}"
            take_rest = f'"," {kv[i]} {base}-r{i + 1}'
            rules[first] = take_first if p.required else f"{take_first} | {base}-f{i + 1}"
            rules[rest] = take_rest if p.required else f"{take_rest} | {base}-r{i + 1}"
        rules[base] = f'{literal(tool.name + "(")} {base}-f0 ")"'
        return base

    def _kv(
        self, p: Param, tool: Tool, rules: dict[str, str], obs: Observation | None, spans: list[str]
    ) -> str:
        name = f"v-{_rule_name(tool.name)}-{_rule_name(p.name)}"
        rules[name] = self._value(p, obs, spans)
        if p.is_list:
            rules[name + "-list"] = f'"[" {name} ("," {name}){{0,7}} "]"'
            name += "-list"
        return f"{literal(p.name + '=')} {name}"

    def _value(self, p: Param, obs: Observation | None, spans: list[str]) -> str:
        if p.type == "boolean":
            return "bool"
        if p.type == "integer" and not p.choices:
            return "int"
        if p.type == "number" and not p.choices:
            return "num"
        allowed = self.toolset.allowed_values(p, obs, self._vocab)
        if allowed is not None:
            return self._shared(allowed)
        if p.vocab is not None and p.vocab.from_utterance:
            known = self._vocab.get(p.vocab.kind, [])
            return self._shared([*known, *p.vocab.extra, *spans])
        return "str"

    def _shared(self, values: list[str]) -> str:
        """One rule per distinct value set, shared by every parameter that uses it."""
        key = tuple(sorted(set(values)))
        name = self._value_rules.get(key)
        if name is None:
            name = f"set{len(self._value_rules)}"
            self._value_rules[key] = name
        return name
