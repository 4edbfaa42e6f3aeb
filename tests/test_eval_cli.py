"""`edgeagent eval` end to end: files written, figures printed, resume, and the real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgeagent.cli import app
from edgeagent.evaluation import command
from tests.eval_cases import _local

runner = CliRunner()

KEYS = {
    "cases",
    "local_accuracy",
    "cloud_accuracy",
    "routed_accuracy",
    "offload_rate",
    "threshold",
    "latency_ms",
    "curve",
    "auc",
    "apgr",
    "cpt50",
    "cpt80",
    "auroc",
    "ece",
    "per_tool",
    "brain",
    "model",
    "cloud",
}


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(command, "_build_local", lambda *args: _local(seen))
    return seen


def test_eval_writes_results_report_and_plots(
    case_file: Path, tmp_path: Path, scripted: list[str]
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["eval", str(case_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert set(results) >= KEYS
    # c1, c4 right locally (2/6: c5 calls a tool where none is asked for); c3 (confidence
    # 0.3) escalates and the cloud fixes it
    assert results["cases"] == 6
    assert results["local_accuracy"] == pytest.approx(2 / 6, abs=1e-4)
    assert results["routed_accuracy"] == pytest.approx(3 / 6, abs=1e-4)
    assert results["offload_rate"] == pytest.approx(1 / 6, abs=1e-4)
    # four cases expect no action: locally c3, c5 and c6 act (c3 and c6 change the home)
    assert results["no_action_cases"] == 4
    assert results["false_action_rate"]["local"] == pytest.approx(3 / 4)
    assert results["false_change_rate"]["local"] == pytest.approx(2 / 4)
    assert results["false_change_rate"]["routed"] == pytest.approx(1 / 4)  # c3 went to the cloud
    assert results["cloud"] == "replay:cases.jsonl" and results["brain"] == "scripted-local"
    for name in ("report.md", "offload_curve.png", "reliability.png", "latency.png"):
        assert (out / name).stat().st_size > 0
    assert "routed" in result.output and "APGR" in result.output


def test_eval_resumes_and_refuses_other_settings(
    case_file: Path, tmp_path: Path, scripted: list[str]
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["eval", str(case_file), "--out", str(out)]).exit_code == 0
    scripted.clear()
    again = runner.invoke(app, ["eval", str(case_file), "--out", str(out)])
    assert again.exit_code == 0 and scripted == []  # nothing evaluated twice
    other = runner.invoke(app, ["eval", str(case_file), "--out", str(out), "--seed", "3"])
    assert other.exit_code == 2 and "--restart" in other.output
    fresh = runner.invoke(app, ["eval", str(case_file), "--out", str(out), "--restart"])
    assert fresh.exit_code == 0 and len(scripted) == 6


def test_eval_reports_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and "not found" in result.output


@pytest.mark.model
def test_eval_with_the_default_brain(data_dir: Path, tmp_path: Path) -> None:
    """The default local brain for the robot world: the encoder student (student extra)."""
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["eval", str(data_dir / "robot" / "dev.jsonl"), "--limit", "3", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert results["cases"] == 3 and results["brain"] == "encoder:encoder-q8_0"
    assert results["cloud_accuracy"] > 0.5  # the replayed labels validate in the robot world
    assert len((out / "records.jsonl").read_text().splitlines()) == 3


def test_eval_takes_several_files_in_one_run(
    case_file: Path, tmp_path: Path, scripted: list[str]
) -> None:
    other = tmp_path / "more.jsonl"
    rows = [json.loads(line) for line in case_file.read_text().splitlines()]
    other.write_text("".join(json.dumps({**r, "id": "more-" + r["id"]}) + "\n" for r in rows))
    out = tmp_path / "out"
    result = runner.invoke(app, ["eval", str(case_file), str(other), "--out", str(out)])
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert results["cases"] == 12 and len(scripted) == 12
    dup = runner.invoke(app, ["eval", str(case_file), str(case_file), "--out", str(tmp_path / "x")])
    assert dup.exit_code == 2 and "twice" in dup.output
