"""The robot utterance generator: determinism, schema-valid labels, coverage, grounding, and
distance from the HuRIC development set (``../shared/data/robot/dev.jsonl``, which must be there).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter

import pytest

from edgeagent.cases import Case
from edgeagent.datamodel import ToolCall
from edgeagent.errors import EdgeAgentError
from edgeagent.scoring import calls_match
from edgeagent_tools.robot import RobotToolkit, RobotWorld
from edgeagent_tools.robot.generator import (
    _FIRST_NAMES,
    _PEOPLE_GENERIC,
    _PEOPLE_RELATIVE,
    generate,
    generate_with_calls,
    head_of,
)
from edgeagent_tools.robot.grounding import split_camel
from tests.conftest import DATA_DIR

N = 5000
WORD = re.compile(r"[\w']+")
# Measured when the generator was written (seed 0, first 400 cases): 353 of 362 (97.5%) run in a
# fresh world. The rest name people the default household does not have ("follow anna") or
# pronouns that point back inside the same sentence ("I lost my keys, can you find them").
EXECUTION_BAR = 0.93


@pytest.fixture(scope="module")
def pairs() -> list[tuple[Case, list[ToolCall]]]:
    return generate_with_calls(n=N, seed=0)


@pytest.fixture(scope="module")
def cases(pairs: list[tuple[Case, list[ToolCall]]]) -> list[Case]:
    return [case for case, _ in pairs]


@pytest.fixture(scope="module")
def tools() -> dict:
    return {t.name: t for t in RobotToolkit().tools()}


# -- determinism -----------------------------------------------------------------------------
def test_same_seed_same_cases() -> None:
    assert generate(n=300, seed=7) == generate(n=300, seed=7)


def test_different_seeds_differ() -> None:
    a = [c.utterance for c in generate(n=300, seed=1)]
    b = [c.utterance for c in generate(n=300, seed=2)]
    assert sum(x != y for x, y in zip(a, b, strict=True)) > 250


def test_generate_gives_the_cases_of_generate_with_calls() -> None:
    assert generate(n=200, seed=9) == [c for c, _ in generate_with_calls(n=200, seed=9)]


def test_output_does_not_depend_on_string_hashing() -> None:
    code = (
        "import hashlib, json; from edgeagent_tools.robot.generator import generate; "
        "print(hashlib.sha256(json.dumps([c.model_dump() for c in generate(n=300, seed=3)])"
        ".encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(digests) == 1


# -- the case format -------------------------------------------------------------------------
def test_cases_are_robot_heads_cases_with_sequential_ids(cases: list[Case]) -> None:
    assert len(cases) == N
    assert [c.id for c in cases] == [f"gen-rb-{i}" for i in range(N)]
    assert all(c.suite == "robot" and c.match == "heads" for c in cases)
    assert all(c.utterance.strip() == c.utterance and c.utterance for c in cases)


def test_expected_calls_fit_the_tool_schemas(cases: list[Case], tools: dict) -> None:
    problems: list[str] = []
    for case in cases:
        for call in case.expected:
            tool = tools.get(call.tool)
            if tool is None:
                problems.append(f"{case.id}: no tool {call.tool!r}")
                continue
            try:
                tool.validate(call.args)
            except EdgeAgentError as exc:
                problems.append(f"{case.id}: {exc}")
    assert not problems, problems[:10]


def test_labels_are_spoken_lower_case_head_nouns(cases: list[Case]) -> None:
    """Every string label is one lower-case word said in the request ("me" may be implied)."""
    problems: list[str] = []
    for case in cases:
        said = set(WORD.findall(case.utterance.lower()))
        for call in case.expected:
            for key, value in call.args.items():
                if isinstance(value, bool | int):
                    continue
                assert isinstance(value, str)
                if value != value.lower() or " " in value or value != head_of(value):
                    problems.append(f"{case.id}: {key}={value!r} is not a head noun")
                elif value not in said and value != "me":
                    problems.append(f"{case.id}: {value!r} not in {case.utterance!r}")
    assert not problems, problems[:10]


def test_switches_and_doors_have_boolean_states(cases: list[Case]) -> None:
    states = Counter()
    for case in cases:
        for call in case.expected:
            if call.tool == "set_power":
                states["on", call.args["on"]] += 1
            if call.tool == "set_open":
                states["open", call.args["open"]] += 1
    assert all(isinstance(v, bool) for _, v in states)
    assert states["on", True] and states["on", False]
    assert states["open", True] and states["open", False]


def map_types(case: Case) -> list[str]:
    objects = (case.context or {}).get("objects")
    assert isinstance(objects, list)
    return [str(o) for o in objects]


def test_context_lists_mentioned_types_and_distractors(cases: list[Case]) -> None:
    for case in cases:
        types = map_types(case)
        assert len(types) >= 3
        assert all(t[:1].isupper() for t in types)
        assert len({t.lower() for t in types}) == len(types)
    # The type of the object a request names is on the map, as said or as the world names it.
    hit = total = 0
    for case in cases:
        if len(case.expected) == 1 and case.expected[0].tool in {"pick", "find", "bring"}:
            label = str(case.expected[0].args["object"])
            if label in {"it", "them", "me"}:
                continue
            total += 1
            words = {w for t in map_types(case) for w in split_camel(t).split()}
            hit += label in words
    assert hit / total > 0.5


# -- coverage --------------------------------------------------------------------------------
def test_every_tool_appears(cases: list[Case], tools: dict) -> None:
    counts = Counter(call.tool for case in cases for call in case.expected)
    assert set(counts) == set(tools)
    assert all(n >= 25 for n in counts.values()), counts
    top = {name for name, _ in counts.most_common(4)}
    assert top == {"navigate", "bring", "pick", "find"}


def test_shares_of_multi_step_and_out_of_scope(cases: list[Case]) -> None:
    multi = sum(len(c.expected) > 1 for c in cases) / len(cases)
    none = sum(not c.expected for c in cases) / len(cases)
    assert 0.13 <= multi <= 0.17
    assert 0.09 <= none <= 0.11
    more = generate(n=1000, seed=4, out_of_scope=0.3)
    assert 0.28 <= sum(not c.expected for c in more) / 1000 <= 0.32
    assert all(c.expected for c in generate(n=300, seed=4, out_of_scope=0.0))


def test_multi_step_requests_refer_back_with_pronouns(cases: list[Case]) -> None:
    patterns = Counter(
        tuple(call.tool for call in c.expected) for c in cases if len(c.expected) > 1
    )
    assert patterns["pick", "place"] > 50
    assert patterns["navigate", "pick"] > 50
    places = [c.expected[1] for c in cases if [e.tool for e in c.expected] == ["pick", "place"]]
    assert all(p.args["object"] in {"it", "them"} for p in places)


def test_rejects_impossible_shares() -> None:
    with pytest.raises(ValueError):
        generate(n=10, out_of_scope=0.9, multi=0.2)
    with pytest.raises(ValueError):
        generate(n=-1)


# -- grounding -------------------------------------------------------------------------------
def test_full_calls_match_the_labels(pairs: list[tuple[Case, list[ToolCall]]]) -> None:
    bad = [c.id for c, calls in pairs if not calls_match(c.expected_dicts(), calls, "heads")]
    assert not bad, bad[:10]


def test_full_calls_run_in_the_world(pairs: list[tuple[Case, list[ToolCall]]]) -> None:
    """The calls written in full run in a fresh world that saw the context (a lone ``place``
    first picks up what it puts down)."""
    base = RobotWorld()
    ran = total = 0
    for case, calls in pairs[:400]:
        if not calls:
            continue
        kit = RobotToolkit(world=base.copy())
        kit.world.observe_context(case.context or {})
        by_name = {t.name: t for t in kit.tools()}
        steps = list(calls)
        first = steps[0]
        if first.tool == "place" and first.args["object"] not in {"it", "them", "this", "that"}:
            steps.insert(0, ToolCall(tool="pick", args={"object": first.args["object"]}))
        total += 1
        try:
            for call in steps:
                by_name[call.tool].invoke(call.args)
        except EdgeAgentError:
            continue
        ran += 1
    assert ran / total >= EXECUTION_BAR, f"{ran}/{total}"


def test_names_come_from_the_world() -> None:
    """A small household gives requests about its own rooms and things only."""
    world = RobotWorld(
        {
            "rooms": [{"name": "kitchen", "surface": "counter"}, {"name": "garage"}],
            "people": [{"name": "user", "aliases": ["me"], "room": "kitchen"}],
            "objects": [
                {"name": "counter", "room": "kitchen", "surface": True},
                {"name": "toolbox", "room": "garage", "container": True, "openable": True},
                {"name": "drill", "at": "toolbox", "powered": True},
                {"name": "hammer", "at": "counter"},
                {"name": "garage door", "room": "garage", "openable": True, "fixed": True},
                {"name": "garage light", "room": "garage", "powered": True, "fixed": True},
            ],
        }
    )
    known = {"kitchen", "garage", "counter", "toolbox", "box", "drill", "hammer", "door", "light",
             "lights"}  # fmt: skip
    extra = {"me", "here", "it", "them", "this", "that", "left", "right", "around", "back",
             "forward", "backward", "backwards", "down"}  # fmt: skip
    people = set(_PEOPLE_GENERIC) | set(_PEOPLE_RELATIVE) | set(_FIRST_NAMES)
    small = generate(world, n=600, seed=5)
    for case in small:
        for call in case.expected:
            for value in call.args.values():
                if isinstance(value, str):
                    assert value in known | extra | people, (case.utterance, call)


# -- distance from the evaluation data -------------------------------------------------------
def test_few_utterances_equal_a_dev_sentence(cases: list[Case]) -> None:
    path = DATA_DIR / "robot" / "dev.jsonl"
    assert path.is_file(), f"robot dev set not found at {path} (set EDGEAGENT_DATA)"
    with path.open(encoding="utf-8") as fh:
        dev = {json.loads(line)["utterance"] for line in fh if line.strip()}
    assert len(dev) > 300
    same = sum(c.utterance in dev for c in cases)
    assert same / len(cases) < 0.02, (
        f"{same} of {len(cases)} generated utterances are dev sentences"
    )


def test_utterances_are_diverse(cases: list[Case]) -> None:
    assert len({c.utterance for c in cases}) / len(cases) >= 0.8
    assert len({c.utterance.lower() for c in cases}) / len(cases) >= 0.8
