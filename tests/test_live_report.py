"""The live report (``edgeagent report``) on a hand-made decision log with known figures."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from edgeagent import Decision, Observation, ToolCall
from edgeagent.cli import app
from edgeagent.datamodel import ActionResult, Escalation, StepResult, TokenUsage
from edgeagent.errors import ConfigError
from edgeagent.evaluation.live import (
    LiveReport,
    live_report,
    parse_since,
    render,
    trigger_group,
    write_live_report,
)
from edgeagent.telemetry import Telemetry

T0 = 1_700_006_400.0  # 2023-11-15 00:00 UTC, a whole hour in every whole-hour time zone
MIN = 60.0
ON = ToolCall(tool="turn_on", args={"name": "Desk Lamp"})
OFF = ToolCall(tool="turn_off", args={"name": "Bedroom Lamp"})
UNLOCK = ToolCall(tool="unlock", args={})


def _esc(**fields: object) -> dict[str, object]:
    """A decision's escalation fields: the structured record and the sentence it makes."""
    escalation = Escalation.model_validate({"tier": "student", **fields})
    return {"escalation": escalation, "escalation_reason": escalation.describe()}


# (minutes after T0, decision, results) — the figures below are computed by hand from these
LOG: list[tuple[float, Decision, tuple[ActionResult, ...]]] = [
    (0, Decision.act(ON, tier="student", confidence=0.9, latency_ms=10, local_confidence=0.9,
                     tokens=TokenUsage(prompt=50, completion=5)), ()),
    (10, Decision.act(ON, tier="student", confidence=0.8, latency_ms=20, local_confidence=0.8), ()),
    (20, Decision.noop(tier="student", confidence=0.95, latency_ms=30, local_confidence=0.95), ()),
    (70, Decision.act(OFF, tier="cloud", brain="cloud:fake", confidence=1.0, latency_ms=400,
                      escalated=True, local_confidence=0.3,
                      **_esc(trigger="low_confidence", confidence=0.3, needed=0.5,
                             rule="threshold", cloud="answered"),
                      tokens=TokenUsage(prompt=100, completion=20)), ()),
    (80, Decision.act(UNLOCK, tier="cloud", brain="cloud:fake", latency_ms=600, escalated=True,
                      local_confidence=0.05,
                      **_esc(trigger="invalid_output", detail="unknown tool 'explode'",
                             cloud="answered"),
                      tokens=TokenUsage(prompt=120, completion=30)), ()),
    (130, Decision.act(ON, tier="student", confidence=0.85, latency_ms=200, local_confidence=0.85,
                       escalated=True,
                       **_esc(trigger="always_cloud", rule="tool", cloud="failed",
                              detail="turn_on always goes to the cloud", cloud_error="timeout",
                              fallback="local",
                              fallback_detail="acted locally at 0.85 >= floor 0.80")),
     (ActionResult(call=ON, ok=False, error="Desk Lamp is unreachable"),)),
    (140, Decision(kind="answer", answer="I changed nothing.", tier="none", brain="escalating",
                   confidence=0.4, latency_ms=5, escalated=True, local_confidence=0.4,
                   **_esc(trigger="low_confidence", confidence=0.4, needed=0.7,
                          rule="unlock, security", cloud="no_cloud", fallback="no_change",
                          fallback_detail="local confidence 0.40 < floor 0.80")), ()),
    (150, Decision.invalid("unknown tool 'explode'", tier="student", confidence=0.0,
                           latency_ms=50, local_confidence=0.0), ()),
]  # fmt: skip


def _record(log: Telemetry, decision: Decision, results: tuple[ActionResult, ...] = ()) -> int:
    step = StepResult(observation=Observation.of("lamp"), decision=decision, results=results)
    return log.record(step)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "state" / "decisions.db"
    with Telemetry(path, session="test") as log:
        ids = [(T0 + minutes * MIN, _record(log, d, res)) for minutes, d, res in LOG]
    with sqlite3.connect(path) as con:
        con.executemany("UPDATE decisions SET ts = ? WHERE id = ?", ids)
    return path


def test_totals_latency_and_tokens(db: Path) -> None:
    r = live_report(db)
    t = r.totals
    assert (t.decisions, t.sessions, t.local) == (8, 1, 5)
    # rows 4, 5, 7 carry the flag; row 6 reached for the cloud, which failed, then acted locally
    assert (t.escalated, t.offload_rate) == (4, 0.5)
    assert (t.cloud_answered, t.cloud_rate) == (2, 0.25)
    assert (t.cloud_unavailable, t.fell_back_local, t.no_change) == (2, 1, 1)
    assert (t.invalid, t.errors) == (1, 1)
    assert (t.prompt_tokens, t.completion_tokens) == (270, 55)
    assert (t.cloud_prompt_tokens, t.cloud_completion_tokens) == (220, 50)
    # latencies sorted: 5 10 20 30 50 200 400 600
    assert r.latency.p50_ms == pytest.approx(40.0)
    assert r.latency.p95_ms == pytest.approx(530.0)
    assert r.latency.mean_ms == pytest.approx(1315 / 8)
    assert r.latency.max_ms == 600
    assert (r.first_ts, r.last_ts) == (T0, T0 + 150 * MIN)


