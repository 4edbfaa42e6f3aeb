"""Property-based tests: arbitrary and adversarial brain outputs are never executed.

For each toolkit (smart_home, robot and the test lamps) hypothesis generates brain outputs:
calls of known and unknown tools, with arguments of the wrong type, unknown entities,
out-of-range numbers, extra fields, huge strings, deep nesting, control characters, and
several calls where one is invalid. Each output goes through a brain (``BaseBrain``'s
validation) and the agent with a decision log. The properties:

- an output with a deliberately broken call is an ``invalid`` decision with a reason, a log
  record and a decision-log row, and no tool runs;
- whatever the output, a tool runs only as a call that validates against the toolset.

The number of examples comes from the hypothesis profile (``ci``, the default: 10,000 per
toolkit, derandomized; ``dev``: 500, with ``pytest --hypothesis-profile=dev``); each test
checks that many ran.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edgeagent import Agent
from edgeagent.brains.base import BaseBrain, Proposal
from edgeagent.callformat import parse_calls
from edgeagent.datamodel import Decision, Observation, ToolCall
from edgeagent.errors import EdgeAgentError
from edgeagent.factory import build_toolset
from edgeagent.policy import DeclarativePolicy
from edgeagent.telemetry import Telemetry
from edgeagent.testing.lamps import lamp_toolset
from edgeagent.tool import Param
from edgeagent.toolset import MAX_ARG_CHARS, Toolset

TOOLKITS: dict[str, Callable[[], Toolset]] = {
    "smart_home": lambda: build_toolset(["smart_home"]),
    "robot": lambda: build_toolset(["robot"]),
    "lamps": lamp_toolset,
}
TRIED: dict[str, int] = {}
EXAMPLES = {"ci": 10_000, "dev": 500}


def examples() -> int:
    """Outputs to generate per toolkit under the active hypothesis profile."""
    return EXAMPLES.get(settings.get_current_profile_name(), 10_000)


# -- what a broken brain may say -----------------------------------------------------------------
def nest(depth: int) -> Any:
    value: Any = "Kitchen"
    for i in range(depth):
        value = [value] if i % 2 else {"x": value}
    return value


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
huge_strings = st.integers(min_value=MAX_ARG_CHARS + 1, max_value=300_000).map(
    lambda n: "ab" * (n // 2 + 1)
)
deep = st.integers(min_value=3, max_value=2_000).map(nest)
odd_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Lu", "Ll", "Nd", "Po"]),
    max_size=40,
)


@dataclass
class Output:
    """One generated brain output and what the generator knows about it."""

    calls: list[tuple[str, dict[str, Any]]]  # (tool, args) as a backend returns them
    broken: list[str] = field(default_factory=list)  # why some call is certainly invalid
    # "unknown entity" mutations of a world vocabulary are certain only while that vocabulary
    # is not empty (an empty one is open); the kinds they rely on:
    needs: list[str] = field(default_factory=list)


def valid_value(draw: st.DrawFn, p: Param, vocab: dict[str, list[str]]) -> Any:
    if p.choices:
        return draw(st.sampled_from(list(p.choices)))
    if p.type == "boolean":
        return draw(st.booleans())
    if p.type in ("integer", "number"):
        lo = int(p.minimum) if p.minimum is not None else -5
        hi = int(p.maximum) if p.maximum is not None else lo + 100
        return draw(st.integers(min_value=lo, max_value=hi))
    names = vocab.get(p.vocab.kind, []) if p.vocab is not None else []
    if names:
        name = draw(st.sampled_from(names))
        return draw(st.sampled_from([name, name.upper(), f" {name.lower()} "]))
    return draw(st.text(min_size=1, max_size=20))


def broken_value(draw: st.DrawFn, p: Param, vocab: dict[str, list[str]]) -> tuple[Any, str] | None:
    """A value this parameter certainly rejects, and what is wrong with it (None: none fits)."""
    kinds = ["wrong type", "huge string", "deep nesting"]
    if p.type in ("integer", "number") and (p.minimum is not None or p.maximum is not None):
        kinds.append("out of range")
    closed = p.choices or (
        p.vocab is not None and not p.vocab.from_utterance and vocab.get(p.vocab.kind)
    )
    if closed and p.type == "string":
        kinds.append("unknown entity")
    kind = draw(st.sampled_from(kinds))
    if kind == "wrong type":
        return {"value": draw(json_values)}, kind
    if kind == "huge string":
        return draw(huge_strings), kind
    if kind == "deep nesting":
        return {"x": nest(draw(st.integers(min_value=3, max_value=2_000)))}, kind
    if kind == "out of range":
        if p.maximum is not None and (p.minimum is None or draw(st.booleans())):
            return int(p.maximum) + draw(st.integers(min_value=1, max_value=10**9)), kind
        return int(p.minimum or 0) - draw(st.integers(min_value=1, max_value=10**9)), kind
    known = {
        v.lower() for v in (p.choices or vocab.get(p.vocab.kind, []) if p.vocab else p.choices)
    }
    words = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=25))
    value = f"zz{words}qq"
    return (None if value.strip().lower() in known else value), kind


@st.composite
def outputs(draw: st.DrawFn, toolset: Toolset, vocab: dict[str, list[str]]) -> Output:
    """Brain outputs for ``toolset``; ``vocab`` is a snapshot of its vocabulary (the worlds
    change as valid calls run; the generator must not)."""
    names = toolset.names
    out = Output(calls=[])
    broken_at = draw(st.integers(min_value=-1, max_value=3))  # -1: anything goes
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        must_break = i == broken_at
        how = draw(st.sampled_from(["unknown tool", "bad argument", "extra field"]))
        if must_break and how == "unknown tool":
            name = draw(
                odd_text | st.sampled_from([n + "x" for n in names] + [n.lower() for n in names])
            )
            if name in names:
                name += "_"
            args = draw(st.dictionaries(st.text(max_size=8), json_values, max_size=3))
            out.calls.append((name, args))
            out.broken.append(how)
            continue
        tool = toolset.get(draw(st.sampled_from(names)))
        args = {}
        for p in tool.params:
            if p.required or draw(st.booleans()):
                args[p.name] = valid_value(draw, p, vocab)
        if not must_break:  # arbitrary: sometimes garbage in places, sometimes fine
            for p in tool.params:
                if draw(st.integers(min_value=0, max_value=4)) == 0:
                    args[p.name] = draw(json_values | huge_strings | deep | odd_text)
            out.calls.append((tool.name, args))
            continue
        params = list(tool.params)
        broken = None
        if how == "bad argument" and params:
            p = draw(st.sampled_from(params))
            broken = broken_value(draw, p, vocab)
            if broken is not None and broken[0] is not None:
                args[p.name] = broken[0]
                out.broken.append(f"{broken[1]} for {tool.name}.{p.name}")
                if broken[1] == "unknown entity" and not p.choices and p.vocab is not None:
                    out.needs.append(p.vocab.kind)
        if broken is None or broken[0] is None:  # an extra field the schema forbids
            extra = draw(
                st.text(min_size=1, max_size=12).filter(lambda k, t=tool: t.param(k) is None)
            )
            args[extra] = draw(json_values)
            out.broken.append(f"extra field {extra!r}")
        out.calls.append((tool.name, args))
    return out


# -- the brain and the agent under test ----------------------------------------------------------
class Said(BaseBrain):
    """A brain that says whatever it is given (validated by ``BaseBrain`` like any brain's)."""

    name = "fuzz"

    def __init__(self) -> None:
        self.next: Output | str | None = None

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        said, self.next = self.next, None
        if isinstance(said, str):  # raw text, read as the GGUF brain reads its output
            return Proposal(calls=tuple(parse_calls(said)), confidence=1.0, raw=said)
        assert said is not None  # calls as a backend returns them, read as the cloud brain does
        return Proposal(calls=tuple(ToolCall(tool=t, args=a) for t, a in said.calls))


def contextmanager_logs(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Collect the brains' log records while ``fn`` runs."""

    def wrapped(self: Any, *args: Any) -> Any:
        logger = logging.getLogger("edgeagent.brains.base")
        handler = _Collect(self.records)
        old, propagate = logger.level, logger.propagate
        logger.setLevel(logging.INFO)
        logger.propagate = False  # 10,000s of records: kept here, not in pytest's capture
        logger.addHandler(handler)
        self.records.clear()
        try:
            return fn(self, *args)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old)
            logger.propagate = propagate

    return wrapped


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.INFO)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


