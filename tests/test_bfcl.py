"""BFCL data: loading, tools from its schemas, AST scoring, and the GGUF grammar for its tools."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edgeagent.brains.grammar import GrammarBuilder
from edgeagent.callformat import parse_calls, render_calls
from edgeagent.datamodel import ToolCall
from edgeagent.errors import ConfigError, ToolArgumentError
from edgeagent.evaluation.bfcl import (
    BfclCase,
    ast_match,
    ast_mismatch,
    category_of,
    expected_calls,
    is_bfcl_file,
    load_bfcl,
    standardize,
    toolset_for,
)
from edgeagent.tool import Risk

ANSWERED = ["BFCL_v4_simple_python.json", "BFCL_v4_multiple.json"]
ALL_FILES = [*ANSWERED, "BFCL_v4_irrelevance.json"]


# --- hand-written cases for each rule --------------------------------------------------------

SPEC: dict[str, Any] = {
    "name": "geo.find",
    "description": "Find places.",
    "parameters": {
        "type": "dict",
        "properties": {
            "city": {"type": "string", "description": "City name."},
            "count": {"type": "integer"},
            "radius": {"type": "float"},
            "open_now": {"type": "boolean"},
            "unit": {"type": "string", "enum": ["km", "miles"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "grid": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
            "point": {"type": "tuple", "items": {"type": "float"}},
            "budget": {
                "type": "dict",
                "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
                "required": ["min"],
            },
            "rows": {
                "type": "array",
                "items": {
                    "type": "dict",
                    "properties": {"field": {"type": "string"}, "value": {"type": "string"}},
                },
            },
            "extra": {"type": "dict", "description": "Free-form."},
            "data": {"type": "any"},
            "_class": {"type": "string"},
        },
        "required": ["city", "count"],
    },
}
FUNCTIONS = [SPEC]


def truth(**answer: list[Any]) -> list[dict[str, dict[str, list[Any]]]]:
    return [{"geo.find": {"city": ["New York", "NYC"], "count": [3], **answer}}]


def call(**args: Any) -> ToolCall:
    return ToolCall(tool="geo.find", args={"city": "New York", "count": 3, **args})


def test_the_right_call_matches() -> None:
    assert ast_match(truth(), [call()], FUNCTIONS)
    assert ast_match(truth(), [call(city="NYC")], FUNCTIONS)


def test_wrong_function_name() -> None:
    wrong = ToolCall(tool="geo.search", args={"city": "New York", "count": 3})
    reason = ast_mismatch(truth(), [wrong], FUNCTIONS)
    assert reason is not None and "wrong function" in reason


def test_missing_required_parameter() -> None:
    missing = ToolCall(tool="geo.find", args={"city": "New York"})
    reason = ast_mismatch(truth(), [missing], FUNCTIONS)
    assert reason is not None and "required" in reason and "count" in reason


def test_parameter_outside_the_schema_or_the_answer() -> None:
    reason = ast_mismatch(truth(), [call(color="red")], FUNCTIONS)
    assert reason is not None and "unexpected" in reason and "color" in reason
    # in the schema, but the answer does not list it: also unexpected (as the leaderboard does)
    assert not ast_match(truth(), [call(radius=2.0)], FUNCTIONS)


def test_wrong_type() -> None:
    for value in ("3", 3.0, True):
        reason = ast_mismatch(truth(), [call(count=value)], FUNCTIONS)
        assert reason is not None and "type" in reason, value
    assert not ast_match(truth(open_now=[True]), [call(open_now=1)], FUNCTIONS)
    assert not ast_match(truth(city=["3"]), [call(city=3)], FUNCTIONS)


def test_int_is_accepted_for_a_float() -> None:
    assert ast_match(truth(radius=[5.0]), [call(radius=5)], FUNCTIONS)
    assert ast_match(truth(radius=[5.0]), [call(radius=5.0)], FUNCTIONS)
    assert ast_match(truth(radius=[5]), [call(radius=5.0)], FUNCTIONS)  # int answers too
    assert not ast_match(truth(radius=[5.5]), [call(radius=5)], FUNCTIONS)


def test_strings_are_normalised() -> None:
    assert standardize("New York, NY") == "newyorkny"
    assert standardize("A-b_c.d/e*f^g") == "abcdefg"
    for said in ("new york", "NEW-YORK", "New_York.", " New York "):
        assert ast_match(truth(), [call(city=said)], FUNCTIONS), said
    assert not ast_match(truth(), [call(city="New York!")], FUNCTIONS)
    assert not ast_match(truth(), [call(city="Boston")], FUNCTIONS)


def test_optional_blank_may_be_left_out() -> None:
    answer = truth(unit=["km", ""])
    assert ast_match(answer, [call()], FUNCTIONS)
    assert ast_match(answer, [call(unit="km")], FUNCTIONS)
    assert not ast_match(answer, [call(unit="miles")], FUNCTIONS)
    # listed without "": the parameter must be given, even though the schema does not require it
    reason = ast_mismatch(truth(unit=["km"]), [call()], FUNCTIONS)
    assert reason is not None and "unit" in reason


def test_null_arguments_count_as_left_out() -> None:
    assert ast_match(truth(unit=["km", ""]), [call(unit=None)], FUNCTIONS)
    assert not ast_match(truth(), [call(count=None)], FUNCTIONS)


def test_list_values_element_wise() -> None:
    answer = truth(tags=[["Pizza Place", "bar"], ["cafe"]])
    assert ast_match(answer, [call(tags=["pizza-place", "BAR"])], FUNCTIONS)
    assert ast_match(answer, [call(tags=["cafe"])], FUNCTIONS)
    assert not ast_match(answer, [call(tags=["bar", "pizza place"])], FUNCTIONS)  # order
    assert not ast_match(answer, [call(tags=["pizza place"])], FUNCTIONS)  # length
    assert not ast_match(answer, [call(tags="cafe")], FUNCTIONS)  # not a list
    assert not ast_match(truth(grid=[[[1, 2]]]), [call(grid=[["1", "2"]])], FUNCTIONS)
    assert ast_match(truth(grid=[[[1, 2], [3, 4]]]), [call(grid=[[1, 2], [3, 4]])], FUNCTIONS)
    assert not ast_match(truth(grid=[[[1, 2], [3, 4]]]), [call(grid=[[1, 2]])], FUNCTIONS)
    assert not ast_match(truth(grid=[[[1], [0]]]), [call(grid=[[True], [False]])], FUNCTIONS)
    assert ast_match(truth(point=[[40.5, -74.0]]), [call(point=[40.5, -74.0])], FUNCTIONS)


def test_dict_values_key_by_key() -> None:
    answer = truth(budget=[{"min": [300], "max": [400, ""]}])
    assert ast_match(answer, [call(budget={"min": 300, "max": 400})], FUNCTIONS)
    assert ast_match(answer, [call(budget={"min": 300})], FUNCTIONS)  # "max" may be left out
    assert not ast_match(answer, [call(budget={"max": 400})], FUNCTIONS)  # "min" may not
    assert not ast_match(answer, [call(budget={"min": 300, "max": 500})], FUNCTIONS)
    assert not ast_match(answer, [call(budget={"min": 300, "avg": 350})], FUNCTIONS)
    assert not ast_match(answer, [call(budget=[300, 400])], FUNCTIONS)
    free = truth(extra=[{"Alex": [["A of spades", "K of spades"]]}])
    assert ast_match(free, [call(extra={"Alex": ["a of spades", "k of spades"]})], FUNCTIONS)
    assert not ast_match(free, [call(extra={"Alex": ["K of spades"]})], FUNCTIONS)


def test_list_of_dicts_in_order() -> None:
    answer = truth(rows=[[{"field": ["age"], "value": ["25"]}, {"field": ["job"], "value": [""]}]])
    rows = [{"field": "Age", "value": "25"}, {"field": "job"}]
    assert ast_match(answer, [call(rows=rows)], FUNCTIONS)
    assert not ast_match(answer, [call(rows=rows[::-1])], FUNCTIONS)
    assert not ast_match(answer, [call(rows=rows[:1])], FUNCTIONS)


def test_any_accepts_any_json_value() -> None:
    assert ast_match(truth(data=["my_data"]), [call(data="My Data")], FUNCTIONS)
    assert ast_match(truth(data=[[1, 2]]), [call(data=[1, 2])], FUNCTIONS)
    assert not ast_match(truth(data=["my_data"]), [call(data=["my_data"])], FUNCTIONS)


def test_a_variable_answer_of_another_type_is_compared_as_written() -> None:
    # the leaderboard treats an answer whose type differs from the schema's as a variable name
    assert ast_match(truth(count=["n"]), [call(count="n")], FUNCTIONS)
    assert not ast_match(truth(count=["n"]), [call(count="N")], FUNCTIONS)


def test_number_of_calls_and_irrelevance() -> None:
    assert not ast_match(truth(), [], FUNCTIONS)
    assert not ast_match(truth(), [call(), call()], FUNCTIONS)
    assert ast_match([], [], FUNCTIONS)
    reason = ast_mismatch([], [call()], FUNCTIONS)
    assert reason is not None and "no call" in reason


def test_several_expected_calls_match_in_any_order() -> None:
    both = [*truth(), {"geo.find": {"city": ["Paris"], "count": [1]}}]
    paris = ToolCall(tool="geo.find", args={"city": "paris", "count": 1})
    assert ast_match(both, [paris, call()], FUNCTIONS)
    assert not ast_match(both, [call(), call()], FUNCTIONS)


def test_expected_calls_take_the_first_accepted_values() -> None:
    case = BfclCase(
        id="t-1",
        category="simple_python",
        utterance="find 3 places in New York",
        functions=FUNCTIONS,
        ground_truth=truth(
            unit=["", "km"],
            tags=[""],
            budget=[{"min": [300], "max": ["", 400]}],
            rows=[[{"field": ["age", "Age"], "value": [""]}]],
        ),
    )
    (expected,) = expected_calls(case)
    assert expected.args == {
        "city": "New York",
        "count": 3,
        "unit": "km",
        "budget": {"min": 300, "max": 400},
        "rows": [{"field": "age"}],
    }
    assert ast_match(case.ground_truth, [expected], case.functions)


# --- tools from the schemas ------------------------------------------------------------------


def make_case(functions: list[dict[str, Any]], case_id: str = "t") -> BfclCase:
    return BfclCase(id=case_id, category="multiple", utterance="hi", functions=functions)


def test_toolset_has_one_read_only_tool_per_function() -> None:
    other = {"name": "noop", "description": "Nothing.", "parameters": {"type": "dict"}}
    toolset = toolset_for(make_case([SPEC, other]))
    assert toolset.names == ["geo.find", "noop"]
    tool = toolset.get("geo.find")
    assert tool.risk is Risk.READ_ONLY
    assert tool.description == "Find places."
    assert tool.param("city") is not None and tool.param("city").required  # type: ignore[union-attr]
    assert not tool.param("radius").required  # type: ignore[union-attr]
    assert tool.param("city").description == "City name."  # type: ignore[union-attr]
    assert tool.param("unit").choices == ("km", "miles")  # type: ignore[union-attr]
    assert tool.invoke({"city": "Paris", "count": 2}) == {"city": "Paris", "count": 2}


def test_toolset_is_cached_by_the_functions_content() -> None:
    first = toolset_for(make_case([SPEC], "a"))
    again = toolset_for(make_case(json.loads(json.dumps([SPEC])), "b"))
    assert first is again
    changed = {**SPEC, "description": "Find other places."}
    assert toolset_for(make_case([changed])) is not first


def test_tool_arguments_are_checked_strictly() -> None:
    toolset = toolset_for(make_case([SPEC]))

    def valid(**args: Any) -> dict[str, Any]:
        return dict(toolset.validate_call(call(**args)).args)

    assert valid(radius=5) == {"city": "New York", "count": 3, "radius": 5.0}
    assert valid(unit="KM")["unit"] == "km"  # choices are matched case-insensitively
    assert valid(grid=[[1, 2], [3]])["grid"] == [[1, 2], [3]]
    assert valid(budget={"min": 1})["budget"] == {"min": 1}
    assert valid(rows=[{"field": "a"}])["rows"] == [{"field": "a"}]
    assert valid(extra={"k": [1, "x"]}, data=[1, {"a": None}])["data"] == [1, {"a": None}]
    assert valid(_class="Mage")["_class"] == "Mage"  # not a Python field name: an alias
    assert "_class" in toolset.get("geo.find").json_schema()["properties"]
    for bad in (
        {"count": "3"},
        {"count": 3.0},
        {"open_now": "yes"},
        {"unit": "feet"},
        {"grid": [[1.5]]},
        {"budget": {"max": 4}},
        {"budget": {"min": 1, "avg": 2}},
        {"color": "red"},
    ):
        with pytest.raises(ToolArgumentError):
            toolset.validate_call(call(**bad))


def test_grammar_for_nested_and_open_schemas_is_accepted(vocab: Any) -> None:
    toolset = toolset_for(make_case([SPEC]))
    grammar = GrammarBuilder(toolset).build(make_case([SPEC]).observation())
    assert "json ::=" in grammar and "jobj ::=" in grammar
    text = (
        'geo.find(city="New York",count=3,radius=2.5e-3,grid=[[1,2],[]],point=[40.5,-74],'
        'budget={"min":300},rows=[{"field":"age","value":"25"}],extra={"k":[1,"x",null]},'
        'data=[true,{"a":{}}],_class="Mage")'
    )
    assert grammar_accepts(vocab, grammar, text)
    assert not grammar_accepts(vocab, grammar, 'geo.find(city="New York",count=3,budget={})')
    assert not grammar_accepts(vocab, grammar, 'geo.find(city="x",count=3,rows=[{"other":"y"}])')
    parsed = parse_calls(text)
    toolset.validate_calls(parsed)


# --- the files -------------------------------------------------------------------------------


@pytest.fixture
def bfcl_dir(data_dir: Path) -> Path:
    folder = data_dir / "bfcl"
    if not folder.is_dir():
        pytest.skip(f"BFCL data not found in {folder}")
    return folder


@functools.cache
def load_all(folder: Path) -> dict[str, list[BfclCase]]:
    return {name: load_bfcl(folder / name) for name in ALL_FILES}


@pytest.fixture
def cases(bfcl_dir: Path) -> dict[str, list[BfclCase]]:
    return load_all(bfcl_dir)


def test_files_load(cases: dict[str, list[BfclCase]]) -> None:
    counts = {name: len(c) for name, c in cases.items()}
    assert counts == {
        "BFCL_v4_simple_python.json": 400,
        "BFCL_v4_multiple.json": 200,
        "BFCL_v4_irrelevance.json": 240,
    }
    for name, loaded in cases.items():
        assert {c.category for c in loaded} == {category_of(name)}
        assert all(c.utterance.strip() and c.functions for c in loaded)
        answered = name in ANSWERED
        assert all(bool(c.ground_truth) == answered for c in loaded)
    first = cases["BFCL_v4_simple_python.json"][0]
    assert first.id == "simple_python_0" and "triangle" in first.utterance
    assert first.ground_truth[0]["calculate_triangle_area"]["unit"] == ["units", ""]


def test_bfcl_files_are_recognised_by_content(bfcl_dir: Path, tmp_path: Path) -> None:
    for name in ALL_FILES:
        assert is_bfcl_file(bfcl_dir / name)
    assert not is_bfcl_file(bfcl_dir / "possible_answer" / ANSWERED[0])
    assert not is_bfcl_file(bfcl_dir)
    assert not is_bfcl_file(tmp_path / "missing.json")
    case_file = tmp_path / "cases.jsonl"
    case_file.write_text('{"id": "x", "suite": "robot", "utterance": "go", "expected": []}\n')
    assert not is_bfcl_file(case_file)
    (tmp_path / "junk.json").write_text("not json\n")
    assert not is_bfcl_file(tmp_path / "junk.json")


def write_bfcl(folder: Path, name: str, lines: list[str], answers: list[str] | None) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    if answers is not None:
        (folder / "possible_answer").mkdir(exist_ok=True)
        (folder / "possible_answer" / name).write_text("\n".join(answers) + "\n")
    return path


QUESTION = json.dumps(
    {"id": "multiple_0", "question": [[{"role": "user", "content": "find 3 in NYC"}]],
     "function": [SPEC]}
)  # fmt: skip
ANSWER = json.dumps({"id": "multiple_0", "ground_truth": truth()})


def test_load_and_errors_name_the_file(tmp_path: Path) -> None:
    good = write_bfcl(tmp_path, "BFCL_v4_multiple.json", [QUESTION], [ANSWER])
    (case,) = load_bfcl(good)
    assert case.category == "multiple" and case.utterance == "find 3 in NYC"
    assert case.functions == [SPEC] and case.ground_truth == truth()

    bad = write_bfcl(tmp_path, "BFCL_v4_simple_python.json", [QUESTION, "{oops"], [ANSWER])
    with pytest.raises(ConfigError, match=r"BFCL_v4_simple_python\.json:2"):
        load_bfcl(bad)

    shapeless = write_bfcl(tmp_path, "BFCL_v4_x.json", ['{"id": "x", "question": 1}'], [])
    with pytest.raises(ConfigError, match=r"BFCL_v4_x\.json:1"):
        load_bfcl(shapeless)

    two = json.dumps({"id": "multiple_0", "ground_truth": [{"a": {}, "b": {}}]})
    ambiguous = write_bfcl(tmp_path, "BFCL_v4_y.json", [QUESTION], [two])
    with pytest.raises(ConfigError, match=r"possible_answer.*BFCL_v4_y\.json:1"):
        load_bfcl(ambiguous)

    unanswered = write_bfcl(tmp_path, "BFCL_v4_java.json", [QUESTION], None)
    with pytest.raises(ConfigError, match=r"possible_answer.*BFCL_v4_java\.json"):
        load_bfcl(unanswered)

    lacking = write_bfcl(tmp_path, "BFCL_v4_live_simple.json", [QUESTION], ["\n"])
    with pytest.raises(ConfigError, match="multiple_0"):
        load_bfcl(lacking)

    irrelevant = write_bfcl(tmp_path, "BFCL_v4_irrelevance.json", [QUESTION], None)
    (case,) = load_bfcl(irrelevant)
    assert case.category == "irrelevance" and case.ground_truth == []


@pytest.mark.parametrize("name", ANSWERED)
def test_every_expected_call_matches_its_answer(
    cases: dict[str, list[BfclCase]], name: str
) -> None:
    for case in cases[name]:
        calls = expected_calls(case)
        assert len(calls) == len(case.ground_truth) == 1
        reason = ast_mismatch(case.ground_truth, calls, case.functions)
        assert reason is None, f"{case.id}: {reason}"


@pytest.mark.parametrize("name", ANSWERED)
def test_expected_calls_survive_validation_and_the_call_format(
    cases: dict[str, list[BfclCase]], name: str
) -> None:
    """What a brain's call goes through (schema check, compact text) keeps it right."""
    invalid: list[str] = []
    for case in cases[name]:
        toolset = toolset_for(case)
        try:
            calls = list(toolset.validate_calls(expected_calls(case)))
        except ToolArgumentError:
            invalid.append(case.id)  # the answer contradicts the schema
            continue
        assert ast_match(case.ground_truth, calls, case.functions), case.id
        text = render_calls(calls, {t.name: [p.name for p in t.params] for t in toolset})
        assert parse_calls(text) == calls, case.id
    assert len(invalid) <= 1, invalid  # simple_python_307 wants a boolean for a string


