"""A tiny world and toolkit for tests and the brain conformance suite: three lamps in two
rooms and a door lock (no shipped plugin needed)."""

from __future__ import annotations

from typing import Annotated, Any

from edgeagent.errors import PreconditionError, TargetError
from edgeagent.tool import Risk, Toolkit, Vocab, tool
from edgeagent.toolset import Toolset


class LampWorld:
    """Three lamps in two rooms and a door lock."""

    name = "lamps"

    def __init__(self) -> None:
        self.lamps = {"Kitchen Light": "off", "Desk Lamp": "off", "Bedroom Lamp": "on"}
        self.areas = {"Kitchen Light": "Kitchen", "Desk Lamp": "Office", "Bedroom Lamp": "Bedroom"}
        self.locked = True
        self.seen: list[dict[str, Any]] = []

    def vocabulary(self) -> dict[str, list[str]]:
        return {"name": list(self.lamps), "area": sorted(set(self.areas.values()))}

    def describe(self) -> str:
        return "Lamps: " + ", ".join(f"{n} ({a})" for n, a in self.areas.items())

    def perceive(self) -> dict[str, Any]:
        return {"time_of_day": "evening"}

    def snapshot(self) -> dict[str, Any]:
        return {**{f"{n}.state": s for n, s in self.lamps.items()}, "door.locked": self.locked}

    def observe_context(self, context: Any) -> None:
        self.seen.append(dict(context))

    def find(self, name: str) -> str:
        for n in self.lamps:
            if n.lower() == name.lower():
                return n
        raise TargetError(f"no lamp called {name!r}", candidates=list(self.lamps))


class LampKit(Toolkit):
    name = "lamps"
    world: LampWorld

    def __init__(self, world: LampWorld | None = None) -> None:
        super().__init__(world or LampWorld())

    @tool(risk=Risk.REVERSIBLE)
    def turn_on(self, name: Annotated[str, Vocab("name")]) -> dict[str, str]:
        """Turn a lamp on.

        Args:
            name: the lamp's name
        """
        lamp = self.world.find(name)
        if self.world.lamps[lamp] == "on":
            raise PreconditionError(f"{lamp} is already on")
        self.world.lamps[lamp] = "on"
        return {"speech": f"{lamp} is on"}

    @tool(risk=Risk.REVERSIBLE)
    def turn_off(self, name: Annotated[str, Vocab("name")]) -> dict[str, str]:
        """Turn a lamp off.

        Args:
            name: the lamp's name
        """
        lamp = self.world.find(name)
        self.world.lamps[lamp] = "off"
        return {"speech": f"{lamp} is off"}

    @tool(risk=Risk.READ_ONLY)
    def count_on(self, area: Annotated[str | None, Vocab("area")] = None) -> int:
        """Count the lamps that are on.

        Args:
            area: only lamps in this area
        """
        return sum(
            1
            for n, s in self.world.lamps.items()
            if s == "on" and (area is None or self.world.areas[n] == area)
        )

    @tool(risk=Risk.SECURITY, needs_confirmation=True)
    def unlock(self) -> str:
        """Unlock the front door."""
        self.world.locked = False
        return "unlocked"


def lamp_toolset() -> Toolset:
    """A fresh lamps toolset."""
    kit = LampKit()
    return Toolset(kit.tools(), [kit.world])
