"""The Brain protocol and a base class that owns timing and output validation."""

from __future__ import annotations

import logging
import time
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edgeagent.datamodel import Decision, Observation, TokenUsage, ToolCall
from edgeagent.errors import BrainError, BrainOutputError, ToolArgumentError, UnknownNameError
from edgeagent.toolset import Toolset

log = logging.getLogger(__name__)


@runtime_checkable
class Brain(Protocol):
    """Anything that turns an observation into a decision over a toolset.

    ``warm_up`` loads what the first decision would otherwise pay for (a model, a prompt's
    KV state), so the first measured latency is a decision's; ``close`` frees it (twice is
    harmless). :class:`BaseBrain` gives both as no-ops.
    """

    name: str

    def decide(self, observation: Observation, toolset: Toolset) -> Decision: ...

    def warm_up(self, toolset: Toolset) -> None: ...

    def close(self) -> None: ...


class Proposal(BaseModel):
    """What a backend proposes before validation: raw calls (or an answer) and its confidence."""

    model_config = ConfigDict(frozen=True)

    calls: tuple[ToolCall, ...] = ()
    answer: str | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    tokens: TokenUsage = Field(default_factory=TokenUsage)
    raw: str | None = None
    unfamiliarity: float | None = Field(
        default=None, ge=0.0, le=1.0, description="How unlike its training data (if measured)"
    )


class BaseBrain:
    """Base class for brains: subclasses implement :meth:`propose`.

    :meth:`decide` times the call, validates every proposed call against the toolset (tool
    names, argument schemas, closed vocabularies) and turns any failure into an ``invalid``
    decision with the reason; invalid output is never executed. A :class:`BrainError` from
    the backend also becomes an invalid decision, so one bad step never stops the agent, and
    so does output that cannot even be read as calls (wrong types, nesting too deep to
    validate). Every invalid decision is logged (logger ``edgeagent.brains.base``, INFO).
    """

    name: str = "brain"

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        raise NotImplementedError

    def decide(self, observation: Observation, toolset: Toolset) -> Decision:
        start = time.perf_counter()
        try:
            return self.decide_strict(observation, toolset, start)
        except BrainOutputError as exc:
            return self._invalid(f"unparseable output: {exc}", start, raw=exc.raw)
        except BrainError as exc:
            return self._invalid(f"brain failed: {exc}", start)
        except (ValidationError, RecursionError, TypeError, ValueError) as exc:
            # output that is not even a proposal (calls of the wrong shape): invalid, not a crash
            return self._invalid(f"malformed output: {type(exc).__name__}: {_short(exc)}", start)

    def decide_strict(
        self, observation: Observation, toolset: Toolset, start: float | None = None
    ) -> Decision:
        """Like :meth:`decide`, but a backend failure raises :class:`BrainError` (with its
        ``retryable`` flag) instead of becoming an invalid decision. Routers use this."""
        start = time.perf_counter() if start is None else start
        proposal = self.propose(observation, toolset)
        return self.validate(proposal, observation, toolset, start)

    def validate(
        self, proposal: Proposal, observation: Observation, toolset: Toolset, start: float
    ) -> Decision:
        """Turn a proposal into a Decision, checking each call against the toolset."""
        common = {
            "confidence": proposal.confidence,
            "brain": self.name,
            "tokens": proposal.tokens,
            "raw": proposal.raw,
            "unfamiliarity": proposal.unfamiliarity,
        }
        try:
            calls = toolset.validate_calls(proposal.calls, observation)
        except (UnknownNameError, ToolArgumentError) as exc:
            return self._invalid(_short(exc, 1000), start, **common)
        except (ValidationError, RecursionError, TypeError, ValueError) as exc:
            return self._invalid(
                f"malformed call: {type(exc).__name__}: {_short(exc)}", start, **common
            )
        latency = _ms_since(start)
        if calls:
            return Decision.act(*calls, latency_ms=latency, **common)
        if proposal.answer:
            return Decision(kind="answer", answer=proposal.answer, latency_ms=latency, **common)
        return Decision.noop(latency_ms=latency, **common)

    def _invalid(self, reason: str, start: float, **fields: object) -> Decision:
        fields.setdefault("brain", self.name)
        fields.setdefault("confidence", 0.0)
        log.info("invalid decision from %s (never executed): %s", self.name, _short(reason))
        return Decision.invalid(reason, latency_ms=_ms_since(start), **fields)

    def warm_up(self, toolset: Toolset) -> None:
        """Load what the first decision needs (nothing by default)."""

    def close(self) -> None:
        """Free resources (models, sessions). Safe to call twice."""

    def __enter__(self) -> BaseBrain:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _short(text: object, limit: int = 500) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
