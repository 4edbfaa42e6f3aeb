"""The library functions the CLI calls: ``factory.build_router`` (what ``run`` and ``eval``
route with) and ``evaluation.runner.score_local`` (what ``calibrate --cases`` fits on, scored
as ``eval`` scores)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeagent.brains.escalating import EscalatingBrain
from edgeagent.datamodel import Observation
from edgeagent.errors import ConfigError
from edgeagent.evaluation.runner import load_eval_cases, run_tier, score_local
from edgeagent.factory import build_router, build_toolset
from edgeagent.policy import DeclarativePolicy
from tests.eval_cases import CASES, LOCAL, _local


def test_no_cloud_and_no_policy_is_the_local_brain_alone() -> None:
    local = _local()
    routing = build_router(local, None, None)
    assert routing.brain is local and routing.policy is None


def test_a_routed_brain_escalates_what_the_local_brain_is_unsure_of(case_file: Path) -> None:
    routing = build_router(_local(), f"replay:{case_file}", "default")
    assert isinstance(routing.brain, EscalatingBrain)
    assert isinstance(routing.policy, DeclarativePolicy)
    toolset = build_toolset(["smart_home"])
    sure = routing.brain.decide(Observation.of("switch on the garage light"), toolset)
    unsure = routing.brain.decide(Observation.of("tell me a joke"), toolset)  # 0.3: escalates
    assert sure.tier == "scripted-local" and sure.escalation is None
    assert unsure.tier == "cloud" and unsure.calls == ()  # the case file's answer: nothing
    esc = unsure.escalation
    assert esc is not None and (esc.trigger, esc.confidence, esc.needed, esc.cloud) == (
        "low_confidence",
        0.3,
        0.5,
        "answered",
    )
    routing.brain.close()


def test_a_missing_replay_file_or_policy_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="replay file not found"):
        build_router(_local(), f"replay:{tmp_path / 'nope.jsonl'}", None)
    with pytest.raises(ConfigError):
        build_router(_local(), None, tmp_path / "no-policy.yaml")


def test_score_local_scores_each_case_as_eval_does(case_file: Path) -> None:
    cases = load_eval_cases(case_file)
    scored = score_local(cases, _local())
    assert [s.confidence for s in scored] == [LOCAL[str(c["utterance"])][1] for c in CASES]
    # right: the garage light (already on, so nothing changes, but it is the call asked
    # for) and "does nothing" on the capital of France; the others are wrong
    assert [s.local_correct for s in scored] == [True, False, False, True, False, False]
    assert scored == [
        score_local([case], _local())[0] for case in cases
    ]  # each in its own fresh world, whatever came before
    assert [s.local_correct for s in scored] == [run_tier(_local(), c)[0].correct for c in cases]