class Harness:
    """An agent over one toolset whose tools count their runs, with a decision log and a
    handler catching the brains' log records."""

    def __init__(self, toolset: Toolset) -> None:
        self.toolset = toolset
        self.runs: list[ToolCall] = []
        for t in toolset:
            t.invoke = self._spy(t.name, t.invoke)  # type: ignore[method-assign]
        self.brain = Said()
        self.log = Telemetry(":memory:")
        self.agent = Agent(self.brain, toolset, policy=DeclarativePolicy(), telemetry=self.log)
        self.records: list[logging.LogRecord] = []

    def _spy(self, name: str, invoke: Callable[..., Any]) -> Callable[..., Any]:
        def run(args: Any = None) -> Any:
            self.runs.append(ToolCall(tool=name, args=dict(args or {})))
            return invoke(args)

        return run

    @contextmanager_logs
    def step(self, said: Output | str) -> tuple[Decision, list[ToolCall]]:
        self.brain.next = said
        self.runs.clear()
        since = time.time()
        step = self.agent.step("do what the brain says")
        (row,) = self.log.rows(since=since)  # every decision is in the decision log
        assert (row["kind"], row["reason"]) == (step.decision.kind, step.decision.reason)
        return step.decision, list(self.runs)


def check(h: Harness, out: Output) -> None:
    live = h.toolset.vocabulary()
    certain = (
        not out.needs or len(out.broken) > len(out.needs) or all(live.get(k) for k in out.needs)
    )
    try:  # what validation makes of the output in the world the brain sees (before it acts)
        expected: tuple[ToolCall, ...] | None = tuple(
            h.toolset.validate_call(ToolCall(tool=t, args=a)) for t, a in out.calls
        )
    except (EdgeAgentError, ValueError):  # pydantic's ValidationError is a ValueError
        expected = None
    decision, ran = h.step(out)
    if decision.kind == "invalid" or (out.broken and certain):
        assert decision.kind == "invalid", (out.broken, decision)
        assert ran == [] and decision.calls == ()
        assert decision.reason and len(decision.reason) <= 2000
        assert any("never executed" in r.getMessage() for r in h.records)
        assert expected is None  # nothing valid was refused
        return
    # a valid decision: exactly the validated calls, and only they ever run
    assert decision.calls == expected
    assert all(call in decision.calls for call in ran)


