"""A user's own toolkit, from sentence files to a registered student that `run` picks: the
greenhouse example (examples/greenhouse), end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgeagent import ToolCall
from edgeagent.cli import app
from edgeagent.errors import ConfigError, ToolArgumentError
from edgeagent.toolset import Toolset

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "greenhouse"


@pytest.fixture
def greenhouse(monkeypatch: pytest.MonkeyPatch) -> type:
    """The example toolkit, importable and known by name (as $EDGEAGENT_TOOLKITS makes it)."""
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.setenv(
        "EDGEAGENT_TOOLKITS", json.dumps({"greenhouse": "greenhouse:GreenhouseToolkit"})
    )
    from greenhouse import GreenhouseToolkit

    return GreenhouseToolkit


def test_synonyms_validate_to_the_worlds_names(greenhouse: type) -> None:
    kit = greenhouse()
    tools = Toolset(kit.tools(), [kit.world])
    call = tools.validate_call(
        ToolCall(tool="water_zone", args={"zone": "the tomato patch", "minutes": 5})
    )
    assert call.args == {"zone": "Tomato Bed", "minutes": 5}
    assert "cukes" in tools.allowed_values(kit.water_zone.param("zone"))  # brains may say them
    with pytest.raises(ToolArgumentError, match="did you mean"):
        tools.validate_call(ToolCall(tool="water_zone", args={"zone": "tomato bde"}))


def test_sentence_files_give_valid_labelled_requests(greenhouse: type) -> None:
    kit = greenhouse()
    tools = Toolset(kit.tools(), [kit.world])
    cases = kit.training_cases(400, seed=2, noise=0.2)
    assert {c.suite for c in cases} == {"greenhouse"}
    assert {e.tool for c in cases for e in c.expected} == set(tools.names)
    assert sum(not c.expected for c in cases) > 20  # out of scope: nothing to do
    for case in cases:
        for call in case.expected:
            tools.validate_call(ToolCall(tool=call.tool, args=call.args))


def test_a_toolkit_without_sentence_files_says_what_to_do(lamp_kit) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        ConfigError, match=r"no sentence files: write how people ask .* sentences/\*\.yaml"
    ):
        lamp_kit.training_cases(10)


def test_distill_a_world_then_run_picks_its_student(
    greenhouse: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["distill", "--world", "greenhouse", "--generated", "400", "--steps", "30", "--batch", "8"],
    )
    assert result.exit_code == 0, result.output
    from edgeagent.students import read_manifest, user_student_folder

    folder = user_student_folder(["greenhouse"])
    manifest = read_manifest(folder)
    assert manifest.kind == "encoder" and manifest.toolkits == ["greenhouse"]
    assert manifest.training["held_aside"] > 0 and manifest.calibration["fitted_on"]["cases"] > 0
    requests = tmp_path / "requests.txt"
    requests.write_text("water the tomatoes for 10 minutes\nwhat's the weather tomorrow\n")
    monkeypatch.setenv("EDGEAGENT_DB", str(tmp_path / "log.db"))
    run = runner.invoke(app, ["run", "--world", "greenhouse", "--input", str(requests), "--json"])
    assert run.exit_code == 0, run.output
    assert f"student in {folder}" in " ".join(run.stderr.split())  # which brain, and from where
    steps = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")] or [
        json.loads(run.stdout)
    ]
    assert steps[0]["decision"]["brain"].startswith("encoder:greenhouse")


@pytest.mark.parametrize(
    ("folder", "says"),
    [
        # the torch form: its heads have no place for the greenhouse's tools
        ("encoder-torch", ["heads have no place for", "leave out --init"]),
        # the exported form cannot be trained on: it names the folder it came from
        ("encoder", ["no torch weights", "encoder-torch"]),
    ],
)
def test_continuing_a_shipped_student_for_other_tools_is_refused_clearly(
    greenhouse: type, folder: str, says: list[str]
) -> None:
    from edgeagent.students import bundled

    result = CliRunner().invoke(
        app,
        ["distill", "--world", "greenhouse", "--generated", "60", "--steps", "2",
         "--init", str(bundled(folder)), "--out", "/tmp/never"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert all(text in result.output for text in says), result.output


def test_too_few_examples_is_refused_clearly(greenhouse: type, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["distill", "--world", "greenhouse", "--generated", "12", "--steps", "2",
         "--out", str(tmp_path / "s")],
    )  # fmt: skip
    assert (
        result.exit_code == 2
        and "training examples" in result.output
        and "--generated" in result.output
    )


def test_a_cloud_teacher_rewords_drawn_requests_and_labels_them(greenhouse: type) -> None:
    """--paraphrases: the cloud rewords a drawn request, then decides the rewording itself."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from edgeagent.brains.cloud import CloudBrain
    from edgeagent.students.data import paraphrase_with_teacher

    class Fake(GenericFakeChatModel):
        def bind_tools(self, tools, **kwargs):  # type: ignore[no-untyped-def,override]
            return self

    water = {"name": "water_zone", "args": {"zone": "tomatoes", "minutes": 5}, "id": "1"}
    replies = [
        AIMessage(
            content="1. give the tomato plants a quick drink\n2. - water the tomatoes briefly"
        ),
        AIMessage(content="", tool_calls=[water]),
        AIMessage(content="", tool_calls=[water]),
    ]
    teacher = CloudBrain(Fake(messages=iter(replies)), name="cloud:fake")
    drawn = [c for c in greenhouse().training_cases(50, seed=1) if c.family.endswith(".water")][:1]
    (a, b) = paraphrase_with_teacher(drawn, teacher, 1)
    assert [a.utterance, b.utterance] == [
        "give the tomato plants a quick drink",
        "water the tomatoes briefly",
    ]
    assert a.expected[0].args == {"zone": "Tomato Bed", "minutes": 5}  # its label, validated
    assert a.family == f"paraphrase.{drawn[0].family}"
