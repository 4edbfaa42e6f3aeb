"""What values a request offers and a schema allows, for constraining a model's arguments.

- :func:`utterance_numbers`: the numbers the words say (digits with thousands separators,
  decimals, percentages both as written and as a fraction, number words, ``5 million``).
- :func:`span_words`: the words that open string values are built from (any run of them).
- :func:`int_range` and :func:`number_range`: GBNF expressions for numbers within a schema's
  bounds (``ge``/``le``/``gt``/``lt`` → JSON schema ``minimum``/``maximum`` and their exclusive
  forms). An integer range is matched exactly; a real number's integer part is, and
  :func:`clamp` pulls what the fraction may still push past a bound back onto it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from edgeagent.spoken_numbers import parse_number

_NUM = re.compile(r"(?<![\w.])[-−]?\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s*%| percent)?")
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALED = re.compile(r"(\d+(?:\.\d+)?)\s*(thousand|million|billion|trillion)\b", re.IGNORECASE)
_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)?", re.IGNORECASE)
_MAX_DIGITS = 12


def utterance_numbers(text: str | None) -> list[int | float]:
    """The numbers ``text`` says, in order of appearance, without repeats."""
    found: list[int | float] = []
    if not text:
        return found
    for m in _NUM.finditer(text):
        raw = m.group(1).replace(",", "") + (m.group(2) or "")
        value = float(raw)
        if m.group(0).lstrip().startswith(("-", "−")):
            value = -value
        found.append(value)
        if m.group(3):  # 5% → also 0.05
            found.append(round(value / 100, 12))
    for m in _SCALED.finditer(text):
        found.append(float(m.group(1)) * _SCALE[m.group(2).lower()])
    words = _WORDS.findall(text.lower())
    i = 0
    while i < len(words):  # the longest run of words that reads as a number
        for j in range(min(len(words), i + 6), i, -1):
            said = parse_number(" ".join(words[i:j]))
            if said is not None and words[i] not in ("a", "and"):
                found.append(float(said))
                i = j - 1
                break
        i += 1
    out: list[int | float] = []
    for v in found:
        v = int(v) if float(v).is_integer() and abs(v) < 10**_MAX_DIGITS else v
        if v not in out:
            out.append(v)
    return out


_STRIP = ".,!?;:\"'“”‘’()[]{}"


def span_words(text: str | None) -> list[str]:
    """The request's words for span values: split at white space, outer punctuation removed."""
    words = [w.strip(_STRIP) for w in (text or "").split()]
    return [w for w in words if w]


