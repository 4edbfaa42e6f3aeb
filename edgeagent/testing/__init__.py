"""Test doubles that ship with the library: brains you script or write as a function."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable

from edgeagent.brains.base import BaseBrain, Proposal
from edgeagent.datamodel import Decision, Observation, ToolCall
from edgeagent.toolset import Toolset

Scripted = Decision | Proposal | ToolCall | Iterable[ToolCall] | None


def _as_proposal(item: Scripted, confidence: float) -> Proposal | Decision:
    if isinstance(item, Decision | Proposal):
        return item
    if item is None:
        return Proposal(confidence=confidence)
    calls = (item,) if isinstance(item, ToolCall) else tuple(item)
    return Proposal(calls=calls, confidence=confidence)


class ScriptedBrain(BaseBrain):
    """Answers from a queue of scripted replies and records every observation it saw.

    Each reply is a ``ToolCall``, a list of calls, ``None`` (no-op), a ``Proposal`` (validated
    like a real brain's output) or a ready ``Decision`` (returned as is).
    """

    def __init__(
        self, replies: Iterable[Scripted] = (), *, confidence: float = 1.0, name: str = "scripted"
    ) -> None:
        self.name = name
        self.confidence = confidence
        self.queue: deque[Scripted] = deque(replies)
        self.history: list[Observation] = []

    def enqueue(self, *replies: Scripted) -> None:
        self.queue.extend(replies)

    def decide(self, observation: Observation, toolset: Toolset) -> Decision:
        self.history.append(observation)
        if not self.queue:
            return Decision.invalid("scripted brain has no reply left", brain=self.name)
        item = _as_proposal(self.queue.popleft(), self.confidence)
        if isinstance(item, Decision):
            return item
        return self.validate(item, observation, toolset, time.perf_counter())


class FunctionBrain(BaseBrain):
    """A brain whose decision logic is a Python function ``(observation, toolset) -> reply``."""

    def __init__(
        self,
        fn: Callable[[Observation, Toolset], Scripted],
        *,
        confidence: float = 1.0,
        name: str = "function",
    ) -> None:
        self.fn = fn
        self.name = name
        self.confidence = confidence

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        item = _as_proposal(self.fn(observation, toolset), self.confidence)
        if isinstance(item, Decision):
            return Proposal(calls=item.calls, answer=item.answer, confidence=item.confidence)
        return item
