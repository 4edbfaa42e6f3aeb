"""The zero-shot path: values from the request, numeric bounds in grammars, tool retrieval,
the relevance gate; and (marked ``model``) the GGUF brain on the greenhouse example
(``examples/greenhouse/greenhouse.py``, with its world)."""

from __future__ import annotations

import re

import pytest

from edgeagent.brains.grammar import GrammarBuilder
from edgeagent.brains.retrieval import (
    LexicalScorer,
    Ranking,
    content_words,
    rank_tools,
    split_identifier,
)
from edgeagent.brains.values import (
    Bounds,
    clamp,
    int_range,
    number_range,
    span_words,
    utterance_numbers,
)
from edgeagent.brains.zero_shot import RelevanceFit, ZeroShot, clamp_calls
from edgeagent.datamodel import Observation, ToolCall
from edgeagent.tool import Tool, tool
from edgeagent.toolset import Toolset
from examples.greenhouse.greenhouse import GreenhouseToolkit


def gbnf_regex(expr: str) -> re.Pattern[str]:
    """A regex for the GBNF subset the range builders write (literals, classes, groups)."""
    out, i = [], 0
    while i < len(expr):
        if expr[i] == '"':
            j = expr.index('"', i + 1)
            out.append(re.escape(expr[i + 1 : j]))
            i = j + 1
        else:
            out.append("" if expr[i] == " " else expr[i])
            i += 1
    return re.compile("".join(out))


@pytest.mark.parametrize(
    ("lo", "hi"),
    [(0, 100), (1, 60), (5, 5), (-20, 15), (-100, -3), (7, None), (None, 12), (123, 4567)],
)
def test_int_range_matches_exactly_the_integers_in_bounds(lo: int | None, hi: int | None) -> None:
    pattern = gbnf_regex(int_range(lo, hi))
    for x in range(-1200, 5200):
        inside = (lo is None or x >= lo) and (hi is None or x <= hi)
        assert bool(pattern.fullmatch(str(x))) == inside, (lo, hi, x)
    assert not pattern.fullmatch("007")


def test_number_range_bounds_the_integer_part_and_clamp_the_rest() -> None:
    bounds = Bounds(-1.5, 2.0)
    pattern = gbnf_regex(number_range(bounds))
    for text in ("-1.5", "-0.25", "0", "2", "1.99"):
        assert pattern.fullmatch(text), text
    for text in ("-2", "3", "12.5"):
        assert not pattern.fullmatch(text), text
    assert clamp(2.5, bounds, integer=False) == 2.0  # "2.5" passes the grammar: pulled back
    assert clamp(-1.7, bounds, integer=False) == -1.5
    assert clamp(0.5, bounds, integer=False) == 0.5


def test_exclusive_bounds_from_the_schema() -> None:
    b = Bounds.of({"exclusiveMinimum": 0, "maximum": 10})
    assert b.int_limits() == (1, 10)
    assert not b.contains(0) and b.contains(10)
    assert clamp(0, b, integer=True) == 1


def test_numbers_and_words_of_a_request() -> None:
    said = utterance_numbers("Invest $10,000 at 5% for three years, then 2.5 million, -3 C")
    assert said[:3] == [10000, 5, 0.05]
    assert {2.5, -3, 2500000, 3} <= set(said)
    assert span_words('Find "Boston, MA" please.') == ["Find", "Boston", "MA", "please"]


def test_identifiers_and_content_words() -> None:
    assert split_identifier("getWeather_forecast.v2") == "get Weather forecast v2"
    assert content_words("What are the lights in the kitchens?") == ["light", "kitchen"]
    assert content_words("seedlings") == content_words("seedling rack")[:1]


# --- grammar ------------------------------------------------------------------------------


def greenhouse() -> Toolset:
    kit = GreenhouseToolkit()
    return Toolset(kit.tools(), [kit.world])


