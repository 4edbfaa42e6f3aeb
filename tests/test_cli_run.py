"""`edgeagent run` on its defaults (the shipped student over the simulated home)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgeagent.cli import app

KITCHEN_LIGHTS = {"light.kitchen_countertop", "light.kitchen_ceiling", "light.kitchen_cabinets"}


@pytest.mark.model
def test_run_turns_the_kitchen_light_on_and_ignores_out_of_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDGEAGENT_DB", str(tmp_path / "decisions.db"))
    requests = tmp_path / "requests.txt"
    # the kitchen lights start on: switch them off first so "on" has something to do
    requests.write_text(
        "turn off the kitchen light\nturn on the kitchen light\nwhat is the capital of france\n"
    )
    result = CliRunner().invoke(app, ["run", "--input", str(requests), "--json"])
    assert result.exit_code == 0, result.output
    decoder, steps, text = json.JSONDecoder(), [], result.stdout
    while text.strip():
        step, end = decoder.raw_decode(text.lstrip())
        steps.append(step)
        text = text.lstrip()[end:]
    off, on, elsewhere = steps
    assert off["decision"]["brain"].endswith("+student-lora")  # the shipped student decided
    assert [c["tool"] for c in on["decision"]["calls"]] == ["HassTurnOn"]
    turned_on = {k.removesuffix(".state") for k, (_, new) in on["changes"].items() if new == "on"}
    assert turned_on == KITCHEN_LIGHTS
    assert elsewhere["changes"] == {}
