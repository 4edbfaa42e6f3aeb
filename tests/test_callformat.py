import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edgeagent.callformat import parse_calls, render_calls
from edgeagent.datamodel import ToolCall
from edgeagent.errors import BrainOutputError


def test_parse_simple_and_multiple_calls() -> None:
    calls = parse_calls('HassTurnOn(area="Living Room",domain="light")\npick(object="cup")')
    assert calls == [
        ToolCall(tool="HassTurnOn", args={"area": "Living Room", "domain": "light"}),
        ToolCall(tool="pick", args={"object": "cup"}),
    ]


def test_values_keep_their_types() -> None:
    (call,) = parse_calls('f(a=3,b=2.5,c=true,d=false,e=-1,s="x, \\"y\\"",l=["a","b"])')
    assert call.args == {
        "a": 3,
        "b": 2.5,
        "c": True,
        "d": False,
        "e": -1,
        "s": 'x, "y"',
        "l": ["a", "b"],
    }


def test_none_means_no_call() -> None:
    assert parse_calls("none") == []


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "HassTurnOn(",
        'f(a="x"',
        "f(a=)",
        "f(a=1,a=2)",
        'f(a="x") trailing',
        "turn on the light",
        "f(1)",
    ],
)
def test_malformed_output_is_an_error(bad: str) -> None:
    with pytest.raises(BrainOutputError):
        parse_calls(bad)


names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True).filter(lambda s: s != "none")
values = st.one_of(
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20),
    st.floats(allow_nan=False, allow_infinity=False, width=32).filter(lambda f: not f.is_integer()),
    st.lists(st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=5), max_size=3),
)
calls_st = st.lists(
    st.builds(ToolCall, tool=names, args=st.dictionaries(names, values, max_size=4)),
    min_size=1,
    max_size=4,
)


@given(calls_st)
def test_render_then_parse_round_trips(calls: list[ToolCall]) -> None:
    parsed = parse_calls(render_calls(calls))
    assert [c.tool for c in parsed] == [c.tool for c in calls]
    for got, want in zip(parsed, calls, strict=True):
        assert got.args.keys() == want.args.keys()
        for k, v in want.args.items():
            assert got.args[k] == pytest.approx(v) if isinstance(v, float) else got.args[k] == v


@given(st.text(max_size=60))
def test_parser_never_crashes_on_garbage(text: str) -> None:
    with contextlib.suppress(BrainOutputError):
        parse_calls(text)


def test_dotted_names_dicts_null_and_nested_lists() -> None:
    text = (
        'triangle_properties.get(sides=[3,4.5],grid=[[1,2],[]],budget={"min":1,"max":{"a":null}},'
        "big=213000000000000000001,tiny=8.854e-12,_class=null)"
    )
    (call,) = parse_calls(text)
    assert call == ToolCall(
        tool="triangle_properties.get",
        args={
            "sides": [3, 4.5],
            "grid": [[1, 2], []],
            "budget": {"min": 1, "max": {"a": None}},
            "big": 213000000000000000001,
            "tiny": 8.854e-12,
            "_class": None,
        },
    )
    args = {k: v for k, v in call.args.items() if k != "_class"}  # a null argument is left out
    assert parse_calls(render_calls([call])) == [ToolCall(tool=call.tool, args=args)]
    assert parse_calls('f(d={ "a b" : 1 , "c":[ ] })')[0].args == {"d": {"a b": 1, "c": []}}


@pytest.mark.parametrize("bad", ["f(a={1:2})", 'f(a={"k"})', 'f(a={"k":1)', 'f(a={"k":1,})'])
def test_malformed_dicts_are_errors(bad: str) -> None:
    with pytest.raises(BrainOutputError):
        parse_calls(bad)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
dotted = st.from_regex(
    r"[A-Za-z_][A-Za-z0-9_]{0,8}(\.[A-Za-z_][A-Za-z0-9_]{0,8}){0,2}", fullmatch=True
)


@given(dotted.filter(lambda s: s != "none"), st.dictionaries(names, json_values, max_size=4))
def test_json_values_round_trip(tool: str, args: dict[str, object]) -> None:
    call = ToolCall(tool=tool, args={k: v for k, v in args.items() if v is not None})
    assert parse_calls(render_calls([call])) == [call]