def test_per_tier(db: Path) -> None:
    tiers = {s.tier: s for s in live_report(db).tiers}
    assert [s.tier for s in live_report(db).tiers] == ["student", "cloud", "none"]
    student, cloud, none = tiers["student"], tiers["cloud"], tiers["none"]
    assert (student.decisions, student.share) == (5, 0.625)
    assert student.mean_confidence == pytest.approx(0.7)
    assert student.latency.p50_ms == 30  # 10 20 30 50 200
    assert student.latency.p95_ms == pytest.approx(170.0)
    assert (cloud.decisions, cloud.share, cloud.mean_confidence) == (2, 0.25, 1.0)
    assert cloud.latency.p50_ms == 500 and cloud.latency.p95_ms == pytest.approx(590.0)
    assert (cloud.prompt_tokens, cloud.completion_tokens) == (220, 50)
    assert (none.decisions, none.latency.p50_ms, none.latency.p95_ms) == (1, 5, 5)


def test_per_tool_uses_the_first_call(db: Path) -> None:
    tools = live_report(db).tools
    assert [u.tool for u in tools] == ["(no action)", "turn_on", "turn_off", "unlock"]
    no_action, turn_on, turn_off, unlock = tools
    assert (no_action.decisions, no_action.offload_rate, no_action.error_rate) == (3, 1 / 3, 0)
    assert no_action.latency_p50_ms == 30  # 5 30 50
    assert (turn_on.decisions, turn_on.offload_rate, turn_on.error_rate) == (3, 1 / 3, 1 / 3)
    assert turn_on.latency_p50_ms == 20  # 10 20 200
    assert (turn_off.decisions, turn_off.offload_rate, turn_off.latency_p50_ms) == (1, 1.0, 400)
    assert (unlock.decisions, unlock.offload_rate, unlock.latency_p50_ms) == (1, 1.0, 600)


def test_buckets_given_and_automatic(db: Path) -> None:
    hourly = live_report(db, bucket="1h")
    assert hourly.bucket_s == 3600
    got = [(b.start, b.decisions, b.escalated, b.cloud_answered) for b in hourly.buckets]
    assert got == [(T0, 3, 0, 0), (T0 + 3600, 2, 2, 2), (T0 + 7200, 3, 2, 0)]
    assert [b.offload_rate for b in hourly.buckets] == [0.0, 1.0, pytest.approx(2 / 3)]
    assert all(b.end - b.start == 3600 for b in hourly.buckets)
    # 150 minutes of data: 5-minute buckets are the first to give at most 48 of them
    auto = live_report(db)
    assert auto.bucket_s == 300
    assert [b.decisions for b in auto.buckets] == [1] * 8
    # a 7-day window: 3-hour buckets would be 56, 6-hour buckets are 28
    week = live_report(db, since=T0 - 6 * 86400, until=T0 + 86400)
    assert week.bucket_s == 6 * 3600


def test_confidence_histogram_of_local_confidences(db: Path) -> None:
    hist = live_report(db).confidence
    assert hist.edges[0] == 0.0 and hist.edges[-1] == 1.0 and len(hist.edges) == 11
    # 0.9 0.8 0.95 | 0.3* 0.05* (cloud) | 0.85* | 0.4* (none) | 0.0   (* escalated)
    assert hist.counts == [2, 0, 0, 1, 1, 0, 0, 0, 2, 2]
    assert hist.escalated == [1, 0, 0, 1, 1, 0, 0, 0, 1, 0]


def test_escalation_reasons_are_grouped(db: Path) -> None:
    r = live_report(db)
    assert [(g.reason, g.count, g.share) for g in r.reasons] == [
        ("always cloud: tool", 1, 0.25),
        ("confidence below a tool/risk threshold", 1, 0.25),
        ("confidence below threshold", 1, 0.25),
        ("invalid local output", 1, 0.25),
    ]
    assert [(g.reason, g.count) for g in r.cloud_outcomes] == [
        ("cloud answered", 2),
        ("offline: cloud call failed → acted locally", 1),
        ("offline: no cloud configured → no change", 1),
    ]
    assert trigger_group("always_cloud", "multi-step plan") == "always cloud: multi-step plan"
    assert trigger_group(None, escalated=False) is None
    assert trigger_group(None) == "(not recorded)"  # a log from before the columns


def test_since_and_until_filter_the_window(db: Path) -> None:
    late = live_report(db, since=T0 + 60 * MIN)
    assert (late.totals.decisions, late.totals.escalated, late.totals.offload_rate) == (5, 4, 0.8)
    assert late.since == T0 + 60 * MIN
    early = live_report(db, until=T0 + 60 * MIN)  # until is exclusive
    assert (early.totals.decisions, early.totals.offload_rate) == (3, 0.0)
    assert live_report(db, since=T0 + 70 * MIN, until=T0 + 80 * MIN).totals.decisions == 1
    with pytest.raises(ConfigError, match="before"):
        live_report(db, since=T0, until=T0)


