"""The evaluation runner: fresh worlds, scoring by the case rules, routing flags, resuming."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeagent.datamodel import Observation
from edgeagent.errors import ConfigError
from edgeagent.evaluation.runner import (
    Evaluation,
    ReferenceBrain,
    load_eval_cases,
    read_records,
    select,
)
from edgeagent.policy import DeclarativePolicy, PolicyConfig
from edgeagent.testing import FunctionBrain
from tests.eval_cases import _local


def _evaluation(case_file: Path, out: Path, local: FunctionBrain, **meta: object) -> Evaluation:
    cases = load_eval_cases(case_file)
    policy = DeclarativePolicy(PolicyConfig(threshold=0.5, risk_thresholds={}))
    settings = {"cases_file": str(case_file), "brain": local.name, "seed": 0, **meta}
    return Evaluation(cases, local, ReferenceBrain(cases, "cases"), policy, out, settings)


def test_each_tier_is_scored_by_the_case_rules(case_file: Path, tmp_path: Path) -> None:
    run = _evaluation(case_file, tmp_path / "out", _local())
    records = {r.id: r for r in run.run(run.prepare())}
    assert [records[i].local.correct for i in ("c1", "c2", "c3", "c4", "c5")] == [
        True,
        False,
        False,  # turned the garage light off: an action no one asked for
        True,
        False,  # a query changes nothing, but a call where none is expected is still wrong
    ]
    assert records["c3"].local.changed and not records["c5"].local.changed
    # by effect: c1's light was on already either way; c5 read a light no one asked about
    assert [records[i].local.effect_correct for i in ("c1", "c2", "c3", "c4", "c5")] == [
        True,
        False,
        False,
        True,
        False,
    ]
    # the replayed labels are right everywhere, and an empty label changes nothing
    assert all(r.cloud.correct for r in records.values())
    assert records["c3"].cloud.kind == "noop"


def test_every_case_starts_in_a_fresh_world(case_file: Path, tmp_path: Path) -> None:
    """c3 and c6 both turn the garage light off: each finds it on."""
    run = _evaluation(case_file, tmp_path / "out", _local())
    records = {r.id: r for r in run.run(run.prepare())}
    assert records["c3"].local.changed and records["c6"].local.changed
    assert not records["c6"].local.correct


def test_escalation_follows_the_policy_threshold(case_file: Path, tmp_path: Path) -> None:
    run = _evaluation(case_file, tmp_path / "out", _local())
    records = {r.id: r for r in run.run(run.prepare())}
    assert {i for i, r in records.items() if r.escalated} == {"c3"}  # only 0.3 < 0.5
    assert records["c3"].escalation_reason == "scripted-local: confidence 0.30 < 0.50 (threshold)"
    assert records["c3"].routed.correct and not records["c2"].routed.correct


def test_an_interrupted_run_resumes_without_redoing_cases(case_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _evaluation(case_file, out, _local())
    it = run.run(run.prepare())
    next(it), next(it)
    it.close()  # like Ctrl-C after two cases
    with (out / "records.jsonl").open("a") as fh:
        fh.write('{"id": "c3", "suite": "smart')  # a line torn by the interruption
    assert len(read_records(out / "records.jsonl")) == 2

    seen: list[str] = []
    again = _evaluation(case_file, out, _local(seen))
    done = again.prepare()
    rest = list(again.run(done))
    assert [r.id for r in done] == ["c1", "c2"]
    assert seen == ["c3", "c4", "c5", "c6"] and [r.id for r in rest] == seen
    assert len(read_records(out / "records.jsonl")) == 6


def test_other_settings_refuse_to_resume_unless_restarted(case_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _evaluation(case_file, out, _local())
    list(run.run(run.prepare()))
    other = _evaluation(case_file, out, _local(), seed=1)
    with pytest.raises(ConfigError, match="seed"):
        other.prepare()
    assert other.prepare(restart=True) == []


def test_limit_takes_a_seeded_sample_in_file_order(case_file: Path) -> None:
    cases = load_eval_cases(case_file)
    a, b = select(cases, 3, seed=7), select(cases, 3, seed=7)
    assert [c.id for c in a] == [c.id for c in b]
    assert [c.id for c in a] == sorted(c.id for c in a)
    assert len(select(cases, None, 0)) == 6


def test_a_crashing_local_brain_is_a_wrong_answer(case_file: Path, tmp_path: Path) -> None:
    def boom(obs: Observation, toolset: object) -> object:
        raise RuntimeError("segfault in disguise")

    run = _evaluation(case_file, tmp_path / "out", FunctionBrain(boom, name="boom"))
    records = {r.id: r for r in run.run(run.prepare())}
    assert records["c1"].local.kind == "invalid" and not records["c1"].local.correct
    assert records["c1"].escalated  # invalid local output goes to the cloud
    assert records["c1"].routed.correct


def test_missing_case_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_eval_cases(tmp_path / "nope.jsonl")
