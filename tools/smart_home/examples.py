"""Worked examples for prompts, written from Home Assistant's intent semantics.

They show the conventions a model cannot guess from the schemas alone: the speaker's area
becomes ``area``, locking is turning on, covers are named by ``domain`` + ``device_class``,
binary sensors are asked about with their raw ``on``/``off`` state. Examples whose names the
current home lacks are dropped (see :meth:`SmartHomeToolkit.examples`).
"""

from __future__ import annotations

from typing import Any

from edgeagent.datamodel import ToolCall
from edgeagent.tool import Example


def _ex(utterance: str, tool: str, context: dict[str, Any] | None = None, **args: Any) -> Example:
    return Example(utterance=utterance, calls=(ToolCall(tool=tool, args=args),), context=context)


EXAMPLES: tuple[Example, ...] = (
    _ex("switch on the garage light", "HassTurnOn", name="Garage Light"),
    _ex("turn off the lights in the bedroom", "HassTurnOff", area="Bedroom", domain="light"),
    _ex("switch the lights off in here", "HassTurnOff", {"area": "Bedroom"},
        area="Bedroom", domain="light"),
    _ex("please lock up the back door", "HassTurnOn", name="Back Door"),
    _ex("raise the shades in the guest room", "HassTurnOn",
        area="Guest Room", domain="cover", device_class="shade"),
    _ex("dim the play corner to 20 percent", "HassLightSet", name="Play Corner", brightness=20),
    _ex("is the computer overheating", "HassGetState",
        name="Computer", domain="binary_sensor", device_class="heat", state="on"),
    _ex("what's the car tyre pressure", "HassGetState",
        name="Car tyre pressure", domain="sensor", device_class="pressure"),
    _ex("heat the office to 19 degrees", "HassClimateSetTemperature", area="Office", temperature=19),
    _ex("set a 20 minute timer for the laundry", "HassStartTimer", minutes=20, name="laundry"),
    _ex("how much time is left on the pizza timer", "HassTimerStatus", name="pizza"),
    _ex("put milk on my shopping list", "HassShoppingListAddItem", item="milk"),
    _ex("add vacuum the stairs to the chores list", "HassListAddItem",
        item="vacuum the stairs", name="Chores"),
    _ex("put on Breaking Bad", "HassMediaSearchAndPlay", {"area": "Living Room"},
        area="Living Room", search_query="Breaking Bad"),
    _ex("send Rover back to the dock", "HassVacuumReturnToBase", name="Rover"),
    _ex("forget it", "HassNevermind"),
)  # fmt: skip
