"""Drawing labelled requests from a sentence set.

Each case comes from one family (drawn by weight among the families whose tools the toolset
has), one of its sentences (uniformly), and slot values from the lists (the files' own, and
those the toolkit builds from its world). The family's calls and context, with the slot
values put in, are the case's expected calls and context; ``Case.family`` records the family
so that whole families can be held out of training. Casing varies the way speech-to-text
output does; with ``noise``, a share of the requests get speech-recognition noise (see
:mod:`edgeagent.sentences.noise`) that never touches a slot's words.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from edgeagent.cases import Case, ExpectedCall
from edgeagent.sentences.files import Family, SentenceError, SentenceSet
from edgeagent.sentences.lists import SentenceList
from edgeagent.sentences.noise import add_noise
from edgeagent.sentences.template import expand

_WHOLE = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_.-]*)\}$")
_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.-]*)\}")


def usable_families(
    sentences: SentenceSet, tools: Sequence[str] | None, lists: Mapping[str, SentenceList]
) -> list[Family]:
    """The families whose calls use only ``tools`` (all when None); a family that draws from
    a list nobody defines is an error naming its file and line."""
    known = set(sentences.lists) | set(lists)
    out = []
    for fam in sentences.families:
        missing = fam.lists - known
        if missing:
            raise SentenceError(
                fam.path,
                fam.line,
                f"family {fam.key}: unknown list {{{', '.join(sorted(missing))}}}",
            )
        if tools is None or fam.tools <= set(tools):
            out.append(fam)
    return out


def generate_cases(
    sentences: SentenceSet,
    n: int,
    *,
    seed: int = 0,
    suite: str,
    lists: Mapping[str, SentenceList] | None = None,
    tools: Sequence[str] | None = None,
    noise: float = 0.0,
    prefix: str | None = None,
) -> list[Case]:
    """``n`` labelled requests drawn from the set (deterministic for a ``seed``)."""
    given = dict(lists or {})
    clash = set(given) & set(sentences.lists)
    if clash:
        raise SentenceError(
            sentences.paths[0] if sentences.paths else "sentences",
            None,
            f"list {sorted(clash)[0]!r} is defined by a sentence file and by the toolkit",
        )
    every = {**sentences.lists, **given}
    families = usable_families(sentences, tools, every)
    if not families:
        raise SentenceError(
            sentences.paths[0] if sentences.paths else "sentences",
            None,
            "no sentence family uses only this toolset's tools",
        )
    for name, values in every.items():
        if values.range is None and not values.values:
            raise SentenceError("lists", None, f"list {name!r} is empty")
    rng = random.Random(seed)
    weights = [f.weight for f in families]
    seen: set[str] = set()
    cases: list[Case] = []
    for i in range(n):
        for attempt in range(8):
            family = rng.choices(families, weights)[0]
            case = _draw(family, sentences, every, rng, noise)
            key = case[0].lower() + "|" + repr(case[1])
            if key not in seen or attempt == 7:
                break
        seen.add(key)
        text, context, expected = case
        cases.append(
            Case(
                id=f"{prefix or 'gen-' + suite}-{i}",
                suite=suite,
                utterance=text,
                context=context,
                expected=expected,
                family=family.key,
            )
        )
    return cases


def _draw(
    family: Family,
    sentences: SentenceSet,
    lists: Mapping[str, SentenceList],
    rng: random.Random,
    noise: float,
) -> tuple[str, dict[str, Any] | None, list[ExpectedCall]]:
    template = rng.choice(family.templates)
    drawn = expand(template, rng, lambda lst, slot, r: lists[lst].draw(r), sentences.rules)
    text = drawn.text
    # speech-to-text rarely capitalises; people typing sometimes do
    roll = rng.random()
    if roll < 0.55:
        text = text.lower()
    elif roll < 0.75:
        text = text[:1].upper() + text[1:]
    if noise and rng.random() < noise:
        text = add_noise(text, list(drawn.spans.values()), rng)
    values = dict(drawn.values)
    for slot, list_name in family.draw.items():
        values[slot] = lists[list_name].draw(rng)[1]
    calls = [
        ExpectedCall(tool=c.tool, args={k: _fill(v, values) for k, v in c.args.items()})
        for c in family.calls
    ]
    context = {k: _fill(v, values) for k, v in family.context.items()} if family.context else None
    return text, context, calls


def _fill(value: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole:
            return values[whole.group(1)]
        return _REF.sub(lambda m: str(values[m.group(1)]), value)
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, Mapping):
        return {k: _fill(v, values) for k, v in value.items()}
    return value
