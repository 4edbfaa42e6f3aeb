"""The encoder student's heads without a model: targets from teacher calls, and calls (resolved
against the world) from logits, on hand-made inputs."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from edgeagent import Observation
from edgeagent.cases import Case, ExpectedCall
from edgeagent.factory import build_toolset
from edgeagent.spoken_numbers import number_words, parse_number
from edgeagent.students.encoder.calibrate import fit_temperature
from edgeagent.students.encoder.heads import (
    ABSENT,
    END,
    END_,
    IGNORE,
    SPAN,
    START,
    Calibration,
    Encoded,
    HeadSpec,
    context_values,
    decode,
    encode_input,
    find_span,
    input_texts,
    match_vocabulary,
    span_candidates,
    targets,
    words_of,
)
from edgeagent.toolset import Toolset


@pytest.fixture(scope="module")
def home() -> Toolset:
    return build_toolset(["smart_home"])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("25", 25),
        ("21.5", 21.5),
        ("50%", 50),
        ("twenty-five", 25),
        ("twenty five", 25),
        ("a hundred", 100),
        ("one hundred and five", 105),
        ("zero", 0),
        ("twenty five point five", 25.5),
        ("lights", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_find_span_prefers_the_words_then_the_context() -> None:
    words, ctx = "turn on the Kitchen lights for ten minutes", "area: Kitchen"
    assert find_span("kitchen", words, ctx) == (0, 12, 19)
    assert find_span("Office", "turn it on", "area: Office") == (1, 6, 12)
    assert find_span(10, words, ctx) == (0, 31, 34)  # "ten"
    assert find_span(22.5, "set it to 22.5.", "") == (0, 10, 14)  # the full stop is not in it
    assert find_span("kit", words, ctx) is None  # whole words only
    assert find_span(True, words, ctx) is None  # booleans are never spans


def test_input_texts_and_context_values() -> None:
    obs = Observation(utterance="pick it up", context={"objects": ["Book", "Cup"], "area": "Den"})
    words, ctx = input_texts(obs, ["area", "objects"])
    assert (words, ctx) == ("pick it up", "area: Den; objects: Book, Cup")
    assert [ctx[a:b] for a, b in context_values(ctx)] == ["Den", "Book", "Cup"]


def _encoded(words: str, tokens: list[str], context: str = "") -> Encoded:
    """Whitespace tokens of ``words`` as an Encoded (``##`` marks a piece glued to the last)."""
    offsets: list[tuple[int, int, int] | None] = [None]
    pos = 0
    for tok in tokens:
        piece = tok.removeprefix("##")
        start = words.index(piece, pos)
        offsets.append((0, start, start + len(piece)))
        pos = start + len(piece)
    offsets.append(None)
    n = len(offsets)
    return Encoded(list(range(n)), [0] * n, offsets, (words, context))


def test_words_and_span_candidates() -> None:
    enc = _encoded(
        "switch on the desklamp, now", ["switch", "on", "the", "desk", "##lamp", ",", "now"]
    )
    assert words_of(enc) == [(1, 1), (2, 2), (3, 3), (4, 5), (6, 6), (7, 7)]
    logits = np.zeros((len(enc.offsets), 2))
    logits[4, START] = 5.0  # starts at "desk"
    logits[5, END_] = 5.0  # ends at "##lamp"
    logits[6, :] = 9.0  # punctuation never starts or ends a span
    logp = logits - np.logaddexp.reduce(logits, axis=0, keepdims=True)
    cands = span_candidates(enc, logp)
    best_score, best_text = cands[0]
    assert best_text == "desklamp"
    assert best_score == pytest.approx(float(logp[4, START] + logp[5, END_]))
    assert all("," not in text[:1] + text[-1:] for _, text in cands)
    assert "lamp" not in [t for _, t in cands]  # spans are whole words


def test_match_vocabulary() -> None:
    names = ["Living Room", "Kitchen", "Office Lamp"]
    assert match_vocabulary("the living room", names) == "Living Room"
    assert match_vocabulary("kitchens", names) == "Kitchen"
    assert match_vocabulary("office lamb", names) == "Office Lamp"  # a close spelling
    assert match_vocabulary("garage", names) is None


def _spec() -> HeadSpec:
    return HeadSpec(
        suites=["smart_home"],
        tools=[END, "HassTurnOn", "HassTurnOff"],
        args=["area", "domain", "name"],
        values={"area": [ABSENT, SPAN], "domain": [ABSENT, SPAN, "light"], "name": [ABSENT, SPAN]},
        slots=2,
    )


def _logits(spec: HeadSpec, enc: Encoded, tools: list[str], classes: dict[tuple[int, str], str], spans: dict[tuple[int, str], list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Logits that say exactly the given choices (margin 4 nats)."""
    t = np.zeros((spec.slots, len(spec.tools)))
    for k, name in enumerate(tools):
        t[k, spec.tools.index(name)] = 4.0
    c = np.zeros((spec.slots, spec.n_classes))
    for (k, arg), label in classes.items():
        c[k, spec.class_slices[arg].start + spec.values[arg].index(label)] = 4.0
    s = np.zeros((len(enc.offsets), spec.slots * len(spec.args), 2))
    for (k, arg), toks in spans.items():
        col = k * len(spec.args) + spec.args.index(arg)
        s[toks[0], col, START] = 6.0
        s[toks[-1], col, END_] = 6.0
    return t, c, s


def test_decode_resolves_spans_against_the_world(home: Toolset) -> None:
    spec = _spec()
    enc = _encoded("turn on the kitchen lights", ["turn", "on", "the", "kitchen", "lights"])
    classes = {(0, "area"): SPAN, (0, "domain"): "light", (0, "name"): ABSENT}
    logits = _logits(spec, enc, ["HassTurnOn", END], classes, {(0, "area"): [4]})
    obs = Observation.of("turn on the kitchen lights")
    d = decode(spec, enc, *logits, home, obs)
    (call,) = d.calls
    assert (call.tool, call.args) == ("HassTurnOn", {"area": "Kitchen", "domain": "light"})
    assert home.validate_calls(d.calls, obs) == d.calls
    p_tool = 1 / (1 + 2 * math.exp(-4))  # a 4-nat margin over two rivals
    p_span = (1 / (1 + 5 * math.exp(-6))) ** 2  # start and end, 6 nats over 5 other tokens
    assert d.confidence == pytest.approx(min(p_tool, p_span), rel=1e-3)


def test_decode_two_calls_and_temperature(home: Toolset) -> None:
    spec = _spec()
    enc = _encoded("kitchen on and office off", ["kitchen", "on", "and", "office", "off"])
    classes = {
        (0, "area"): SPAN, (0, "domain"): ABSENT, (0, "name"): ABSENT,
        (1, "area"): SPAN, (1, "domain"): ABSENT, (1, "name"): ABSENT,
    }  # fmt: skip
    logits = _logits(
        spec, enc, ["HassTurnOn", "HassTurnOff"], classes, {(0, "area"): [1], (1, "area"): [4]}
    )
    obs = Observation.of("kitchen on and office off")
    d = decode(spec, enc, *logits, home, obs)
    assert [(c.tool, c.args) for c in d.calls] == [
        ("HassTurnOn", {"area": "Kitchen"}),
        ("HassTurnOff", {"area": "Office"}),
    ]
    hotter = decode(spec, enc, *logits, home, obs, Calibration(temperature=4.0))
    assert hotter.calls == d.calls and hotter.confidence < d.confidence


def test_a_span_naming_nothing_stays_as_said_for_validation_to_report(home: Toolset) -> None:
    spec = _spec()
    enc = _encoded("turn on the lights", ["turn", "on", "the", "lights"])
    classes = {(0, "area"): SPAN, (0, "domain"): ABSENT, (0, "name"): ABSENT}
    logits = _logits(spec, enc, ["HassTurnOn", END], classes, {(0, "area"): [1]})
    d = decode(spec, enc, *logits, home, Observation.of("turn on the lights"))
    assert d.calls[0].args == {"area": "turn"}
    with pytest.raises(Exception, match="unknown area 'turn'"):
        home.validate_calls(d.calls)


def test_tools_outside_the_toolset_are_never_chosen(home: Toolset) -> None:
    spec = _spec().model_copy(update={"tools": [END, "HassTurnOn", "NotATool"]})
    enc = _encoded("hello", ["hello"])
    logits = _logits(spec, enc, ["NotATool", END], {}, {})
    d = decode(spec, enc, *logits, home, Observation.of("hello"))
    assert all(c.tool in home for c in d.calls)


def test_fit_temperature_recovers_the_true_one() -> None:
    rng = random.Random(0)
    z = [rng.uniform(0, 6) for _ in range(4000)]
    right = [rng.random() < 1 / (1 + math.exp(-x / 2.0)) for x in z]  # true temperature 2

    def pairs_at(t: float) -> list[tuple[bool, float]]:
        return [(ok, 1 / (1 + math.exp(-x / t))) for ok, x in zip(right, z, strict=True)]

    assert fit_temperature(pairs_at) == pytest.approx(2.0, rel=0.25)


def test_targets_from_a_teacher_call(home: Toolset) -> None:
    pytest.importorskip("transformers")
    from transformers import AutoTokenizer

    from edgeagent.students.encoder.model import base_encoder_path

    tok = AutoTokenizer.from_pretrained(base_encoder_path())
    case = Case(
        id="t",
        suite="smart_home",
        utterance="switch off the lights",
        context={"area": "Kitchen"},
        expected=[ExpectedCall(tool="HassTurnOff", args={"area": "Kitchen", "domain": "light"})],
    )
    spec = HeadSpec.from_cases([case], home, slots=2, min_count=1)
    assert spec.values["domain"] == [ABSENT, SPAN, "light"]  # "lights" is not "light": a class
    enc = encode_input(tok, input_texts(case.observation(), spec.context_keys), 64)
    t = targets(spec, case, enc, home)
    assert t is not None
    assert t.tools == [spec.tools.index("HassTurnOff"), 0]
    a_area, a_domain, a_name = (spec.args.index(n) for n in ("area", "domain", "name"))
    assert t.classes[0][a_area] == spec.values["area"].index(SPAN)
    assert t.classes[0][a_domain] == spec.values["domain"].index("light")
    assert t.classes[0][a_name] == spec.values["name"].index(ABSENT)
    assert t.classes[1] == [IGNORE] * len(spec.args)
    assert t.starts[a_area] == t.ends[a_area]  # one token, found in the context
    seg, start, end = enc.offsets[t.starts[a_area]]  # type: ignore[misc]
    assert (seg, enc.texts[1][start:end]) == (1, "Kitchen")
    assert t.starts[a_domain] == IGNORE  # a class, not a span
    too_many = case.model_copy(update={"expected": case.expected * 3})
    assert targets(spec, too_many, enc, home) is None


def test_spans_in_the_words_ignore_where_context_values_sit() -> None:
    """Character positions of the context never cut a span of the words (a past bug)."""
    words, context = "bring the remote controller", "objects: Remote, Cup"
    enc = _encoded(words, ["bring", "the", "remote", "controller"], context)
    enc.offsets.insert(-1, None)  # [SEP] then the context's tokens
    for piece, start in (("objects", 0), (":", 7), ("Remote", 9), (",", 15), ("Cup", 17)):
        enc.offsets.insert(-1, (1, start, start + len(piece)))
    enc.input_ids, enc.token_type_ids = list(range(len(enc.offsets))), [0] * len(enc.offsets)
    logits = np.zeros((len(enc.offsets), 2))
    logits[3, START], logits[4, END_] = 8.0, 8.0  # "remote controller"
    logp = logits - np.logaddexp.reduce(logits, axis=0, keepdims=True)
    texts = [t for _, t in span_candidates(enc, logp)]
    assert texts[0] == "remote controller"
    assert "Remote" in texts and "objects" not in texts and "Remote, Cup" not in texts


def test_fit_platt_is_finite_on_separable_decisions_and_calibrates() -> None:
    from edgeagent.students.encoder.calibrate import fit_platt
    from edgeagent.students.encoder.heads import platt

    separable = [(True, 0.9)] * 50 + [(False, 0.1)] * 5
    a, b = fit_platt(separable)
    assert math.isfinite(a) and math.isfinite(b) and 0.5 < platt(0.9, a, b) < 1.0
    rng = random.Random(1)
    raw = [rng.uniform(0.01, 0.99) for _ in range(3000)]
    truth = [1 / (1 + math.exp(-(0.5 * math.log(r / (1 - r)) + 1.0))) for r in raw]
    pairs = [(rng.random() < t, r) for r, t in zip(raw, truth, strict=True)]
    a, b = fit_platt(pairs)
    assert (a, b) == pytest.approx((0.5, 1.0), abs=0.15)
    assert platt(1e-300, 50.0, 0.0) == pytest.approx(0.0, abs=1e-12)  # no overflow


def test_spelled_numbers_parse_back() -> None:
    for n in (0, 7, 19, 20, 45, 100, 305, 999):
        assert parse_number(number_words(n)) == n
        assert parse_number(number_words(n, hyphen=True)) == n


def test_held_out_families_never_take_a_tools_last_family() -> None:
    """A family goes to calibration or test only while every tool it calls keeps another
    family in training; the shares still count all families."""
    from edgeagent.students.encoder.calibrate import Bands

    tools_of = {f"water-{i}": {"water"} for i in range(3)}
    tools_of |= {"fan": {"fan"}, "vent": {"vent"}, "lights": {"lights"}, "nothing": {""}}
    tools_of |= {f"read-{i}": {"read"} for i in range(2)}
    bands = Bands.fit(
        tools_of, [], families=0.3, test_families=0.2, names=0.0, test_names=0.0,
        patterns_of=tools_of,
    )  # fmt: skip
    placed = {f: bands.family(f) for f in tools_of}
    for tool in {"water", "fan", "vent", "lights", "", "read"}:
        trained = [f for f, band in placed.items() if band == "train" and tool in tools_of[f]]
        assert trained, (tool, placed)
    held = [f for f, band in placed.items() if band != "train"]
    assert len(held) == 3  # ceil(0.3 * 10) + ceil(0.2 * 10) = 5 wanted, 3 can go
    assert {"fan", "vent", "lights", "nothing"} <= set(bands.kept) | {
        f for f, band in placed.items() if band == "train"
    }
    unprotected = Bands.fit(
        tools_of, [], families=0.3, test_families=0.2, names=0.0, test_names=0.0
    )
    assert sum(unprotected.family(f) != "train" for f in tools_of) == 5
