"""Sentence files: the template language, lists, errors that name the file and line, drawing
labelled requests, speech-recognition noise, spoken durations."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from edgeagent.sentences import (
    SentenceError,
    SentenceList,
    TemplateError,
    generate_cases,
    load_sentences,
    parse,
)
from edgeagent.sentences.noise import add_noise
from edgeagent.sentences.template import expand
from edgeagent.spoken_numbers import normalize_durations

LAMPS = """
lists:
  lamp:
    values: [{in: desk light, out: Desk Lamp}, {in: kitchen light, out: Kitchen Light}]
  pct: {range: {from: 10, to: 90, step: 10, type: percentage}}
rules:
  please: "(please|can you)"
families:
  - id: turn_on
    weight: 3
    calls: [{tool: turn_on, args: {name: "{lamp}"}}]
    sentences:
      - "[<please>] (turn|switch) on the {lamp}"
      - "{lamp} on"
  - id: nothing
    calls: []
    sentences: ["tell me a joke", "what's the capital of france"]
"""


def _files(tmp_path: Path, **texts: str) -> list[Path]:
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text)
        paths.append(path)
    return paths


def test_the_template_language() -> None:
    nodes = parse("[<please>] (turn|switch) on {lamp} , now?")
    lists = {"lamp": SentenceList.of([("the desk light", "Desk Lamp")])}
    rules = {"please": parse("(please|can you)")}
    seen = set()
    for seed in range(40):
        drawn = expand(nodes, random.Random(seed), lambda name, s, r: lists[name].draw(r), rules)
        seen.add(drawn.text)
        a, b = drawn.spans["lamp"]
        assert drawn.text[a:b] == "the desk light" and drawn.values == {"lamp": "Desk Lamp"}
        assert "  " not in drawn.text and " ," not in drawn.text
    assert (
        "turn on the desk light, now?" in seen and "can you switch on the desk light, now?" in seen
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("(turn on", "never closed"),
        ("turn on]", "unexpected ']'"),
        ("turn on {lamp", "never closed"),
        ("turn on {la mp}", "bad slot name"),
        ("hello <>", "bad rule name"),
    ],
)
def test_a_malformed_template_says_what_and_where(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message) as err:
        parse(template)
    assert err.value.column >= 1


def test_loading_and_drawing_labelled_requests(tmp_path: Path, lamp_toolset) -> None:  # type: ignore[no-untyped-def]
    sentences = load_sentences(_files(tmp_path, lamps=LAMPS))
    assert [f.key for f in sentences.families] == ["lamps.turn_on", "lamps.nothing"]
    cases = generate_cases(sentences, 200, seed=1, suite="lamps", tools=lamp_toolset.names)
    again = generate_cases(sentences, 200, seed=1, suite="lamps", tools=lamp_toolset.names)
    assert [c.model_dump() for c in cases] == [c.model_dump() for c in again]  # deterministic
    on = [c for c in cases if c.family == "lamps.turn_on"]
    assert 0.6 < len(on) / len(cases) < 0.9  # weight 3 against 1
    for c in on:
        (call,) = c.expected
        assert call.tool == "turn_on" and call.args["name"] in {"Desk Lamp", "Kitchen Light"}
        lamp_toolset.validate_call(call)  # the labels are valid calls
        said = "desk light" if call.args["name"] == "Desk Lamp" else "kitchen light"
        assert said in c.utterance.lower()
    assert all(c.expected == [] for c in cases if c.family == "lamps.nothing")
    # a toolset without the tool keeps only the families it can answer
    only_chat = generate_cases(sentences, 20, seed=1, suite="lamps", tools=["count_on"])
    assert {c.family for c in only_chat} == {"lamps.nothing"}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("families:\n  - id: a\n    calls: []\n    sentences: ['(open']\n", 4, "never closed"),
        (
            "families:\n  - id: a\n    calls: []\n    sentences: ['<nope>']\n",
            2,
            "unknown rule <nope>",
        ),
        (
            "families:\n  - id: a\n    calls: [{tool: t, args: {x: '{area}'}}]\n"
            "    sentences: ['hello [{area}]']\n",
            2,
            r"does not always say \{area\}",
        ),
        ("families:\n  - id: a\n    calls: []\n    sentence: ['x']\n", 4, "sentence: Extra inputs"),
        (
            "families:\n  - id: a\n    calls: []\n    sentences: ['x']\n  - id: a\n    calls: []\n    sentences: ['y']\n",
            5,
            "defined twice",
        ),
        ("families: [\n", 2, "not valid YAML"),
        ("lists:\n  x: {values: [a], range: {from: 1, to: 2}}\nfamilies: []\n", 2, "either"),
    ],
)
def test_errors_name_the_file_and_the_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    (path,) = _files(tmp_path, broken=text)
    with pytest.raises(SentenceError, match=message) as err:
        load_sentences([path])
    assert err.value.path == str(path) and err.value.line == line
    assert f"broken.yaml:{line}" in str(err.value)


def test_an_unknown_list_is_reported_when_drawing(tmp_path: Path) -> None:
    text = "families:\n  - id: a\n    calls: []\n    sentences: ['turn on {gadget}']\n"
    sentences = load_sentences(_files(tmp_path, f=text))
    with pytest.raises(SentenceError, match=r"f.yaml:2: family f.a: unknown list \{gadget\}"):
        generate_cases(sentences, 3, suite="x")


def test_rules_and_lists_are_shared_across_files(tmp_path: Path) -> None:
    common = "rules:\n  hi: '(hi|hello)'\nlists:\n  who: {values: [bob]}\n"
    use = "families:\n  - id: a\n    calls: []\n    sentences: ['<hi> {who}']\n"
    cases = generate_cases(load_sentences(_files(tmp_path, a=common, b=use)), 5, suite="x")
    assert all(c.utterance.lower() in {"hi bob", "hello bob"} for c in cases)
    with pytest.raises(SentenceError, match="already defined"):
        load_sentences(_files(tmp_path, a=common, c=common))


def test_files_are_parsed_once_while_unchanged(tmp_path: Path) -> None:
    (path,) = _files(tmp_path, lamps=LAMPS)
    first = load_sentences([path])
    assert load_sentences([str(path)]) is first  # every fresh toolkit asks: parsed once
    path.write_text(LAMPS.replace("tell me a joke", "sing me a song, please"))
    again = load_sentences([path])  # edited (another size): read again
    assert again is not first and "sing me a song, please" in str(again.families[-1].templates)
    path.unlink()
    with pytest.raises(SentenceError, match="cannot read"):
        load_sentences([path])


def test_noise_never_touches_protected_words() -> None:
    text = "please turn off the lights in the living room for me"
    start = text.index("living room")
    for seed in range(200):
        noisy = add_noise(text, [(start, start + len("living room"))], random.Random(seed))
        assert "living room" in noisy
    variants = {add_noise(text, [], random.Random(s)) for s in range(50)}
    assert len(variants) > 20 and any(" of the" in v for v in variants)  # "off" misheard


def test_spoken_durations_become_numbers() -> None:
    assert normalize_durations("set a timer for half an hour") == "set a timer for 30 minutes"
    assert normalize_durations("an hour and a half timer") == "1 hour 30 minutes timer"
    assert normalize_durations("3/4 of a minute") == "45 seconds"
    assert normalize_durations("two and a half minutes") == "2 minutes 30 seconds"
    assert normalize_durations("wake me at half past seven") == "wake me at half past seven"


def test_the_shipped_sentence_files_load_and_their_labels_run() -> None:
    """Every family of the smart-home sentence files draws requests whose calls validate and
    run in the bundled home."""
    from edgeagent.agent import Agent
    from edgeagent.datamodel import ToolCall
    from edgeagent.evaluation.runner import ReplayOnce
    from edgeagent.factory import build_toolset
    from edgeagent.policy import AllowAll
    from edgeagent.registry import ToolRegistry

    kit = ToolRegistry().load_toolkit("smart_home")
    sentences = load_sentences(kit.sentence_files())
    cases = generate_cases(
        sentences, 600, seed=5, suite="smart_home", lists=kit.sentence_lists(), noise=0.3
    )
    assert {c.family for c in cases} == {f.key for f in sentences.families}
    for case in cases:
        agent = Agent(
            ReplayOnce([ToolCall(tool=e.tool, args=e.args) for e in case.expected]),
            build_toolset(["smart_home"]),
            policy=AllowAll(),  # the labels are checked here, not the confirmation policy
        )
        step = agent.step(case.observation())
        assert step.decision.kind != "invalid", (case.utterance, step.decision.reason)
        assert all(r.ok for r in step.results), (case.utterance, [r.error for r in step.results])