def run_fuzz(name: str) -> int:
    harness = Harness(TOOLKITS[name]())
    tried = 0

    @settings(max_examples=examples())
    @given(out=outputs(harness.toolset, harness.toolset.vocabulary()))
    def prop(out: Output) -> None:
        nonlocal tried
        tried += 1
        check(harness, out)

    prop()
    return tried


@pytest.mark.parametrize("name", list(TOOLKITS))
def test_broken_outputs_are_never_executed(name: str) -> None:
    tried = run_fuzz(name)
    TRIED[name] = tried
    print(f"fuzz {name}: {tried} generated outputs")
    assert tried >= examples()


def call_texts(toolset: Toolset) -> st.SearchStrategy[str]:
    names = st.sampled_from(toolset.names) | st.text(max_size=12)
    piece = (
        names.map(lambda n: n + "(")
        | st.sampled_from(["(", ")", "=", ",", '"', "\n", "none", "[", "]", "{", "}", "null", "\\"])
        | st.from_regex(r'[a-z_]{1,8}="[^"\n]{0,20}"', fullmatch=True)
        | st.integers(min_value=-(10**30), max_value=10**30).map(str)
        | odd_text
    )
    return st.lists(piece, max_size=25).map("".join)


def test_raw_text_outputs_are_parsed_or_refused() -> None:
    """The GGUF brain's path: raw text is parsed (or refused as unparseable) and validated."""
    harness = Harness(lamp_toolset())
    tried = 0

    @settings(max_examples=examples() // 5)
    @given(text=call_texts(harness.toolset))
    def prop(text: str) -> None:
        nonlocal tried
        tried += 1
        decision, ran = harness.step(text)
        try:
            calls = [harness.toolset.validate_call(c) for c in parse_calls(text)]
        except EdgeAgentError:
            assert decision.kind == "invalid" and ran == [] and decision.reason
            return
        assert decision.kind != "invalid" and decision.calls == tuple(calls)

    prop()
    print(f"fuzz raw text (lamps): {tried} generated outputs")
    assert tried >= examples() // 5


def test_nan_and_infinite_numbers_never_reach_a_tool() -> None:
    harness = Harness(build_toolset(["smart_home"]))
    for bad in (math.nan, math.inf, -math.inf, 1e308):
        call = ("HassLightSet", {"name": "Bedroom Lamp", "brightness": bad})
        decision, ran = harness.step(Output(calls=[call]))
        assert decision.kind == "invalid" and ran == []
