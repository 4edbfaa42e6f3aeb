"""The smart-home utterance generator: deterministic, valid labels that run, every tool covered,
diverse phrasings that do not copy the dev set.

The dev set lives outside the repository, in ``../shared/data`` (override with
``EDGEAGENT_DATA``); the leakage test fails when it is missing, it is never skipped.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from edgeagent.cases import Case, load_cases
from edgeagent.datamodel import ToolCall
from edgeagent.errors import EdgeAgentError, TargetError
from edgeagent.toolset import Toolset
from edgeagent_tools.smart_home import HomeWorld, SmartHomeToolkit
from edgeagent_tools.smart_home.generator import (
    TOOL_WEIGHTS,
    expand,
    generate,
    number_words,
    write_jsonl,
)
from edgeagent_tools.smart_home.models import TodoItem
from tests.conftest import DATA_DIR

DATA = DATA_DIR
DEV = DATA / "smart_home" / "dev.jsonl"
N = 5000
# Measured (seed 0, 1000 cases): about 95% of the calls run in a fresh copy of the test home.
# The rest name what the home lacks on purpose (blinds or windows as covers, titles outside
# its library, a vacuum or timer it does not have) or are ambiguous in it (two thermostats,
# several timers): the labels are still what Home Assistant would answer.
MIN_EXECUTION_RATE = 0.92
MAX_DEV_OVERLAP = 0.02  # measured: under 1% (short commands like "never mind", "pause")


@pytest.fixture(scope="module")
def home() -> HomeWorld:
    return HomeWorld()


@pytest.fixture(scope="module")
def cases(home: HomeWorld) -> list[Case]:
    return generate(home, N, seed=0)


def _dump(cases: list[Case]) -> list[dict[str, object]]:
    return [c.model_dump() for c in cases]


def test_deterministic_per_seed(home: HomeWorld) -> None:
    first = generate(home, 400, seed=7)
    assert _dump(first) == _dump(generate(home, 400, seed=7))
    other = generate(home, 400, seed=8)
    assert [c.utterance for c in first] != [c.utterance for c in other]
    assert _dump(generate(n=50, seed=7)) == _dump(first[:50])  # the bundled home by default


def test_case_format(cases: list[Case], home: HomeWorld) -> None:
    areas = {a.name for a in home.areas.values()}
    for i, case in enumerate(cases):
        assert case.id == f"gen-sh-{i}"
        assert case.suite == "smart_home" and case.match == "exact"
        assert case.utterance == case.utterance.strip() and "  " not in case.utterance
        assert "{" not in case.utterance and "[" not in case.utterance, case.utterance
        assert len(case.expected) <= 1
        if case.context is not None:
            assert set(case.context) == {"area"} and case.context["area"] in areas


def test_every_expected_call_validates(cases: list[Case], home: HomeWorld) -> None:
    toolset = Toolset(SmartHomeToolkit(world=HomeWorld()).tools(), [home])
    problems: list[str] = []
    for case in cases:
        for expected in case.expected:
            try:  # the schema and the closed vocabularies, as a brain's output is checked
                toolset.validate_call(ToolCall(tool=expected.tool, args=expected.args))
            except EdgeAgentError as exc:
                problems.append(f"{case.id} {case.utterance!r} {expected}: {exc}")
    assert not problems, "\n".join(problems[:20])


def _seed_lists(world: HomeWorld, tool: str, args: dict[str, object]) -> None:
    """Checking an item off presupposes it is on the list: put it there first."""
    if tool == "HassShoppingListCompleteItem":
        world.lists["todo.shopping_list"].items.append(TodoItem(summary=str(args["item"])))
    elif tool == "HassListCompleteItem":
        todo = world.find_list(str(args["name"]))
        todo.items.append(TodoItem(summary=str(args["item"])))


def test_calls_run_in_a_fresh_home(home: HomeWorld) -> None:
    sample = generate(home, 1000, seed=0)
    toolset = Toolset(SmartHomeToolkit(world=home).tools(), [home])
    failures: list[str] = []
    calls = 0
    for case in sample:
        for expected in case.expected:
            calls += 1
            world = home.copy()
            tools = {t.name: t for t in SmartHomeToolkit(world=world).tools()}
            world.observe_context(case.context or {})
            call = toolset.validate_call(ToolCall(tool=expected.tool, args=expected.args))
            _seed_lists(world, call.tool, dict(call.args))
            try:
                json.dumps(tools[call.tool].invoke(call.args))
            except TargetError as exc:  # anything else (a crash, a precondition) fails the test
                failures.append(
                    f"{case.id} {case.utterance!r} {call.tool} {dict(call.args)}: {exc}"
                )
    rate = 1 - len(failures) / calls
    print(f"\nexecuted {calls - len(failures)}/{calls} generated calls ({rate:.1%})")
    assert rate >= MIN_EXECUTION_RATE, "\n".join(failures)


def test_every_tool_is_covered(cases: list[Case], home: HomeWorld) -> None:
    counts = Counter(e.tool for c in cases for e in c.expected)
    names = {t.name for t in SmartHomeToolkit(world=home).tools()}
    assert set(TOOL_WEIGHTS) == names
    assert set(counts) == names
    rare = {t: n for t, n in counts.items() if n < 0.008 * N}
    assert not rare, rare
    top = [t for t, _ in counts.most_common(4)]
    assert {"HassTurnOn", "HassTurnOff", "HassGetState"} <= set(top)


def test_out_of_scope_fraction(cases: list[Case], home: HomeWorld) -> None:
    empty = sum(1 for c in cases if not c.expected)
    assert abs(empty / N - 0.1) < 0.02, empty
    some = generate(home, 1000, seed=3, out_of_scope=0.3)
    assert abs(sum(1 for c in some if not c.expected) / 1000 - 0.3) < 0.05
    assert all(c.expected for c in generate(home, 300, seed=3, out_of_scope=0.0))
    with pytest.raises(ValueError):
        generate(home, 10, out_of_scope=1.5)


def test_out_of_scope_names_nothing_the_home_has(cases: list[Case], home: HomeWorld) -> None:
    areas = {a.name.lower() for a in home.areas.values()}
    for case in cases:
        if not case.expected and "lights in the " in case.utterance.lower():
            room = case.utterance.lower().split("lights in the ")[1].rstrip("?.! ").split(",")[0]
            assert not any(room.startswith(a) for a in areas), case.utterance


def test_diversity(cases: list[Case]) -> None:
    distinct = len({c.utterance.lower() for c in cases})
    print(f"\n{distinct}/{N} distinct utterances")
    assert distinct >= 0.8 * N


def test_speaker_area_fills_in_here_requests(cases: list[Case]) -> None:
    here = [c for c in cases if c.expected and " in here" in f" {c.utterance.lower()}"]
    assert len(here) > 100
    for case in here:
        args = case.expected[0].args
        if "area" in args:  # a timer started "in here" carries no area slot
            assert case.context is not None and args["area"] == case.context["area"], case


def test_few_utterances_equal_dev_ones(cases: list[Case]) -> None:
    assert DEV.is_file(), f"smart-home dev data not found at {DEV} (set EDGEAGENT_DATA)"
    dev = {
        json.loads(line)["utterance"].strip().lower()
        for line in DEV.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    same = [c.utterance for c in cases if c.utterance.strip().lower() in dev]
    print(f"\n{len(same)}/{N} generated utterances ({len(same) / N:.2%}) equal a dev one")
    assert len(same) / N < MAX_DEV_OVERLAP, Counter(same).most_common(20)


def test_another_home() -> None:
    data = {
        "floors": [{"name": "Main Level", "id": "main"}],
        "areas": [
            {"name": "Den", "id": "den", "floor": "main"},
            {"name": "Study", "id": "study", "floor": "main"},
        ],
        "entities": [
            {"name": "Desk Lamp", "id": "light.desk", "area": "study", "state": "off"},
            {"name": "Den Ceiling", "id": "light.den", "area": "den", "state": "on"},
            {"name": "Front Lock", "id": "lock.front", "area": "den", "state": "locked"},
        ],
    }
    world = HomeWorld(data)
    made = generate(world, 600, seed=1)
    toolset = Toolset(SmartHomeToolkit(world=world).tools(), [world])
    tools = {e.tool for c in made for e in c.expected}
    assert {"HassTurnOn", "HassTurnOff", "HassLightSet", "HassStartTimer"} <= tools
    assert not tools & {"HassVacuumStart", "HassMediaPause", "HassClimateSetTemperature"}
    for case in made:
        for expected in case.expected:
            toolset.validate_call(ToolCall(tool=expected.tool, args=expected.args))
    assert not any("study" in c.utterance.lower() and not c.expected for c in made)


def test_write_jsonl_round_trips(tmp_path: Path, home: HomeWorld) -> None:
    made = generate(home, 30, seed=2)
    path = tmp_path / "gen.jsonl"
    assert write_jsonl(made, path) == 30
    assert _dump(load_cases(path)) == _dump(made)


def test_template_language() -> None:
    rng = random.Random(0)
    seen = {
        expand(rng, "(turn|switch) on [the] {n} [please|now]", {"n": "lamp"}) for _ in range(200)
    }
    assert "turn on the lamp" in seen and "switch on lamp now" in seen
    assert all("{" not in s and "  " not in s for s in seen)
    assert number_words(45) == "forty five" and number_words(7) == "seven"
    assert number_words(120, hyphen=True) == "one hundred and twenty"
