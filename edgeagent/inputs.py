"""What the agent accepts as input: bounded in size, cleaned of characters that break logs.

Every observation the agent perceives passes :func:`check_observation` before a brain sees it:
control characters (other than tab and newline) become spaces, lone surrogates (from JSON
escapes such as ``"\\ud800"``, which SQLite and terminals cannot encode) become U+FFFD, and an
utterance or context over the limits is refused with a message instead of being decided, so a
1 MB request costs microseconds, not a model's time.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from edgeagent.datamodel import Observation

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class InputLimits(BaseModel):
    """The largest input the agent decides on (larger ones are refused, not truncated)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_utterance_chars: int = Field(default=2000, gt=0)
    max_context_chars: int = Field(default=16_000, gt=0, description="The context as JSON")
    max_context_depth: int = Field(default=8, gt=0, description="Nesting of lists and objects")


def clean_text(text: str) -> str:
    """Control characters become spaces, lone surrogates U+FFFD."""
    text = _CONTROL.sub(" ", text)
    return _SURROGATE.sub("\ufffd", text)


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of a JSON value, counted up to ``limit + 1`` (no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def check_observation(
    obs: Observation, limits: InputLimits | None = None
) -> tuple[Observation, str | None]:
    """The observation cleaned, and why it is refused (None: decide on it)."""
    limits = limits or InputLimits()
    text = obs.utterance or ""
    if len(text) > limits.max_utterance_chars:
        return obs, (
            f"the request is {len(text):,} characters long; the limit is "
            f"{limits.max_utterance_chars:,}"
        )
    depth = _depth(obs.context, limits.max_context_depth)
    if depth > limits.max_context_depth:
        return obs, f"the context is nested deeper than {limits.max_context_depth} levels"
    size = len(json.dumps(obs.context, ensure_ascii=False, default=str))
    if size > limits.max_context_chars:
        return obs, (
            f"the context is {size:,} characters as JSON; the limit is {limits.max_context_chars:,}"
        )
    update: dict[str, Any] = {"context": _clean(obs.context)}
    if obs.utterance is not None:
        update["utterance"] = clean_text(obs.utterance)
    cleaned = obs.model_copy(update=update)
    if cleaned.event is None and not (cleaned.utterance or "").strip():
        return obs, "the request is empty (only control characters)"
    return cleaned, None
