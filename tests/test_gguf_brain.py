"""The GGUF brain with the real SmolLM2-135M model (llama.cpp)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from edgeagent import Agent, Observation
from edgeagent.brains.base import Brain
from edgeagent.brains.gguf import GGUFBrain
from edgeagent.brains.grammar import GrammarBuilder
from edgeagent.testing.contract import UTTERANCES, BrainContract
from edgeagent.toolset import Toolset

from .conftest import LampKit

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def gguf() -> Iterator[GGUFBrain]:
    brain = GGUFBrain()
    yield brain
    brain.close()


class TestGGUFBrainContract(BrainContract):
    @pytest.fixture
    def brain(self, gguf: GGUFBrain) -> Brain:
        return gguf


def test_output_always_parses_into_valid_calls(gguf: GGUFBrain, lamp_toolset: Toolset) -> None:
    vocab = lamp_toolset.vocabulary()
    for text in [*UTTERANCES, "lamp", "please make it bright in the office", "🙂", "x" * 200]:
        d = gguf.decide(Observation.of(text), lamp_toolset)
        assert d.kind in {"act", "noop"}, d.reason
        for call in d.calls:
            if "name" in call.args:
                assert call.args["name"] in vocab["name"]
        assert d.tokens.completion > 0 or d.raw == "none"  # the relevance gate: no model run


def test_static_prefix_is_evaluated_once(gguf: GGUFBrain, lamp_toolset: Toolset) -> None:
    gguf.decide(Observation.of("turn on the desk lamp"), lamp_toolset)
    second = gguf.decide(Observation.of("turn off the desk lamp"), lamp_toolset)
    assert "prefix_eval_ms" not in gguf.last_timings
    assert second.tokens.prompt == gguf.last_timings["suffix_tokens"] < 30
    other = Toolset(LampKit().tools()[:2], [LampKit().world])
    gguf.decide(Observation.of("turn off the desk lamp"), other)
    assert "prefix_eval_ms" in gguf.last_timings  # a different toolset has its own prefix


def test_jump_forward_does_not_change_the_output(gguf: GGUFBrain, lamp_toolset: Toolset) -> None:
    outputs = {}
    for jump in (True, False):
        gguf.llama  # noqa: B018 - make sure the decoder exists
        gguf._decoder.jump_forward = jump
        outputs[jump] = [gguf.decide(Observation.of(t), lamp_toolset).raw for t in UTTERANCES]
    gguf._decoder.jump_forward = True
    assert outputs[True] == outputs[False]


def test_unfinished_output_is_invalid_and_not_executed(lamp_toolset: Toolset) -> None:
    brain = GGUFBrain(max_tokens=2, state_cache=False)
    try:
        before = lamp_toolset.worlds[0].snapshot()
        step = Agent(brain, lamp_toolset).step("turn on the desk lamp")
        assert step.decision.kind == "invalid"
        assert "max_tokens" in (step.decision.reason or "")
        assert step.results == ()
        assert lamp_toolset.worlds[0].snapshot() == before
    finally:
        brain.close()


def test_close_frees_the_model_and_it_reloads(lamp_toolset: Toolset) -> None:
    brain = GGUFBrain()
    brain.decide(Observation.of("turn on the desk lamp"), lamp_toolset)
    brain.close()
    assert brain._llama is None
    assert brain.decide(Observation.of("turn on the desk lamp"), lamp_toolset).kind == "act"
    brain.close()


def test_grammar_mentions_only_known_values(lamp_toolset: Toolset) -> None:
    grammar = GrammarBuilder(lamp_toolset).build(Observation.of("hello"))
    assert '"\\"Desk Lamp\\""' in grammar
    assert "turn_on(" in grammar and "unlock(" in grammar
    assert "Garage" not in grammar


def test_prefix_state_is_saved_and_loaded_by_the_next_process(
    lamp_toolset: Toolset, tmp_path: Path
) -> None:
    first = GGUFBrain(state_cache=tmp_path)
    a = first.decide(Observation.of("turn on the desk lamp"), lamp_toolset)
    assert "prefix_eval_ms" in first.last_timings
    first.close()
    assert len(list(tmp_path.glob("*.kv"))) == 1
    second = GGUFBrain(state_cache=tmp_path)
    b = second.decide(Observation.of("turn on the desk lamp"), lamp_toolset)
    assert "prefix_load_ms" in second.last_timings and "prefix_eval_ms" not in second.last_timings
    assert (a.raw, a.confidence) == (b.raw, pytest.approx(b.confidence, abs=1e-4))
    second.close()
    (kv,) = tmp_path.glob("*.kv")
    kv.write_bytes(b"corrupt")  # a broken cache file is ignored, not fatal
    third = GGUFBrain(state_cache=tmp_path)
    assert third.decide(Observation.of("turn on the desk lamp"), lamp_toolset).raw == a.raw
    assert "prefix_eval_ms" in third.last_timings
    third.close()


def test_saved_states_are_pruned_least_recently_used_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from edgeagent.brains.gguf import prune_state_cache

    monkeypatch.setenv("EDGEAGENT_KV_CACHE_MB", str(2.5 / 1024))  # 2.5 KiB
    files = []
    for i in range(4):  # 1 KiB each, used at t = 100, 200, 300, 400
        f = tmp_path / f"m-{i}.kv"
        f.write_bytes(b"x" * 1024)
        os.utime(f, (100 * (i + 1), 100 * (i + 1)))
        files.append(f)
    os.utime(files[0], (500, 500))  # loaded again lately: kept
    (tmp_path / "notes.txt").write_bytes(b"y" * 4096)  # not a state: never touched
    removed = prune_state_cache(tmp_path, keep=files[1])
    # 4 KiB > 2.5 KiB: the oldest (m-1) is kept as just saved; m-2 then m-3 go, leaving 2 KiB
    assert removed == [files[2], files[3]]
    assert files[0].exists() and files[1].exists() and (tmp_path / "notes.txt").exists()