def test_irrelevance_passes_only_without_a_call(cases: dict[str, list[BfclCase]]) -> None:
    for case in cases["BFCL_v4_irrelevance.json"]:
        assert ast_match(case.ground_truth, [], case.functions)
        first = case.functions[0]["name"]
        assert not ast_match(case.ground_truth, [ToolCall(tool=first)], case.functions)


def test_every_function_becomes_a_tool(cases: dict[str, list[BfclCase]]) -> None:
    functions = 0
    for loaded in cases.values():
        for case in loaded:
            toolset = toolset_for(case)
            assert toolset.names == [f["name"] for f in case.functions]
            functions += len(toolset)
    assert functions == 1197


# --- the GGUF grammar for every BFCL toolset -------------------------------------------------


@pytest.fixture(scope="module")
def vocab() -> Iterator[Any]:
    """A llama.cpp vocabulary (the tokenizer only, no weights) to parse and run grammars."""
    llama_cpp = pytest.importorskip("llama_cpp")
    from edgeagent.assets import default_gguf_path

    try:
        path = default_gguf_path()
    except Exception:
        pytest.skip("no GGUF model for a vocabulary")
    llama_cpp.llama_backend_init()
    params = llama_cpp.llama_model_default_params()
    params.vocab_only = True
    model = llama_cpp.llama_model_load_from_file(str(path).encode(), params)
    if not model:
        pytest.skip("cannot load the GGUF vocabulary")
    yield llama_cpp.llama_model_get_vocab(model)
    llama_cpp.llama_model_free(model)


