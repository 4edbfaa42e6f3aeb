"""A teacher brain labels unlabelled requests for distillation; its invalid decisions are
dropped, never learned."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from edgeagent.cli import app
from edgeagent.datamodel import Observation, ToolCall
from edgeagent.students.data import label_with_teacher
from edgeagent.testing import FunctionBrain
from edgeagent.toolset import Toolset


def _teacher(obs: Observation, toolset: Toolset) -> ToolCall | None:
    words = obs.utterance or ""
    if "kitchen" in words:
        return ToolCall(tool="HassTurnOn", args={"area": "kitchen", "domain": "light"})
    if "attic" in words:
        return ToolCall(tool="HassTurnOn", args={"area": "Attic"})  # no such area: invalid
    return None


def test_valid_teacher_decisions_become_cases(tmp_path: Path) -> None:
    source = tmp_path / "requests.txt"
    source.write_text(
        "kitchen lights on please\nlights in the attic\nwhat's the capital of france\n"
    )
    cases, dropped = label_with_teacher(source, FunctionBrain(_teacher), "smart_home")
    assert dropped == 1
    assert [(c.utterance, [e.model_dump() for e in c.expected]) for c in cases] == [
        ("kitchen lights on please", [{"tool": "HassTurnOn", "args": {"area": "Kitchen", "domain": "light"}}]),
        ("what's the capital of france", []),
    ]  # fmt: skip
    assert all(c.suite == "smart_home" for c in cases)


def test_distill_needs_both_utterances_and_teacher(tmp_path: Path) -> None:
    source = tmp_path / "requests.txt"
    source.write_text("kitchen lights on\n")
    result = CliRunner().invoke(
        app, ["distill", "--utterances", str(source), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "--utterances and --teacher go together" in result.output
