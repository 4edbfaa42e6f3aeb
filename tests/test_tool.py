from typing import Annotated, Literal

import pytest
from pydantic import Field

from edgeagent import Risk, Toolkit, ToolRegistry, tool
from edgeagent.errors import ToolArgumentError, ToolDefinitionError, UnknownNameError
from edgeagent.tool import Vocab, parse_docstring


@tool
def set_volume(level: Annotated[int, Field(ge=0, le=100)], room: str | None = None) -> str:
    """Set the speaker volume.

    Args:
        level: volume in percent
        room: which room's speaker
    """
    return f"{room or 'all'}={level}"


def test_schema_comes_from_hints_and_docstring() -> None:
    assert set_volume.name == "set_volume"
    assert set_volume.description == "Set the speaker volume."
    schema = set_volume.json_schema()
    assert schema["properties"]["level"]["description"] == "volume in percent"
    assert schema["required"] == ["level"]
    level, room = set_volume.params
    assert (level.type, level.required, level.minimum, level.maximum) == ("integer", True, 0, 100)
    assert (room.type, room.required) == ("string", False)


def test_arguments_are_validated() -> None:
    assert set_volume(level="30") == "all=30"  # lax coercion of numeric strings
    with pytest.raises(ToolArgumentError, match="level"):
        set_volume.invoke({"level": 300})
    with pytest.raises(ToolArgumentError, match="Extra inputs"):
        set_volume.invoke({"level": 3, "colour": "red"})
    with pytest.raises(ToolArgumentError):
        set_volume.invoke({})


def test_missing_hint_is_a_definition_error() -> None:
    with pytest.raises(ToolDefinitionError, match="type hint"):

        @tool
        def bad(x):  # type: ignore[no-untyped-def]
            return x


def test_literal_and_vocab_parameters() -> None:
    @tool(risk=Risk.PHYSICAL)
    def move(
        direction: Literal["left", "right"], target: Annotated[str, Vocab("object", extra=("me",))]
    ) -> str:
        """Move."""
        return direction

    direction, target = move.params
    assert direction.choices == ("left", "right")
    assert move.invoke({"direction": " LEFT", "target": "x"}) == "left"
    assert target.vocab == Vocab("object", ("me",), False)
    assert move.risk is Risk.PHYSICAL


def test_docstring_parser_handles_types_and_continuations() -> None:
    text, args = parse_docstring(
        """Do a thing.

        More detail here.

        Args:
            a (int): first
                continued
            b: second

        Returns:
            nothing
        """
    )
    assert text == "Do a thing."
    assert args == {"a": "first continued", "b": "second"}


def test_toolkit_methods_bind_to_the_instance(lamp_kit) -> None:  # type: ignore[no-untyped-def]
    names = [t.name for t in lamp_kit.tools()]
    assert names == ["turn_on", "turn_off", "count_on", "unlock"]
    lamp_kit.tools()[0].invoke({"name": "desk lamp"})
    assert lamp_kit.world.lamps["Desk Lamp"] == "on"


def test_registry_reports_close_matches(lamp_kit) -> None:  # type: ignore[no-untyped-def]
    reg = ToolRegistry()
    reg.register(lamp_kit)
    with pytest.raises(UnknownNameError) as info:
        reg.get("turn_onn")
    assert "turn_on" in info.value.suggestions
    assert "did you mean 'turn_on'" in str(info.value)


def test_registry_loads_first_party_toolkits_through_entry_points() -> None:
    reg = ToolRegistry()
    assert {"smart_home", "robot"} <= set(reg.plugins.names())
    with pytest.raises(UnknownNameError, match="smart_home"):
        reg.load_toolkit("smart_hom")


def test_toolkit_risk_of_call_defaults_to_the_tool_risk(lamp_kit) -> None:  # type: ignore[no-untyped-def]
    unlock = next(t for t in lamp_kit.tools() if t.name == "unlock")
    assert unlock.risk_of({}) is Risk.SECURITY

    class Kit(Toolkit):
        @tool(risk=Risk.REVERSIBLE)
        def open(self, what: str) -> str:
            """Open something."""
            return what

        def risk_of_call(self, t, args):  # type: ignore[no-untyped-def]
            return Risk.SECURITY if args.get("what") == "door" else t.risk

    (opener,) = Kit().tools()
    assert opener.risk_of({"what": "door"}) is Risk.SECURITY
    assert opener.risk_of({"what": "window"}) is Risk.REVERSIBLE