def values_of(grammar: str, rule: str) -> str:
    """The right-hand side of the value set a ``v-...`` rule refers to."""
    ref = next(line for line in grammar.splitlines() if line.startswith(rule + " "))
    return grammar.split(ref.split("::=")[1].strip() + " ::= ", 1)[1].splitlines()[0]


def test_free_grammar_bounds_numbers_and_keeps_closed_choices() -> None:
    g = GrammarBuilder(greenhouse()).build(Observation(utterance="water it"))
    rule = next(line for line in g.splitlines() if line.startswith("v-water-zone-minutes "))
    pattern = gbnf_regex(rule.split("::=", 1)[1].strip())
    assert pattern.fullmatch("120") and not pattern.fullmatch("121") and not pattern.fullmatch("0")
    assert '"\\"soil moisture\\""' in values_of(g, "v-read-sensor-sensor")  # a Literal
    zones = values_of(g, "v-water-zone-zone")  # the world's names and their synonyms
    assert '"\\"Tomato Bed\\""' in zones and '"\\"cukes\\""' in zones
    assert g.startswith('root ::= "none" | call')


def test_request_grammar_offers_the_numbers_said_within_bounds() -> None:
    obs = Observation(utterance="water the tomato bed for 10 minutes, not 500")
    g = GrammarBuilder(greenhouse(), open_values="request", allow_none=False).build(obs)
    assert 'v-water-zone-minutes ::= ("10")' in g  # 500 is past le=120
    assert 'v-set-vent-percent ::= ("10")' in g  # 500 is past le=100... and 10 fits
    assert g.startswith("root ::= call")


def test_request_grammar_offers_the_choices_the_request_names() -> None:
    obs = Observation(utterance="what does the soil moisture sensor say")
    g = GrammarBuilder(greenhouse(), open_values="request").build(obs)
    values = values_of(g, "v-read-sensor-sensor")
    assert "soil moisture" in values and "temperature" not in values
    g = GrammarBuilder(greenhouse(), open_values="request").build(Observation(utterance="fan"))
    assert all(f'"\\"{s}\\""' in values_of(g, "v-set-fan-speed") for s in ("off", "high"))


def test_request_grammar_spans_open_strings_and_drops_unhinted_optionals() -> None:
    @tool
    def find_hotel(city: str, stars: int | None = None, pool: bool | None = None) -> str:
        """Find a hotel.

        Args:
            city: where
            stars: hotel class
            pool: whether it has a pool
        """
        return city

    ts = Toolset([find_hotel])
    g = GrammarBuilder(ts, open_values="request").build(Observation(utterance="hotels in New York"))
    assert 'span-2 ::= "New" (" " span-3)?' in g and 'span-3 ::= "York"' in g
    assert "stars=" not in g and "pool=" not in g
    g = GrammarBuilder(ts, open_values="request").build(
        Observation(utterance="a 4 star hotel with a pool in Rome")
    )
    assert '"stars="' in g and '"pool="' in g
    assert 'v-find-hotel-stars ::= ("4")' in g


# --- retrieval and the gate ---------------------------------------------------------------


def test_lexical_retrieval_ranks_the_tool_the_request_is_about() -> None:
    ts = greenhouse()
    r = rank_tools("open the roof vent to 30 percent", ts, LexicalScorer())
    assert r.tools[0].name == "set_vent"
    r = rank_tools("what humidity does the herb shelf sensor read", ts, LexicalScorer())
    assert r.tools[0].name == "read_sensor"
    assert rank_tools("tell me a joke", ts, LexicalScorer()).best == 0.0


