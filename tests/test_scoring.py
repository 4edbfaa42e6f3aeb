import pytest

from edgeagent.datamodel import ToolCall
from edgeagent.scoring import calls_match


def tc(tool: str, **args: object) -> ToolCall:
    return ToolCall(tool=tool, args=args)  # type: ignore[arg-type]


E = [{"tool": "HassLightSet", "args": {"name": "Bedroom Lamp", "brightness": 50}}]


@pytest.mark.parametrize(
    ("predicted", "ok"),
    [
        ([tc("HassLightSet", name=" bedroom lamp ", brightness=50)], True),
        ([tc("HassLightSet", name="Bedroom Lamp", brightness=50.0)], True),
        ([tc("HassLightSet", name="Bedroom Lamp", brightness="50")], True),
        ([tc("HassLightSet", name="Bedroom Lamp", brightness=51)], False),
        ([tc("HassLightSet", name="Bedroom Lamp")], False),
        ([tc("HassLightSet", name="Bedroom Lamp", brightness=50, area="Bedroom")], False),
        ([tc("HassLightSet", name="Bedroom Lamp", brightness=50, area=None)], True),
        ([tc("HassTurnOn", name="Bedroom Lamp", brightness=50)], False),
        ([], False),
    ],
)
def test_exact(predicted: list[ToolCall], ok: bool) -> None:
    assert calls_match(E, predicted, "exact") is ok


def test_exact_lists_compare_as_sets_and_order_of_calls_matters() -> None:
    exp = [{"tool": "a", "args": {"x": ["p", "q"]}}, {"tool": "b", "args": {}}]
    assert calls_match(exp, [tc("a", x=["Q", "p"]), tc("b")])
    assert not calls_match(exp, [tc("b"), tc("a", x=["p", "q"])])


def test_empty_expectation_passes_only_without_calls() -> None:
    assert calls_match([], [])
    assert not calls_match([], [tc("HassTurnOn", name="x")])


def test_heads_and_tool_rules() -> None:
    exp = [{"tool": "bring", "args": {"object": "book", "to": "table"}}]
    assert calls_match(exp, [tc("bring", object="the red book", to="table", extra="x")], "heads")
    assert not calls_match(exp, [tc("bring", object="bookshelf", to="table")], "heads")
    assert calls_match(
        [{"tool": "set_power", "args": {"on": True}}], [tc("set_power", on=True)], "heads"
    )
    assert not calls_match(
        [{"tool": "set_power", "args": {"on": True}}], [tc("set_power", on=False)], "heads"
    )
    assert calls_match(exp, [tc("bring")], "tool")


def test_a_list_of_spellings_matches_a_single_value_as_a_set() -> None:
    exp = [{"tool": "HassPauseTimer", "args": {"name": ["pizza ", "pizza"]}}]
    assert calls_match(exp, [tc("HassPauseTimer", name="Pizza")])
    assert not calls_match(exp, [tc("HassPauseTimer", name="pasta")])