def grammar_accepts(vocab: Any, grammar: str, text: str) -> bool:
    """Whether llama.cpp's grammar sampler lets ``text`` through, then lets it end."""
    import llama_cpp
    import numpy as np

    from edgeagent.brains._llama_decoder import GrammarSampler, _CandidateBuffer

    sampler = GrammarSampler(vocab, grammar)  # raises when llama.cpp cannot parse it
    try:
        data = text.encode()
        tokens = (llama_cpp.llama_token * (len(data) + 8))()
        n = llama_cpp.llama_tokenize(vocab, data, len(data), tokens, len(data) + 8, False, True)
        buf = _CandidateBuffer(1)
        for token in [*tokens[:n], llama_cpp.llama_vocab_eos(vocab)]:
            buf.fill(np.array([token], dtype=np.int32), np.zeros(1, dtype=np.float32))
            sampler.apply(buf)
            if not math.isfinite(float(buf.view["logit"][0])):
                return False
            sampler.accept(token)
        return True
    finally:
        sampler.free()


def grammar_can_write(call: ToolCall, answer: dict[str, list[Any]]) -> ToolCall | None:
    """The call as a grammar can write it (an empty list left out where it may be), or None
    where a value is beyond the grammar (strings over 48 characters)."""
    args = {k: v for k, v in call.args.items() if not (v == [] and "" in answer.get(k, []))}
    if any(isinstance(v, str) and len(v) > 48 for v in args.values()):
        return None
    return ToolCall(tool=call.tool, args=args)


