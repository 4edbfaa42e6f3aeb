"""`edgeagent run` on its defaults (the shipped encoder student over the simulated home, the
`student` extra being installed for the tests), and the GGUF student without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgeagent import Agent
from edgeagent.cli import app
from edgeagent.factory import build_local_brain, build_toolset

KITCHEN_LIGHTS = {"light.kitchen_countertop", "light.kitchen_ceiling", "light.kitchen_cabinets"}


def _steps(stdout: str) -> list[dict[str, object]]:
    decoder, steps, text = json.JSONDecoder(), [], stdout.lstrip()
    while text:
        step, end = decoder.raw_decode(text)
        steps.append(step)
        text = text[end:].lstrip()
    return steps


@pytest.mark.model
def test_run_calls_hass_turn_on_and_ignores_out_of_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDGEAGENT_DB", str(tmp_path / "decisions.db"))
    requests = tmp_path / "requests.txt"
    requests.write_text("turn on the kitchen light\nwhat is the capital of france\n")
    result = CliRunner().invoke(app, ["run", "--input", str(requests), "--json"])
    assert result.exit_code == 0, result.output
    on, elsewhere = _steps(result.stdout)
    assert on["decision"]["brain"] == "encoder:encoder-q8_0"  # type: ignore[index]
    assert [c["tool"] for c in on["decision"]["calls"]] == ["HassTurnOn"]  # type: ignore[index]
    assert all(r["ok"] for r in on["results"])  # type: ignore[union-attr]
    assert elsewhere["changes"] == {} and elsewhere["results"] == []


@pytest.mark.model
@pytest.mark.parametrize("brain", [None, "student"])
def test_the_default_brains_switch_the_kitchen_lights_on(brain: str | None) -> None:
    """The default (encoder student) and the GGUF student (the default without torch)."""
    toolset = build_toolset(["smart_home"])
    toolset.get("HassTurnOff").invoke({"area": "Kitchen", "domain": "light"})  # start dark
    agent = Agent(build_local_brain(brain, suites=["smart_home"]), toolset)
    step = agent.step("turn on the kitchen light")
    turned_on = {k.removesuffix(".state") for k, (_, new) in step.changes.items() if new == "on"}  # type: ignore[misc]
    assert turned_on == KITCHEN_LIGHTS
    agent.brain.close()