def test_retrieval_of_toolsets_built_per_request_matches_one_kept_toolset() -> None:
    """A toolset built per request (BFCL's, a fresh world per case) frees its tools, and new
    tools reuse their ids: nothing may be cached by id alone."""
    requests = ["open the roof vent to 30 percent", "log 3 kilos of tomatoes", "mist the herbs"]
    kept, scorer, fresh = greenhouse(), LexicalScorer(), LexicalScorer()
    zs = ZeroShot(LexicalScorer(), fit=RelevanceFit(w_best=10.0, w_margin=0.0, bias=-1.0))
    for utterance in requests * 20:
        ts = greenhouse()  # the last one is freed here
        assert fresh.scores(utterance, list(ts)) == scorer.scores(utterance, list(kept))
        plan = zs.plan(Observation(utterance=utterance), ts)
        assert plan.toolset is not None
        assert all(any(t is mine for mine in ts) for t in plan.toolset)  # this world's tools


class FixedScorer:
    name = "fixed"

    def __init__(self, scores: dict[str, float]) -> None:
        self.table = scores

    def scores(self, utterance: str, tools: list[Tool]) -> list[float]:
        return [self.table.get(t.name, 0.0) for t in tools]


def test_gate_calls_nothing_below_and_narrows_above() -> None:
    ts = greenhouse()
    fit = RelevanceFit(w_best=10.0, w_margin=0.0, bias=-5.0)  # 0.5 at a best score of 0.5
    low = ZeroShot(FixedScorer({"set_vent": 0.3}), fit=fit).plan(Observation(utterance="x"), ts)
    assert low.toolset is None and low.no_call_confidence > 0.5
    scores = {"set_vent": 0.9, "set_fan": 0.88, "water_zone": 0.2}
    zs = ZeroShot(FixedScorer(scores), fit=fit, max_tools=3, close=0.05)
    high = zs.plan(Observation(utterance="x"), ts)
    assert high.toolset is not None and sorted(high.toolset.names) == ["set_fan", "set_vent"]
    assert zs.plan(Observation(utterance="y"), ts).toolset is high.toolset  # reused: same prompt
    assert high.confidence(0.5, acted=True) == pytest.approx(high.relevance * 0.5)


def test_ranking_margin() -> None:
    assert Ranking((), ()).best == 0.0
    tools = tuple(greenhouse())[:2]
    assert Ranking(tools, (0.8, 0.5)).margin == pytest.approx(0.3)


def test_clamp_calls_pulls_numbers_into_bounds() -> None:
    calls = clamp_calls(
        [ToolCall(tool="set_temperature", args={"celsius": 35.5}), ToolCall(tool="nope", args={})],
        greenhouse(),
    )
    assert calls[0].args == {"celsius": 35}
    assert calls[1].tool == "nope"


# --- the GGUF brain -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def brain():  # type: ignore[no-untyped-def]
    from edgeagent.brains.gguf import GGUFBrain

    b = GGUFBrain(state_cache=False, retrieval="lexical")
    yield b
    b.close()


@pytest.mark.model
def test_zero_shot_brain_calls_a_valid_bounded_tool(brain) -> None:  # type: ignore[no-untyped-def]
    ts = greenhouse()
    d = brain.decide(Observation(utterance="open the roof vent to 30 percent"), ts)
    assert d.kind == "act" and d.calls[0].tool == "set_vent"
    assert d.calls[0].args == {"vent": "Roof Vent", "percent": 30}  # the world's spelling
    assert 0.0 < d.confidence <= 1.0


@pytest.mark.model
def test_zero_shot_brain_answers_no_call_without_the_model(brain) -> None:  # type: ignore[no-untyped-def]
    d = brain.decide(Observation(utterance="what's the capital of portugal"), greenhouse())
    assert d.kind == "noop" and d.raw == "none"
    assert "suffix_eval_ms" not in brain.last_timings  # the model did not run


@pytest.mark.model
def test_zero_shot_brain_never_writes_a_value_past_a_bound(brain) -> None:  # type: ignore[no-untyped-def]
    d = brain.decide(Observation(utterance="heat the greenhouse to 40 degrees"), greenhouse())
    assert d.kind == "act"
    if d.calls[0].tool == "set_temperature":
        assert 10 <= d.calls[0].args["celsius"] <= 35