def test_grammar_builds_for_every_toolset_and_accepts_the_answers(
    cases: dict[str, list[BfclCase]], vocab: Any
) -> None:
    from edgeagent.brains._llama_decoder import GrammarSampler

    seen: set[int] = set()
    checked = 0
    beyond: list[str] = []
    for loaded in cases.values():
        for case in loaded:
            toolset = toolset_for(case)
            grammar = GrammarBuilder(toolset).build(case.observation())
            if id(toolset) not in seen:
                seen.add(id(toolset))
                GrammarSampler(vocab, grammar).free()  # raises if llama.cpp cannot parse it
            if not case.ground_truth:
                assert grammar_accepts(vocab, grammar, "none"), case.id
                continue
            try:
                valid = toolset.validate_calls(expected_calls(case))
            except ToolArgumentError:
                continue  # the answer contradicts the schema (see above)
            (answer,) = case.ground_truth[0].values()
            writable = [grammar_can_write(c, answer) for c in valid]
            if any(c is None for c in writable):
                beyond.append(case.id)
                continue
            text = render_calls(
                [c for c in writable if c is not None],
                {t.name: [p.name for p in t.params] for t in toolset},
            )
            assert grammar_accepts(vocab, grammar, text), f"{case.id}: {text}"
            checked += 1
    assert len(seen) > 800 and checked >= 590
    assert len(beyond) <= 2, beyond  # a 54-character review text, twice


def test_grammar_sampler_rejects_a_broken_grammar(vocab: Any) -> None:
    from edgeagent.brains._llama_decoder import GrammarSampler

    with pytest.raises(ValueError):
        GrammarSampler(vocab, "root ::= undefined-rule\n")
    assert grammar_accepts(vocab, 'root ::= "a"\n', "a")
    assert not grammar_accepts(vocab, 'root ::= "a"\n', "b")
