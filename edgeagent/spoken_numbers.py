"""Numbers as people say them, both ways: ``45`` <-> ``"forty five"``; and parsing
``"25"``, ``"21.5"``, ``"twenty-five"``, ``"a hundred"``, ``"twenty five point five"``."""

from __future__ import annotations

import re

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
