"""The seams of the core: settings, the factory's checks, extras named in errors, old logs."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import tomllib

from edgeagent.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_every_extra_named_in_an_error_exists() -> None:
    """An error that says ``pip install 'edgeagent[x]'`` names an extra pyproject defines."""
    extras = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    )
    named: set[str] = set()
    for path in (REPO / "edgeagent").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"edgeagent\[(\w+)\]", text))
        named |= set(re.findall(r"MissingDependencyError\(\s*\"[^\"]+\",\s*\"(\w+)\"", text))
    named |= {"train"}  # edgeagent.students.training.TRAIN_EXTRA
    assert named and named <= extras, f"unknown extras: {named - extras}"


def test_no_module_shadows_the_standard_library() -> None:
    import sys

    stdlib = set(sys.stdlib_module_names)
    for path in (REPO / "edgeagent").rglob("*.py"):
        assert path.stem not in stdlib or path.stem == "__init__", path


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from edgeagent.settings import settings

    monkeypatch.setenv("EDGEAGENT_DB", str(tmp_path / "x.db"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("EDGEAGENT_CACHE", raising=False)
    s = settings()
    assert s.db_path == tmp_path / "x.db" and s.cache_dir == tmp_path / "cache" / "edgeagent"
    monkeypatch.setenv("EDGEAGENT_KV_CACHE_MB", "lots")
    with pytest.raises(ConfigError, match="EDGEAGENT_"):
        settings()


def test_a_brain_option_it_does_not_take_is_named_and_its_own_errors_pass_through() -> None:
    from edgeagent.factory import build_brain
    from edgeagent.registry import PluginRegistry

    def make(model_path: str | None = None) -> object:
        raise TypeError("a bug inside the brain")

    plugins: PluginRegistry[object] = PluginRegistry("none", "brain")
    plugins.register("mine", make)
    with pytest.raises(ConfigError, match="does not accept these options"):
        build_brain("mine", plugins=plugins, threads=2)
    with pytest.raises(TypeError, match="a bug inside the brain"):
        build_brain("mine", plugins=plugins)


def test_an_old_decision_log_is_migrated_and_reported(tmp_path: Path) -> None:
    """A log written before escalations were fields opens, gains the columns, and reports."""
    from edgeagent import Decision, Observation
    from edgeagent.datamodel import StepResult
    from edgeagent.evaluation.live import live_report
    from edgeagent.telemetry import _SCHEMA, Telemetry

    path = tmp_path / "old.db"
    old_schema = re.sub(r",\s*trigger TEXT.*?unfamiliarity REAL", "", _SCHEMA, flags=re.S)
    with sqlite3.connect(path) as db:
        db.executescript(old_schema)
        db.execute(
            "INSERT INTO decisions (ts, observation, brain, kind, confidence, escalated,"
            " escalation_reason, latency_ms, calls, results, errors, changes, decision)"
            " VALUES (1, '{}', 'old', 'noop', 0.2, 1, 'x: confidence 0.20 < 0.50', 3, '[]',"
            " '[]', '[]', '{}', '{}')"
        )
    with Telemetry(path) as log:
        log.record(
            StepResult(observation=Observation.of("hi"), decision=Decision.noop(brain="new"))
        )
    report = live_report(path)
    assert report.totals.decisions == 2
    assert [(r.reason, r.count) for r in report.reasons] == [("(not recorded)", 1)]
