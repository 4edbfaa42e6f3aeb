from langchain_core.tools import StructuredTool
from langchain_core.tools import tool as lc_tool

from edgeagent import Agent, Risk, ToolCall, ToolRegistry
from edgeagent.integrations.langchain import from_langchain, to_langchain
from edgeagent.testing import ScriptedBrain


@lc_tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


def test_a_langchain_tool_is_usable_by_the_agent(lamp_kit) -> None:  # type: ignore[no-untyped-def]
    reg = ToolRegistry()
    reg.register(lamp_kit)
    reg.register(multiply)  # any BaseTool registers directly
    wrapped = reg.get("multiply")
    assert wrapped.risk is Risk.REVERSIBLE
    assert [p.name for p in wrapped.params] == ["a", "b"]
    brain = ScriptedBrain([ToolCall(tool="multiply", args={"a": 6, "b": "7"})])
    step = Agent(brain, reg.toolset()).step("what is six times seven")
    assert step.results[0].output == 42


def test_an_edgeagent_tool_exports_to_langchain(lamp_kit) -> None:  # type: ignore[no-untyped-def]
    turn_on = lamp_kit.tools()[0]
    exported = to_langchain(turn_on)
    assert isinstance(exported, StructuredTool)
    assert exported.name == "turn_on"
    assert exported.description == "Turn a lamp on."
    assert exported.args["name"]["description"] == "the lamp's name"
    assert exported.invoke({"name": "Desk Lamp"}) == {"speech": "Desk Lamp is on"}
    assert lamp_kit.world.lamps["Desk Lamp"] == "on"
    assert exported.metadata == {"risk": "reversible", "needs_confirmation": False}


def test_round_trip_keeps_the_schema() -> None:
    back = from_langchain(to_langchain(from_langchain(multiply, risk=Risk.READ_ONLY)))
    assert back.invoke({"a": 2, "b": 3}) == 6
    assert back.json_schema()["required"] == ["a", "b"]
