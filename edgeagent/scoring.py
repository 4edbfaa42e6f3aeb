"""Scoring decisions against expected calls, with the case format's ``match`` rules.

- ``exact``: same tools in the same order; every expected argument present with an equal value
  (strings case-insensitively after trimming, numbers numerically, lists as sets); a predicted
  argument that was not expected fails the call unless it is None.
- ``tool``: only the tool names (in order) must match.
- ``heads``: tool names match and each expected value (a lower-case head noun) occurs as a word
  of the predicted value ("the red book" matches "book"); booleans compare exactly; extra
  predicted arguments are ignored.

An empty expectation passes only when nothing is called.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from edgeagent.datamodel import ToolCall

MatchRule = Literal["exact", "tool", "heads"]
_WORDS = re.compile(r"[\w']+")


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        s = value.strip().lower()
        try:
            return float(s)
        except ValueError:
            return s
    if isinstance(value, list | tuple | set):
        return frozenset(_norm(v) for v in value)
    return value


def values_equal(expected: Any, predicted: Any) -> bool:
    """Equal after normalising; a list matches as a set (a lone value as a one-item set)."""
    exp, got = _norm(expected), _norm(predicted)
    if isinstance(exp, frozenset) and not isinstance(got, frozenset):
        got = frozenset([got])
    elif isinstance(got, frozenset) and not isinstance(exp, frozenset):
        exp = frozenset([exp])
    return bool(exp == got)


def head_matches(expected: Any, predicted: Any) -> bool:
    if isinstance(expected, bool) or isinstance(predicted, bool):
        return expected is predicted
    words = set(_WORDS.findall(str(predicted).lower()))
    exp = str(expected).strip().lower()
    return exp in words or exp == str(predicted).strip().lower()


def call_matches(expected: Mapping[str, Any], predicted: ToolCall, rule: MatchRule) -> bool:
    if expected["tool"] != predicted.tool:
        return False
    if rule == "tool":
        return True
    exp_args: Mapping[str, Any] = expected.get("args", {}) or {}
    got = {k: v for k, v in predicted.args.items() if v is not None}
    for key, value in exp_args.items():
        if key not in got:
            return False
        ok = head_matches(value, got[key]) if rule == "heads" else values_equal(value, got[key])
        if not ok:
            return False
    return not (rule == "exact" and set(got) - set(exp_args))


def calls_match(
    expected: Sequence[Mapping[str, Any]], predicted: Sequence[ToolCall], rule: MatchRule = "exact"
) -> bool:
    """True when the predicted calls satisfy the expected ones under ``rule``."""
    if len(expected) != len(predicted):
        return False
    return all(call_matches(e, p, rule) for e, p in zip(expected, predicted, strict=True))
