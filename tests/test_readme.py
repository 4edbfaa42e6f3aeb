"""The README's custom-tool example runs as written, with the real model."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_gives_exactly_two_shell_commands() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) == 2
    assert "edgeagent run" in blocks[0] and "pytest" in blocks[1]


@pytest.mark.model
def test_custom_tool_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    (code,) = python_blocks()
    namespace: dict[str, object] = {}
    exec(compile(code, str(README), "exec"), namespace)
    agent = namespace["agent"]
    step = agent.step("water the front lawn for 10 minutes")  # type: ignore[attr-defined]
    assert step.decision.kind in {"act", "noop"}
    if step.decision.kind == "act":
        assert step.results[0].ok
        assert step.results[0].call.tool == "water_plants"
    lc_tool = namespace["lc_tool"]
    assert lc_tool.invoke({"zone": "roses", "minutes": 2}) == "watering roses for 2 min"  # type: ignore[attr-defined]
    assert "watering" in capsys.readouterr().out or step.decision.kind == "noop"
    agent.brain.close()  # type: ignore[attr-defined]
