"""Speech-recognition noise: what a request looks like after a voice assistant transcribed it.

Transcripts lose punctuation, swap homophones (``turn of the lights``, ``set a timer four
ten minutes``), drop short words, stutter a word twice and keep fillers (``uh``). Training on
such variants teaches a student the request, not the typing. Words inside ``protected``
character spans (the slot values a label refers to) are never changed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

# common homophones and near-homophones of speech-to-text output (both directions)
_HOMOPHONES: dict[str, tuple[str, ...]] = {
    "to": ("two", "too"),
    "for": ("four",),
    "off": ("of",),
    "on": ("an",),
    "their": ("there",),
    "there": ("their",),
    "right": ("write",),
    "weather": ("whether",),
    "by": ("buy",),
    "high": ("hi",),
    "one": ("won",),
    "eight": ("ate",),
    "no": ("know",),
    "new": ("knew",),
    "hour": ("our",),
    "our": ("hour",),
    "be": ("bee",),
    "see": ("sea",),
    "i'm": ("im",),
    "what's": ("whats",),
    "it's": ("its",),
    "don't": ("dont",),
    "lights": ("light's", "lites"),
    "timer": ("time or",),
    "turn": ("tern",),
    "close": ("clothes",),
    "blinds": ("blind's",),
    "pause": ("paws",),
    "brake": ("break",),
    "heat": ("he",),
    "please": ("pleas",),
}
_DROPPABLE = {"the", "a", "an", "to", "in", "please", "of", "my", "is", "are", "for", "on"}
_FILLERS = ("uh", "um", "uh,", "like", "hmm")
_WORD = re.compile(r"\S+")
_PUNCT = re.compile(r"[?.!,;]")


def add_noise(text: str, protected: Sequence[tuple[int, int]], rng: random.Random) -> str:
    """``text`` with one to three kinds of transcription noise (never inside ``protected``)."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in protected)

    out: list[str] = []
    locked: list[bool] = []  # per output word: inside a protected span
    kinds = rng.sample(("homophone", "drop", "double", "filler"), rng.randint(1, 3))
    dropped = doubled = 0
    for start, end, word in words:
        if not free(start, end):
            out.append(word)
            locked.append(True)
            continue
        locked.append(False)
        bare = word.lower().strip("?.!,;")
        if "homophone" in kinds and bare in _HOMOPHONES and rng.random() < 0.5:
            out.append(rng.choice(_HOMOPHONES[bare]))
            continue
        if "drop" in kinds and bare in _DROPPABLE and dropped == 0 and rng.random() < 0.4:
            dropped += 1
            locked.pop()
            continue
        out.append(word)
        if "double" in kinds and doubled == 0 and rng.random() < 0.12:
            out.append(word)
            locked.append(False)
            doubled += 1
    # a filler goes between words, never inside a protected value
    gaps = [
        i for i in range(len(out) + 1) if not (0 < i < len(out) and locked[i - 1] and locked[i])
    ]
    if "filler" in kinds and len(out) > 1 and gaps:
        out.insert(rng.choice(gaps), rng.choice(_FILLERS))
    noisy = " ".join(out)
    if rng.random() < 0.7:  # most transcripts carry no punctuation at all
        noisy = " ".join(_PUNCT.sub("", noisy).split())
    return noisy or text


def protected_spans(text: str, values: Sequence[object]) -> list[tuple[int, int]]:
    """Where the given values (a call's string arguments) are said in ``text``
    (case-insensitively): the spans :func:`add_noise` must leave alone."""
    low = text.lower()
    spans = []
    for v in values:
        if not isinstance(v, str) or not v.strip():
            continue
        at = low.find(v.lower())
        if at >= 0:
            spans.append((at, at + len(v)))
    return spans
