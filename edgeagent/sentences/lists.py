"""Lists that fill template slots: words with the value a call gets, and ranges of numbers.

A list value is said one way and means one value (``{in: "the telly", out: "TV"}``); a plain
string means itself. A range list draws a whole number and says it as digits or as words
(``twenty five``), with a unit for percentages. Toolkits add lists built from their world
(every area, every entity name...), and a world's synonyms become more ways to say a value.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from edgeagent.spoken_numbers import number_words

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Value(BaseModel):
    """One list value: what is said (``in``) and the value a call gets (``out``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    said: str = Field(alias="in")
    value: Any = Field(default=None, alias="out")

    @model_validator(mode="after")
    def _default_value(self) -> Value:
        if self.value is None:
            object.__setattr__(self, "value", self.said)
        return self


class Range(BaseModel):
    """Whole numbers ``from``..``to`` (every ``step``), said as digits or words."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: int = Field(alias="from")
    stop: int = Field(alias="to")
    step: int = Field(default=1, gt=0)
    type: Literal["number", "percentage", "temperature"] = "number"
    words: float = Field(default=0.3, ge=0, le=1, description="share said in words")

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.stop < self.start:
            raise ValueError("'to' must not be below 'from'")
        return self


class SentenceList(BaseModel):
    """``values`` (words) or ``range`` (numbers): exactly one."""

    model_config = _STRICT

    values: tuple[Value, ...] = ()
    range: Range | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_strings(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("values"), Sequence):
            data = dict(data)
            data["values"] = [
                {"in": v} if isinstance(v, str | int | float) else v for v in data["values"]
            ]
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> SentenceList:
        if bool(self.values) == (self.range is not None):
            raise ValueError("a list has either 'values' or a 'range'")
        return self

    @classmethod
    def of(cls, values: Sequence[str | tuple[str, Any]]) -> SentenceList:
        """A list from plain values, or (said, value) pairs."""
        return cls(
            values=tuple(
                Value(**{"in": v[0], "out": v[1]}) if isinstance(v, tuple) else Value(**{"in": v})
                for v in values
            )
        )

    def draw(self, rng: random.Random) -> tuple[str, Any]:
        """A value: (how it is said, what it means)."""
        if self.range is None:
            v = rng.choice(self.values)
            return v.said, v.value
        r = self.range
        n = rng.randrange(r.start, r.stop + 1, r.step)
        return say_number(n, r.type, rng, r.words), n


def say_number(n: int, kind: str, rng: random.Random, words: float = 0.3) -> str:
    """``n`` as people say it: digits or words, with ``%``/``percent`` for a percentage and
    sometimes ``degrees`` for a temperature."""
    spoken = (
        number_words(n, rng.random() < 0.3) if 0 <= n < 1000 and rng.random() < words else str(n)
    )
    if kind == "percentage":
        if spoken[0].isdigit():
            return spoken + rng.choice(("%", "%", " percent", " percent", ""))
        return spoken + rng.choice((" percent", " percent", ""))
    if kind == "temperature" and rng.random() < 0.4:
        return spoken + rng.choice((" degrees", "°"))
    return spoken
