"""What the encoder student predicts, how teacher calls become targets, and how its outputs
become tool calls resolved against the world. Pure numpy: no torch here.

The input is the words and the perceived context as a sentence pair. The student predicts up
to ``slots`` calls. For call slot ``k``:

- **tool head** (pooled): one of the tools, or ``<end>`` (no further call; ``<end>`` in slot 0
  is "no action");
- **value head** per argument (pooled): ``<absent>``, ``<span>`` (the value is a span of the
  input) or one of the values the teacher used that are *not* usually said verbatim (a
  ``domain`` of ``light`` for "lamps", a boolean);
- **span head** per argument (per token): a start and an end logit; softmax over the tokens
  gives where the value starts and ends in the words or the context (an extractive-QA
  pointer, trained only where the value is a span).

Spans are resolved against the world: a closed vocabulary value (an area, an entity name) is
matched to the world's spelling (case, plural, small typos), a number is parsed from digits or
words, an open value (a media search, a robot's object) is the span itself. Anything that does
not resolve stays as said, so the toolset's validation reports it instead of guessing.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from edgeagent.cases import Case
from edgeagent.datamodel import Observation, ToolCall
from edgeagent.errors import ConfigError
from edgeagent.spoken_numbers import normalize_durations, parse_number
from edgeagent.tool import Param
from edgeagent.toolset import Toolset

END = "<end>"
ABSENT = "<absent>"
SPAN = "<span>"
IGNORE = -100
START, END_ = 0, 1  # the span head's two logits per token


class HeadSpec(BaseModel):
    """The student's output layout; saved next to its weights."""

    model_config = ConfigDict(extra="forbid")

    suites: list[str]
    tools: list[str] = Field(description="index 0 is <end>")
    args: list[str]
    values: dict[str, list[str]] = Field(description="per argument: <absent>, <span>, values")
    slots: int = Field(default=3, gt=0)
    context_keys: list[str] = Field(default_factory=list)
    max_len: int = Field(default=128, gt=8)

    @classmethod
    def from_cases(
        cls, cases: Sequence[Case], toolset: Toolset, *, slots: int = 3, min_count: int = 2
    ) -> HeadSpec:
        """The layout for a toolset and the teacher cases it will learn from.

        A value joins an argument's value head when the teacher used it at least
        ``min_count`` times without it being found in the input (else it is a span)."""
        if not cases:
            raise ConfigError("no teacher cases to build the encoder student from")
        unsaid: dict[str, Counter[str]] = {}
        context_keys: set[str] = set()
        for case in cases:
            words, ctx = input_texts(case.observation(), None)
            context_keys |= {k for k, v in (case.context or {}).items() if _renderable(v)}
            for call in case.expected[:slots]:
                for name, value in call.args.items():
                    if isinstance(value, bool) or find_span(value, words, ctx) is None:
                        unsaid.setdefault(name, Counter())[value_key(value)] += 1
        params = {p.name: p for t in toolset for p in t.params}
        args = sorted(params)
        values = {}
        for a in args:
            said = {v for v, n in unsaid.get(a, Counter()).items() if n >= min_count}
            if params[a].type == "boolean":
                said |= {"false", "true"}
            values[a] = [ABSENT, SPAN, *sorted(said)]
        return cls(
            suites=sorted({c.suite for c in cases}),
            tools=[END, *toolset.names],
            args=args,
            values=values,
            slots=slots,
            context_keys=sorted(context_keys),
        )

    @property
    def class_slices(self) -> dict[str, slice]:
        """Where each argument's value logits sit in the value head's output (per slot)."""
        out, start = {}, 0
        for a in self.args:
            out[a] = slice(start, start + len(self.values[a]))
            start += len(self.values[a])
        return out

    @property
    def n_classes(self) -> int:
        return sum(len(self.values[a]) for a in self.args)


