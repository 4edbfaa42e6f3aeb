"""``edgeagent compress report``'s table and files, on measured rows (no model is loaded)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from edgeagent.compress.report import Variant, to_markdown, write_report
from edgeagent.students import bundled


def _row(variant: str, cold: float | None) -> dict[str, Any]:
    figures = {"cases": 10, "accuracy": 0.9, "invalid": 0, "p50_ms": 3.2, "p95_ms": 6.1}
    return {
        "variant": variant,
        "brain": f"encoder:{variant}",
        "size_mb": 24.6,
        "params_m": 22.7,
        "nonzero_params_m": 22.7,
        "cold_start_s": cold,
        "peak_rss_mb": 88.0,
        "files": {"smart_home/dev.jsonl": figures},
    }


def test_the_table_has_a_cold_start_column() -> None:
    md = to_markdown([_row("encoder", 0.41), _row("old", None)])
    head, _, first, second = md.splitlines()
    assert "cold start (s)" in head
    assert first == "| encoder | 22.7 | 24.6 | 88 | 0.41 | 90.0% | 3 | 6 |"
    assert "| – |" in second  # a row measured before cold starts were


def test_report_files_with_and_without_matplotlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [_row("encoder", 0.41)]
    written = write_report(rows, tmp_path / "with")
    assert [p.name for p in written] == ["report.json", "report.md", "pareto.png"]
    assert json.loads(written[0].read_text()) == rows
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "matplotlib" else real(n, *a)
    )
    written = write_report(rows, tmp_path / "without")
    assert [p.name for p in written] == ["report.json", "report.md"]
    md = written[1].read_text()
    assert "edgeagent[plots]" in md and "pareto.png" not in md and "cold start" in md


def test_shipped_students_are_named_by_their_folder() -> None:
    exported, torch_form = Variant.parse("encoder"), Variant.parse("encoder-torch@int8")
    assert exported.model == bundled("encoder") and exported.options == {}
    assert torch_form.model == bundled("encoder-torch") and torch_form.options == {"int8": True}
    assert exported.label == "encoder" and torch_form.label == "encoder-torch (int8 linear)"
    # what must be on disk: the exported folder carries everything, a LoRA needs its base
    assert {p.name for p in exported.files} == {
        "encoder-q8_0.gguf",
        "embeddings.npz",
        "heads.npz",
        "tokenizer.json",
        "unfamiliarity.npz",
    }
