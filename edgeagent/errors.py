"""One error hierarchy for edgeagent.

User mistakes (bad configuration, unknown names, invalid tool definitions) derive from
:class:`UserError`; problems that happen while the agent runs derive from :class:`AgentRunError`.
Every error carries structured fields next to its message so callers never parse strings.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class EdgeAgentError(Exception):
    """Base class of every error raised by edgeagent."""


# --- the user's mistakes -------------------------------------------------------------------


class UserError(EdgeAgentError):
    """The caller did something wrong: configuration, arguments, definitions."""


class ConfigError(UserError):
    """A configuration value or file is invalid."""


class MissingDependencyError(UserError, ImportError):
    """A dependency is not installed; the message names the extra that installs it (None: a
    core dependency, so the installation itself is broken)."""

    def __init__(self, package: str, extra: str | None) -> None:
        self.package = package
        self.extra = extra
        how = f"pip install 'edgeagent[{extra}]'" if extra else "reinstall edgeagent"
        super().__init__(f"{package!r} is required for this feature: {how}")


class UnknownNameError(UserError, KeyError):
    """A name (tool, brain, world, entity, ...) is not known; carries the close matches."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = sorted(set(known))
        self.suggestions = close_matches(name, self.known)
        hint = (
            f"; did you mean {', '.join(map(repr, self.suggestions))}?" if self.suggestions else ""
        )
        super().__init__(f"unknown {kind} {name!r}{hint}")

    def __str__(self) -> str:  # KeyError would repr() the message otherwise
        return str(self.args[0])


class ToolDefinitionError(UserError):
    """A function or class cannot be turned into a tool (missing hints, bad signature)."""


# --- failures while running ----------------------------------------------------------------


class AgentRunError(EdgeAgentError):
    """Something failed while the agent was running."""


class ToolError(AgentRunError):
    """A tool call could not be carried out. The message is meant for the user and the model."""

    def __init__(self, message: str, *, tool: str | None = None) -> None:
        self.tool = tool
        super().__init__(message)


class ToolArgumentError(ToolError):
    """The arguments of a call do not match the tool's schema."""


class TargetError(ToolError):
    """A call names a target (entity, area, object) that is unknown or ambiguous."""

    def __init__(
        self,
        message: str,
        *,
        tool: str | None = None,
        candidates: Iterable[str] = (),
    ) -> None:
        self.candidates = list(candidates)
        super().__init__(message, tool=tool)


class PreconditionError(ToolError):
    """The world is not in a state where the call makes sense (place what you do not hold)."""


class PolicyDenied(ToolError):
    """A policy refused the call (or asked for a confirmation that was not given)."""


class BrainError(AgentRunError):
    """A brain failed to produce a decision (model missing, backend crashed)."""

    def __init__(
        self, message: str, *, retryable: bool = False, retry_after_s: float | None = None
    ) -> None:
        self.retryable = retryable
        self.retry_after_s = retry_after_s  # what the server asked for (Retry-After), if it did
        super().__init__(message)


class BrainOutputError(BrainError):
    """A brain's raw output could not be parsed into valid tool calls."""

    def __init__(self, message: str, *, raw: str = "") -> None:
        self.raw = raw
        super().__init__(message, retryable=False)


def close_matches(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Case-insensitive close matches of ``name`` among ``known``, best first."""
    by_lower: dict[str, str] = {}
    for k in known:
        by_lower.setdefault(k.lower(), k)
    hits = difflib.get_close_matches(name.lower(), list(by_lower), n=n, cutoff=0.6)
    return [by_lower[h] for h in hits]
