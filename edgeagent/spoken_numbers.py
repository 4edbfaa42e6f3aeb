"""Numbers as people say them, both ways: ``45`` <-> ``"forty five"``; and parsing
``"25"``, ``"21.5"``, ``"twenty-five"``, ``"a hundred"``, ``"twenty five point five"``."""

from __future__ import annotations

import re
from typing import Any

ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = {w: i for i, w in enumerate(ONES)}
_TENS = {w: 10 * i for i, w in enumerate(TENS) if w}


def number_words(n: int, hyphen: bool = False) -> str:
    """``45`` -> ``forty five`` (or ``forty-five``); 0 to 999."""
    if n < 20:
        return ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return TENS[tens] + ("" if ones == 0 else ("-" if hyphen else " ") + ONES[ones])
    hundreds, rest = divmod(n, 100)
    head = ONES[hundreds] + " hundred"
    return head if rest == 0 else f"{head} {'and ' if hyphen else ''}{number_words(rest, hyphen)}"


_DIGITS = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")
_WORD = re.compile(r"[a-z]+")


def parse_number(text: str) -> int | float | None:
    """The number a short phrase says, or None. Units (``%``, ``°``) around it are ignored."""
    s = text.strip().lower().strip("%°.!?, ").removesuffix("percent").strip()
    if _DIGITS.match(s):
        value = float(s.replace(",", "."))
        return int(value) if value.is_integer() else value
    words = [w for w in _WORD.findall(s.replace("-", " ")) if w != "and"]
    if "point" in words:  # "twenty five point five"
        i = words.index("point")
        whole = parse_number(" ".join(words[:i])) if i else 0
        digits = [_UNITS.get(w) for w in words[i + 1 :]]
        if whole is None or not digits or any(d is None or d > 9 for d in digits):
            return None
        return float(f"{whole}.{''.join(str(d) for d in digits)}")
    if not words:
        return None
    total, current, seen = 0, 0, False
    for i, w in enumerate(words):
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "a" and i == 0 and len(words) > 1:
            current += 1
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


# -- spoken durations --------------------------------------------------------------------------
_A = r"(?:a|an|one)"
_N = r"(\d+|" + "|".join(sorted([*ONES[1:], *[t for t in TENS if t]], key=len, reverse=True)) + r")"
_DURATIONS: list[tuple[re.Pattern[str], Any]] = []


def _rule(pattern: str, replace: Any) -> None:
    _DURATIONS.append((re.compile(r"\b" + pattern + r"\b", re.IGNORECASE), replace))


def _n(word: str) -> int:
    value = parse_number(word)
    return int(value) if value is not None else 0


# "an hour and a half", "one and a half hours", "2 and a half minutes"
_rule(rf"(?:{_A}\s+)?hour\s+and\s+a\s+half|{_A}\s+and\s+a\s+half\s+hours?", "1 hour 30 minutes")
_rule(
    rf"(?:{_A}\s+)?minute\s+and\s+a\s+half|{_A}\s+and\s+a\s+half\s+minutes?", "1 minute 30 seconds"
)
_rule(rf"{_N}\s+and\s+a\s+half\s+hours?", lambda m: f"{_n(m.group(1))} hours 30 minutes")
_rule(rf"{_N}\s+and\s+a\s+half\s+minutes?", lambda m: f"{_n(m.group(1))} minutes 30 seconds")
# "three quarters of an hour", "3/4 of a minute"
_rule(r"(?:three\s+quarters|3/4)\s+of\s+an?\s+hour", "45 minutes")
_rule(r"(?:three\s+quarters|3/4)\s+of\s+an?\s+minute", "45 seconds")
# "a quarter of an hour", "quarter hour", "1/4 hour"
_rule(r"(?:a\s+)?(?:quarter|1/4)\s+(?:of\s+an\s+)?hour", "15 minutes")
# "half an hour", "a half hour", "half hour", "1/2 hour"; the same for minutes
_rule(r"(?:a\s+)?(?:half|1/2)\s+(?:an\s+)?hour", "30 minutes")
_rule(r"(?:a\s+)?(?:half|1/2)\s+(?:a\s+)?minute", "30 seconds")
# "a couple of minutes", "a few hours" stays vague: only "a couple" is a number
_rule(r"a\s+couple\s+(?:of\s+)?(minutes|hours|seconds)", lambda m: f"2 {m.group(1)}")


def normalize_durations(text: str) -> str:
    """Spoken fractions of durations as numbers: ``half an hour`` -> ``30 minutes``, ``an hour
    and a half`` -> ``1 hour 30 minutes``, ``3/4 of a minute`` -> ``45 seconds``, ``a couple of
    minutes`` -> ``2 minutes``. Times of day (``half past seven``) are left alone."""
    for pattern, replace in _DURATIONS:
        text = pattern.sub(replace, text)
    return text
