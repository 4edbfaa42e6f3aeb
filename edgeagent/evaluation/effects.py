"""What executing a decision did, compared with what executing the expected calls does.

A decision's *effect* is the world state it changed (``key -> value after``) and, for its
read-only calls that succeeded, what they read: the entities a call reports in its output's
``targets`` (else the call itself). Two decisions have the same effect when they change the
same keys to the same values (timestamps within a minute count as equal: two executions of
one request a moment apart stamp different seconds) and read the same things. This is the
``effect`` score of ``edgeagent eval``: it counts a decision right that reaches the labelled
result by another spelling of it (an entity's alias, ``name=all`` where the label leaves the
name out), which the ``exact`` score does not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from edgeagent.datamodel import ActionResult
from edgeagent.tool import Risk
from edgeagent.toolset import Toolset

TIMESTAMP_SLACK_S = 60.0


@dataclass(frozen=True)
class Effect:
    """The world keys a decision changed (to their new values) and what it read."""

    changes: Mapping[str, Any]
    reads: frozenset[str]


def effect_of(
    results: Sequence[ActionResult], changes: Mapping[str, Any], toolset: Toolset
) -> Effect:
    """The effect of executed calls: ``changes`` is the world diff (``key -> [before, after]``)."""
    after = {
        key: change[1] if isinstance(change, list) else change for key, change in changes.items()
    }
    reads: set[str] = set()
    for r in results:
        if not r.ok or r.call.tool not in toolset:
            continue
        if toolset.get(r.call.tool).risk_of(r.call.args) is not Risk.READ_ONLY:
            continue
        targets = r.output.get("targets") if isinstance(r.output, dict) else None
        if isinstance(targets, list) and targets:
            reads.update(f"target:{t}" for t in targets)
        else:
            reads.add("call:" + json.dumps(r.call.model_dump(), sort_keys=True, default=str))
    return Effect(after, frozenset(reads))


def same_effect(a: Effect, b: Effect) -> bool:
    """Whether two effects are the same (see the module docstring)."""
    if a.reads != b.reads or set(a.changes) != set(b.changes):
        return False
    return all(_same_value(a.changes[k], b.changes[k]) for k in a.changes)


def _same_value(x: Any, y: Any) -> bool:
    if x == y:
        return True
    if isinstance(x, str) and isinstance(y, str):
        try:
            gap = abs((datetime.fromisoformat(x) - datetime.fromisoformat(y)).total_seconds())
        except (TypeError, ValueError):
            return False
        return gap <= TIMESTAMP_SLACK_S
    return False