@dataclass(frozen=True)
class Bounds:
    """A number's allowed interval; None is unbounded on that side."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False  # exclusive lower bound (``gt``)
    hi_open: bool = False  # exclusive upper bound (``lt``)

    @classmethod
    def of(cls, prop: Mapping[str, Any] | None) -> Bounds:
        """From a JSON schema property (after ``$ref``/``anyOf`` resolution)."""
        prop = prop or {}
        lo, hi = prop.get("minimum"), prop.get("maximum")
        lo_open = hi_open = False
        if prop.get("exclusiveMinimum") is not None:
            lo, lo_open = prop["exclusiveMinimum"], True
        if prop.get("exclusiveMaximum") is not None:
            hi, hi_open = prop["exclusiveMaximum"], True
        num = (int, float)
        return cls(
            float(lo) if isinstance(lo, num) else None,
            float(hi) if isinstance(hi, num) else None,
            lo_open,
            hi_open,
        )

    @property
    def bounded(self) -> bool:
        return self.lo is not None or self.hi is not None

    def int_limits(self) -> tuple[int | None, int | None]:
        """The least and greatest allowed integers."""
        lo = hi = None
        if self.lo is not None:
            lo = math.floor(self.lo) + 1 if self.lo_open else math.ceil(self.lo)
        if self.hi is not None:
            hi = math.ceil(self.hi) - 1 if self.hi_open else math.floor(self.hi)
        return lo, hi

    def contains(self, value: float) -> bool:
        if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
            return False
        return not (
            self.hi is not None and (value > self.hi or (self.hi_open and value == self.hi))
        )


def clamp(value: int | float, bounds: Bounds, integer: bool) -> int | float:
    """The allowed value nearest to ``value`` (itself when allowed)."""
    if bounds.contains(value):
        return value
    if integer:
        lo, hi = bounds.int_limits()
        if lo is not None and value < lo:
            return lo
        return hi if hi is not None else value
    step = 1e-6
    if bounds.lo is not None and value <= bounds.lo:
        return bounds.lo + step if bounds.lo_open else bounds.lo
    assert bounds.hi is not None
    return bounds.hi - step if bounds.hi_open else bounds.hi


# --- GBNF for numeric ranges -------------------------------------------------------------------

_ANY_DIGITS = "[0-9]"


def _same_length(lo: str, hi: str) -> list[str]:
    """Alternatives matching every decimal string of this length from ``lo`` to ``hi``."""
    n = len(lo)
    if lo == hi:
        return [f'"{lo}"']
    if n == 1:
        return [f"[{lo}-{hi}]"]
    rest = n - 1
    if lo[1:] == "0" * rest and hi[1:] == "9" * rest:
        return [f"[{lo[0]}-{hi[0]}] {_ANY_DIGITS}{{{rest}}}"]
    if lo[0] == hi[0]:
        inner = _same_length(lo[1:], hi[1:])
        return [f'"{lo[0]}" ({" | ".join(inner)})']
    out = _same_length(lo, lo[0] + "9" * rest)
    a, b = int(lo[0]) + 1, int(hi[0]) - 1
    if a <= b:
        out.append(f"[{a}-{b}] {_ANY_DIGITS}{{{rest}}}")
    out += _same_length(hi[0] + "0" * rest, hi)
    return out


def _naturals(lo: int, hi: int | None) -> str:
    """Digits of the integers ``lo``..``hi`` (0 ≤ lo; hi None: unbounded), no leading zeros."""
    alts: list[str] = []
    top = hi if hi is not None else 10 ** len(str(lo)) - 1
    for length in range(len(str(lo)), len(str(top)) + 1):
        a = max(lo, 10 ** (length - 1) if length > 1 else 0)
        b = min(top, 10**length - 1)
        if a <= b:
            alts += _same_length(str(a), str(b))
    if hi is None and len(str(lo)) < _MAX_DIGITS:  # and every longer number
        alts.append(f"[1-9] {_ANY_DIGITS}{{{len(str(lo))},{_MAX_DIGITS - 1}}}")
    return "(" + " | ".join(alts) + ")"


def int_range(lo: int | None, hi: int | None) -> str:
    """A GBNF expression for exactly the integers ``lo``..``hi`` (None: unbounded)."""
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"empty integer range {lo}..{hi}")
    alts = []
    if hi is None or hi >= 0:  # the non-negative part
        alts.append(_naturals(max(lo, 0) if lo is not None else 0, hi))
    if lo is None or lo < 0:  # the negative part: "-" and 1..-lo
        top = -lo if lo is not None else None
        bottom = max(1, -hi) if hi is not None else 1
        alts.append(f'"-" {_naturals(bottom, top)}')
    return alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")"


def number_range(bounds: Bounds) -> str:
    """A GBNF expression for real numbers whose integer part lies within ``bounds``.

    Exact up to the fraction at the ends (``le=1`` still admits ``1.5``): :func:`clamp`
    pulls such a value back onto the bound after decoding.
    """
    lo = math.trunc(bounds.lo) if bounds.lo is not None else None  # -1.5 is written "-1.5"
    hi = math.trunc(bounds.hi) if bounds.hi is not None else None
    whole = int_range(lo, hi)
    if lo is not None and lo < 0 and (hi is None or hi >= 0):
        whole = f'("-0" | {whole})'  # -0.5 has the integer part -0
    return f'{whole} ("." [0-9] [0-9]{{0,7}})?'