def test_an_empty_window_is_a_report_without_decisions(db: Path, tmp_path: Path) -> None:
    r = live_report(db, since=T0 + 86400)
    assert r.totals.decisions == 0 and r.totals.offload_rate == 0.0
    assert (r.tiers, r.tools, r.buckets, r.reasons) == ([], [], [], [])
    assert r.confidence.counts == [0] * 10 and r.latency.p50_ms is None
    paths = write_live_report(r, tmp_path / "empty")
    assert all(p.stat().st_size > 0 for p in paths)
    console = Console(record=True, width=120)
    render(r, console)
    assert "no decisions in this window" in console.export_text()


def test_errors_for_missing_or_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no decision log"):
        live_report(tmp_path / "nope.db")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    with pytest.raises(ConfigError, match="not an edgeagent decision log"):
        live_report(other)
    with pytest.raises(ConfigError, match="duration"):
        live_report(other, bucket="soon")


def test_reads_read_only_even_while_an_agent_is_writing(db: Path) -> None:
    before = db.read_bytes()
    assert live_report(db).totals.decisions == 8
    assert db.read_bytes() == before
    with Telemetry(db, session="live") as log:
        _record(log, Decision.noop(tier="student", confidence=0.7))
        r = live_report(db)  # the writer's WAL is not checkpointed yet
        assert (r.totals.decisions, r.totals.sessions) == (9, 2)
    assert live_report(db, until=T0 + 86400).totals.decisions == 8


def test_parse_since() -> None:
    now = 1_000_000.0
    assert parse_since("30m", now) == now - 1800
    assert parse_since("24h", now) == now - 86400
    assert parse_since("7d", now) == now - 7 * 86400
    assert parse_since("90s", now) == now - 90
    assert parse_since("now", now) == now
    assert parse_since("2023-11-15T00:00:00+00:00", now) == T0
    assert parse_since("2023-11-15T00:00Z", now) == T0
    assert parse_since("2023-11-15", now) == datetime(2023, 11, 15).timestamp()  # local time
    for bad in ("yesterday", "30", "", "-5m", "0m"):
        with pytest.raises(ConfigError):
            parse_since(bad, now)


def test_files_and_rendering(db: Path, tmp_path: Path) -> None:
    r = live_report(db, bucket=3600)
    paths = write_live_report(r, tmp_path / "out")
    names = [p.name for p in paths]
    assert names == [
        "report.json", "report.md",
        "offload_over_time.png", "confidence_hist.png", "latency_by_tier.png",
    ]  # fmt: skip
    assert LiveReport.model_validate_json(paths[0].read_text()) == r
    md = paths[1].read_text()
    assert "| student | 5 | 62.5% |" in md and "![confidence_hist](confidence_hist.png)" in md
    for png in paths[2:]:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    console = Console(record=True, width=160)
    render(r, console)
    text = console.export_text()
    for needle in ("50.0% (4 escalated)", "per tier", "turn_on", "invalid local output"):
        assert needle in text


def test_files_without_matplotlib(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "matplotlib" else real(n, *a)
    )
    paths = write_live_report(live_report(db, bucket=3600), tmp_path / "out")
    assert [p.name for p in paths] == ["report.json", "report.md"]
    md = paths[1].read_text()
    assert "edgeagent[plots]" in md and ".png" not in md and "| student | 5 |" in md


def test_cli_report_json_and_out(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["report", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["totals"]["decisions"] == 8 and payload["totals"]["offload_rate"] == 0.5

    out = tmp_path / "figs"
    since = "2023-11-15T01:00:00+00:00"
    result = runner.invoke(app, ["report", "--db", str(db), "--since", since, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stdout and "offload rate" in result.stdout
    assert json.loads((out / "report.json").read_text())["totals"]["decisions"] == 5
    assert (out / "offload_over_time.png").is_file()

    result = runner.invoke(app, ["report", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 2 and "no decision log" in result.output
    result = runner.invoke(app, ["report", "--db", str(db), "--since", "last week"])
    assert result.exit_code == 2 and "invalid time" in result.output


def test_unfamiliarity_is_reported_where_brains_measure_it(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    with Telemetry(path) as log:
        for u, escalated in ((0.05, False), (0.15, False), (0.95, True)):
            _record(log, Decision.noop(unfamiliarity=u, escalated=escalated, local_confidence=0.5))
        _record(log, Decision.noop())  # a brain that does not measure it
    report = live_report(path)
    assert report.unfamiliarity.counts == [1, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert report.unfamiliarity.escalated == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    out = tmp_path / "out"
    write_live_report(report, out)
    assert "## Local unfamiliarity" in (out / "report.md").read_text()
