"""A Toolset: the tools one decision may use, plus the vocabulary of the worlds behind them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from edgeagent.datamodel import Observation, ToolCall
from edgeagent.errors import ToolArgumentError, UnknownNameError
from edgeagent.tool import Example, Param, Tool
from edgeagent.world import World


class Toolset:
    """An ordered, named collection of tools and the worlds they act on."""

    def __init__(self, tools: Iterable[Tool], worlds: Iterable[World] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for t in tools:
            if t.name in self._tools:
                raise ValueError(f"duplicate tool name {t.name!r}")
            self._tools[t.name] = t
        self.worlds: tuple[World, ...] = tuple(worlds)
        self._tools_json: str | None = None

    # -- lookup ----------------------------------------------------------------------------
    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    @property
    def names(self) -> list[str]:
        return list(self._tools)

    def get(self, name: str) -> Tool:
        try:
            return self._tools[name]
        except KeyError:
            raise UnknownNameError("tool", name, self._tools) from None

    # -- the worlds' vocabulary ------------------------------------------------------------
    def vocabulary(self) -> dict[str, list[str]]:
        """Merged vocabularies of all worlds (order kept, duplicates dropped)."""
        merged: dict[str, dict[str, None]] = {}  # dicts keep order and test membership in O(1)
        for world in self.worlds:
            for kind, values in world.vocabulary().items():
                merged.setdefault(kind, {}).update(dict.fromkeys(values))
        return {kind: list(values) for kind, values in merged.items()}

    def synonyms(self) -> dict[str, dict[str, str]]:
        """Other names of vocabulary values, by kind: ``{kind: {synonym (lower case): value}}``,
        from the worlds' ``synonyms()`` and the toolkits' (e.g. their sentence files)."""
        merged: dict[str, dict[str, str]] = {}
        sources: list[Any] = [*self.worlds]
        for t in self:
            owner = t.owner
            if owner is not None and owner not in sources:
                sources.append(owner)
        for source in sources:
            declared = getattr(source, "synonyms", None)
            if declared is None:
                continue
            for kind, names in declared().items():
                merged.setdefault(kind, {}).update(
                    {str(k).strip().lower(): v for k, v in names.items()}
                )
        return merged

    def allowed_values(
        self,
        param: Param,
        observation: Observation | None = None,
        vocabulary: Mapping[str, Sequence[str]] | None = None,
        synonyms: Mapping[str, Mapping[str, str]] | None = None,
    ) -> list[str] | None:
        """The closed set of values a parameter may take now (the vocabulary's values and
        their synonyms, which validation maps back), or None when it is open.

        Pass ``vocabulary`` (from :meth:`vocabulary`) and ``synonyms`` (from :meth:`synonyms`)
        when asking for many parameters at once.
        """
        if param.choices:
            return list(param.choices)
        if param.vocab is None or param.vocab.from_utterance:
            return None  # open: any span of the utterance (brains constrain it themselves)
        vocab = self.vocabulary() if vocabulary is None else vocabulary
        values = list(vocab.get(param.vocab.kind, []))
        values += [v for v in param.vocab.extra if v not in values]
        others = (self.synonyms() if synonyms is None else synonyms).get(param.vocab.kind, {})
        values += [s for s in others if s not in values]
        return values

    def examples(self) -> list[Example]:
        """Worked examples from the toolkits behind these tools (calls to other tools dropped)."""
        out: list[Example] = []
        owners: list[Any] = []
        for t in self:
            owner = t.owner
            if owner is not None and owner not in owners and hasattr(owner, "examples"):
                owners.append(owner)
        for owner in owners:
            for ex in owner.examples():
                if all(c.tool in self for c in ex.calls):
                    out.append(ex)
        return out

    def describe_worlds(self) -> str:
        return "\n".join(w.describe() for w in self.worlds)

    def fingerprint(self) -> str:
        """Stable hash of the tools and vocabulary: changes whenever a prompt would change."""
        if self._tools_json is None:  # the tools never change; the worlds may
            tools = [(t.name, t.description, t.json_schema()) for t in self]
            self._tools_json = json.dumps(tools, sort_keys=True, default=str)
        payload = {
            "tools": self._tools_json,
            "vocab": self.vocabulary(),
            "synonyms": self.synonyms(),
            "worlds": self.describe_worlds(),
        }
        return hashlib.sha1(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    # -- validation ------------------------------------------------------------------------
    def validate_call(
        self, call: ToolCall, observation: Observation | None = None, *, strict_vocab: bool = True
    ) -> ToolCall:
        """Check a call against its tool's schema (and closed vocabularies); return it normalised.

        Raises :class:`UnknownNameError` for an unknown tool and :class:`ToolArgumentError`
        for bad arguments. Closed-vocabulary values are matched case-insensitively and
        rewritten to the world's spelling.
        """
        tool = self.get(call.tool)
        _check_lengths(tool.name, call.args)
        args = tool.validate(call.args)
        if strict_vocab:
            vocab, synonyms = self.vocabulary(), self.synonyms()
            for name, value in list(args.items()):
                param = tool.param(name)
                if param is None or value is None:
                    continue
                allowed = self.allowed_values(param, observation, vocab, synonyms)
                if allowed is None or not allowed:
                    continue
                others = synonyms.get(param.vocab.kind, {}) if param.vocab else {}
                values = value if isinstance(value, list) else [value]
                fixed = [
                    _canonical(others.get(str(v).strip().lower(), str(v)), allowed, tool.name, name)
                    for v in values
                ]
                args[name] = fixed if isinstance(value, list) else fixed[0]
        return ToolCall(tool=tool.name, args=args)

    def validate_calls(
        self, calls: Sequence[ToolCall], observation: Observation | None = None
    ) -> tuple[ToolCall, ...]:
        return tuple(self.validate_call(c, observation) for c in calls)


MAX_ARG_CHARS = 1000  # no name or value any tool takes is longer; longer ones are output gone wrong


def _check_lengths(tool: str, args: Mapping[str, Any]) -> None:
    """Refuse string arguments (also inside lists) longer than :data:`MAX_ARG_CHARS`."""
    for name, value in args.items():
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and len(v) > MAX_ARG_CHARS:
                raise ToolArgumentError(
                    f"{tool}: {name}: a string of {len(v):,} characters (at most "
                    f"{MAX_ARG_CHARS:,})",
                    tool=tool,
                )


def _canonical(value: str, allowed: Sequence[str], tool: str, param: str) -> str:
    by_lower = {a.strip().lower(): a for a in allowed}
    hit = by_lower.get(value.strip().lower())
    if hit is None:
        err = UnknownNameError(param, value, allowed)
        raise ToolArgumentError(f"{tool}: {err}", tool=tool)
    return hit


def merge_context(observation: Observation, worlds: Iterable[World]) -> Observation:
    """Return the observation with each world's perception added under keys it does not set."""
    extra: dict[str, Any] = {}
    for w in worlds:
        extra.update(w.perceive())
    if not extra:
        return observation
    context = {**extra, **observation.context}
    return observation.model_copy(update={"context": context})