class Calibration(BaseModel):
    """How the least probable choice becomes a confidence: softmax at ``temperature``, then
    ``sigmoid(a * logit(raw) + b + c * unfamiliarity + d * noop)`` with ``platt = (a, b)``,
    ``c`` the weight of the request's unfamiliarity and ``d`` that of deciding no action; all
    fitted on held-aside cases (``fitted_on`` says which, with the figures of the fit). With
    ``c = d = 0`` it is Platt scaling."""

    model_config = ConfigDict(extra="forbid")

    temperature: float = Field(default=1.0, gt=0)
    platt: tuple[float, float] = (1.0, 0.0)
    unfamiliarity: float = 0.0
    noop: float = 0.0
    fitted_on: dict[str, Any] = Field(default_factory=dict)

    def confidence(
        self, raw: float, unfamiliarity: float | None = None, noop: bool = False
    ) -> float:
        """The calibrated probability that a decision is right."""
        extra = self.unfamiliarity * (unfamiliarity or 0.0) + (self.noop if noop else 0.0)
        return platt(raw, *self.platt, extra=extra)


def _renderable(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def value_key(value: Any) -> str:
    """How a value is named in a value head: ``true``/``false``, ``24``, ``21.5``, or the text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def input_texts(observation: Observation, context_keys: Sequence[str] | None) -> tuple[str, str]:
    """The sentence pair the encoder reads: the words (spoken fractions of durations as
    numbers: ``half an hour`` -> ``30 minutes``), and the context as ``key: value``."""
    ctx = observation.context or {}
    keys = sorted(ctx) if context_keys is None else context_keys
    parts = []
    for key in keys:
        value = ctx.get(key)
        if value in (None, "", []) or not _renderable(value):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {shown}")
    return normalize_durations(observation.utterance or ""), "; ".join(parts)


def context_values(context: str) -> list[tuple[int, int]]:
    """Character ranges of the values in a context text made by :func:`input_texts`."""
    out, pos = [], 0
    for part in context.split("; ") if context else []:
        key, sep, rest = part.partition(": ")
        start = pos + len(key) + len(sep)
        for value in rest.split(", "):
            out.append((start, start + len(value)))
            start += len(value) + 2
        pos += len(part) + 2
    return out


# -- targets -------------------------------------------------------------------------------
_WORDS = re.compile(r"[\w°%.'-]+")


def find_span(value: Any, words: str, context: str) -> tuple[int, int, int] | None:
    """Where a value is said: (segment 0 = words / 1 = context, start, end), or None."""
    if isinstance(value, bool) or value is None:
        return None
    for seg, text in enumerate((words, context)):
        if isinstance(value, (int, float)):
            hit = _number_span(float(value), text)
        else:
            s = str(value).strip()
            m = re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", text, re.I) if s else None
            hit = m.span() if m else None
        if hit is not None:
            return seg, hit[0], hit[1]
    return None


def _number_span(value: float, text: str) -> tuple[int, int] | None:
    words = [(m.start(), m.end()) for m in _WORDS.finditer(text)]
    for width in (1, 2, 3, 4):
        for i in range(len(words) - width + 1):
            start, end = words[i][0], words[i + width - 1][1]
            n = parse_number(text[start:end])
            if n is not None and math.isclose(float(n), value):
                return start, end - (len(text[start:end]) - len(text[start:end].rstrip(".,'-")))
    return None


@dataclass
class Encoded:
    """One tokenized input: ids, per-token (segment, start, end) offsets, and the texts."""

    input_ids: list[int]
    token_type_ids: list[int]
    offsets: list[tuple[int, int, int] | None]  # None: a special token
    texts: tuple[str, str]


def encode_input(tokenizer: Any, texts: tuple[str, str], max_len: int) -> Encoded:
    enc = tokenizer(
        texts[0],
        texts[1] or None,
        truncation="only_second" if texts[1] else True,
        max_length=max_len,
        return_offsets_mapping=True,
    )
    seq = enc.sequence_ids()
    offsets: list[tuple[int, int, int] | None] = [
        None if s is None else (s, a, b)
        for s, (a, b) in zip(seq, enc["offset_mapping"], strict=True)
    ]
    types = enc.get("token_type_ids") or [0] * len(enc["input_ids"])
    return Encoded(list(enc["input_ids"]), list(types), offsets, texts)


@dataclass
class Targets:
    tools: list[int]  # per slot
    classes: list[list[int]]  # per slot, per argument
    starts: list[int] = field(default_factory=list)  # token per (slot, argument), or IGNORE
    ends: list[int] = field(default_factory=list)


def targets(spec: HeadSpec, case: Case, enc: Encoded, toolset: Toolset) -> Targets | None:
    """The training targets of one case, or None if it does not fit the heads (too many calls,
    an unknown tool)."""
    calls = case.expected
    if len(calls) > spec.slots or any(
        c.tool not in toolset or c.tool not in spec.tools for c in calls
    ):
        return None
    n_args = len(spec.args)
    tools = [spec.tools.index(c.tool) for c in calls]
    tools += [0] if len(calls) < spec.slots else []
    tools += [IGNORE] * (spec.slots - len(tools))
    classes = [[IGNORE] * n_args for _ in range(spec.slots)]
    starts = [IGNORE] * (spec.slots * n_args)
    ends = [IGNORE] * (spec.slots * n_args)
    for k, call in enumerate(calls):
        for name, value in call.args.items():
            if name not in spec.args:
                return None
            a = spec.args.index(name)
            key = value_key(value)
            if key in spec.values[name][2:]:
                classes[k][a] = spec.values[name].index(key)
                continue
            hit = find_span(value, *enc.texts)
            tokens = _tokens_of(enc.offsets, hit) if hit is not None else []
            if tokens:
                starts[k * n_args + a], ends[k * n_args + a] = tokens[0], tokens[-1]
            classes[k][a] = spec.values[name].index(SPAN) if tokens else IGNORE
        # parameters of the tool the teacher left out are <absent>
        tool_params = {p.name for p in toolset.get(call.tool).params}
        for a, name in enumerate(spec.args):
            if name in tool_params and name not in call.args:
                classes[k][a] = spec.values[name].index(ABSENT)
    return Targets(tools, classes, starts, ends)


def _tokens_of(
    offsets: Sequence[tuple[int, int, int] | None], hit: tuple[int, int, int]
) -> list[int]:
    """The tokens covering a character span ([] when truncation cut it away)."""
    seg, start, end = hit
    return [
        i
        for i, off in enumerate(offsets)
        if off is not None and off[0] == seg and off[1] < end and off[2] > start
    ]


# -- decoding ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decoded:
    calls: tuple[ToolCall, ...]
    confidence: float  # calibrated: the probability that the decision is right
    weakest: str  # which choice set the confidence
    raw_confidence: float  # the least probable choice, before the Platt map


def platt(raw: float, a: float, b: float, extra: float = 0.0) -> float:
    """``sigmoid(a * logit(raw) + b + extra)``: a monotone map of a confidence to a
    probability (``extra``: the other features' share)."""
    r = min(max(raw, 1e-6), 1 - 1e-6)
    z = min(max(a * math.log(r / (1 - r)) + b + extra, -50.0), 50.0)
    return 1.0 / (1.0 + math.exp(-z))


def softmax(x: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = x / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def decode(
    spec: HeadSpec,
    enc: Encoded,
    tool_logits: np.ndarray,  # [slots, tools]
    class_logits: np.ndarray,  # [slots, n_classes]
    span_logits: np.ndarray,  # [tokens, slots * args, 2]: start, end
    toolset: Toolset,
    observation: Observation,
    calibration: Calibration | None = None,
    unfamiliarity: float | None = None,
) -> Decoded:
    """The calls the heads say, each value resolved against the world, and the confidence:
    the least probable of the choices made (tools, values, spans) at the fitted temperature,
    mapped by the fitted Platt curve to the probability that the decision is right."""
    calibration = calibration or Calibration()
    t = calibration.temperature
    usable = np.array([name == END or name in toolset for name in spec.tools])
    slices = spec.class_slices
    vocab: dict[str, list[str]] | None = None  # the worlds' names, fetched only if needed
    calls: list[ToolCall] = []
    weakest = (1.0, "nothing to choose")
    valid = np.array([off is not None for off in enc.offsets])
    masked = np.where(valid[:, None, None], span_logits, -np.inf)
    # log-softmax over the tokens, per (slot, argument) column, for starts and ends
    z = masked / t
    span_logp = z - np.logaddexp.reduce(z, axis=0, keepdims=True)

    def note(p: float, what: str) -> None:
        nonlocal weakest
        if p < weakest[0]:
            weakest = (p, what)

    for k in range(spec.slots):
        probs = softmax(np.where(usable, tool_logits[k], -np.inf), t)
        choice = int(np.argmax(probs))
        note(float(probs[choice]), f"slot {k} tool")
        if choice == 0:
            break
        tool = toolset.get(spec.tools[choice])
        args: dict[str, Any] = {}
        for param in tool.params:
            if param.name not in slices:
                continue
            logits = class_logits[k, slices[param.name]].copy()
            if param.required:
                logits[0] = -np.inf
            p = softmax(logits, t)
            c = int(np.argmax(p))
            note(float(p[c]), f"{tool.name}.{param.name}")
            label = spec.values[param.name][c]
            if label == ABSENT:
                continue
            if label == SPAN:
                col = k * len(spec.args) + spec.args.index(param.name)
                if vocab is None and param.vocab is not None and not param.vocab.from_utterance:
                    vocab = toolset.vocabulary()
                allowed = toolset.allowed_values(param, observation, vocab or {})
                text, sp, hit = best_span(enc, span_logp[:, col, :], allowed, _fits(param))
                note(sp, f"{tool.name}.{param.name} span")
                args[param.name] = hit if hit is not None else resolve(text, param)
            else:
                args[param.name] = convert(label, param)
        calls.append(ToolCall(tool=tool.name, args=args))
    confidence = calibration.confidence(weakest[0], unfamiliarity, noop=not calls)
    return Decoded(tuple(calls), confidence, weakest[1], weakest[0])


def words_of(enc: Encoded) -> list[tuple[int, int]]:
    """Token ranges ``[first, last]`` of the input's words (a word never spans segments;
    punctuation is a word of its own)."""
    words: list[tuple[int, int]] = []
    prev: tuple[int, int, int] | None = None
    for i, off in enumerate(enc.offsets):
        if off is None:
            prev = None
            continue
        text = enc.texts[off[0]][off[1] : off[2]]
        glued = (
            prev is not None
            and prev[0] == off[0]
            and prev[2] == off[1]
            and text[:1].isalnum()
            and enc.texts[prev[0]][prev[2] - 1 : prev[2]].isalnum()
        )
        if glued:
            words[-1] = (words[-1][0], i)
        else:
            words.append((i, i))
        prev = off
    return words


def span_candidates(enc: Encoded, logp: np.ndarray, max_words: int = 8) -> list[tuple[float, str]]:
    """Every span of up to ``max_words`` whole words (not starting or ending on punctuation,
    never across context values) with its log-probability ``log p(start) + log p(end)``
    (``logp``: [tokens, 2], log-softmax over the tokens). Best first."""
    words = words_of(enc)
    values = context_values(enc.texts[1])
    out = []
    for w, (start, _) in enumerate(words):
        off = enc.offsets[start]
        assert off is not None
        seg = off[0]
        if not _is_word(enc, start):
            continue
        inside = next((r for r in values if r[0] <= off[1] < r[1]), None) if seg == 1 else None
        if seg == 1 and inside is None:
            continue  # a key of the context ("objects:"), not a value
        for v in range(w, min(len(words), w + max_words)):
            first, last = words[v]
            end_off = enc.offsets[last]
            assert end_off is not None
            if end_off[0] != seg or (inside is not None and end_off[2] > inside[1]):
                break  # spans never cross segments or context values
            if not _is_word(enc, first):
                continue
            score = float(logp[start, START] + logp[last, END_])
            out.append((score, enc.texts[seg][off[1] : end_off[2]]))
    out.sort(key=lambda c: -c[0])
    return out


def _is_word(enc: Encoded, token: int) -> bool:
    off = enc.offsets[token]
    return off is not None and enc.texts[off[0]][off[1] : off[1] + 1].isalnum()


def _fits(param: Param) -> Callable[[str], bool] | None:
    """For a number with bounds: whether a span says a number within them."""
    if param.type not in ("integer", "number") or (param.minimum is None and param.maximum is None):
        return None

    def fits(text: str) -> bool:
        n = parse_number(text)
        return (
            n is not None
            and (param.minimum is None or n >= param.minimum)
            and (param.maximum is None or n <= param.maximum)
        )

    return fits


def best_span(
    enc: Encoded,
    logp: np.ndarray,
    allowed: Sequence[str] | None = None,
    fits: Callable[[str], bool] | None = None,
) -> tuple[str, float, str | None]:
    """The most likely value a span names, its probability, and the allowed value it is.

    Spans that say the same value (the same words, or the same allowed value: "book" in the
    words and "Book" in the context, "kitchen" and "the kitchen") pool their probability. With
    ``allowed``, only spans that name an allowed value compete, as long as any does (the
    encoder's analogue of a grammar); with ``fits`` (a number's bounds), only spans it accepts,
    as long as any is; otherwise the best span stays as said (and validation reports it)."""
    candidates = span_candidates(enc, logp)
    if fits is not None:
        candidates = [c for c in candidates if fits(c[1])] or candidates
    if not candidates:
        return "", 0.0, None
    pooled: dict[str, list[Any]] = {}  # key -> [probability, best text, allowed value]
    if allowed:
        by_norm = {_norm(a): a for a in allowed}
        for score, text in candidates:
            hit = by_norm.get(_norm(text))
            if hit is not None:
                _pool(pooled, hit, math.exp(score), text, hit)
        if not pooled:  # close spellings, for the likeliest spans only
            for score, text in candidates[:3]:
                hit = match_vocabulary(text, allowed)
                if hit is not None:
                    _pool(pooled, hit, math.exp(score), text, hit)
    if not pooled:
        for score, text in candidates:
            _pool(pooled, _norm(text) or text, math.exp(score), text, None)
    p, text, hit = max(pooled.values(), key=lambda v: v[0])
    return text, min(1.0, p), hit


def _pool(pooled: dict[str, list[Any]], key: str, p: float, text: str, hit: str | None) -> None:
    if key in pooled:
        pooled[key][0] += p  # candidates come best first: the first text stays
    else:
        pooled[key] = [p, text, hit]


def convert(label: str, param: Param) -> Any:
    """A value head's label as the parameter's type."""
    if param.type == "boolean":
        return label == "true"
    if param.type in ("integer", "number"):
        n = parse_number(label)
        return label if n is None else n
    return label


def resolve(text: str, param: Param) -> Any:
    """A span that names no allowed value, as the parameter's type: a number where one is
    expected, else the words as said (validation reports them if the world has no such name)."""
    if param.type in ("integer", "number"):
        n = parse_number(text)
        return text if n is None else n
    if param.type == "boolean":
        return text.lower() in ("on", "true", "yes", "open")
    return text


_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ARTICLE = re.compile(r"^(the|my|a|an) ")
_PLURAL = re.compile(r"(?<=[a-z]{3})s\b")


def _norm(text: str) -> str:
    s = _NON_ALNUM.sub(" ", text.lower()).strip()
    return _PLURAL.sub("", _ARTICLE.sub("", s))


def match_vocabulary(text: str, allowed: Sequence[str]) -> str | None:
    """The allowed value a span names: same words (case, plural, articles aside) or a close
    spelling; None when nothing is close."""
    by_norm = {_norm(a): a for a in allowed}
    key = _norm(text)
    if key in by_norm:
        return by_norm[key]
    close = difflib.get_close_matches(key, list(by_norm), n=1, cutoff=0.85)
    return by_norm[close[0]] if close else None
