"""Shared fixtures: a tiny world and toolkit that do not depend on the shipped plugins."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest

from edgeagent import Risk, Toolkit, Vocab, tool
from edgeagent.errors import PreconditionError, TargetError
from edgeagent.toolset import Toolset

pytest_plugins = ["tests.eval_cases"]  # the eval tests' case file and scripted brain

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Saved KV states go to a fresh folder, so tests neither read nor fill the user's cache."""
    old = os.environ.get("EDGEAGENT_CACHE")
    os.environ["EDGEAGENT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("EDGEAGENT_CACHE", None)
    else:
        os.environ["EDGEAGENT_CACHE"] = old


# The shared benchmark data (``../shared/data`` beside the repository, or $EDGEAGENT_DATA).
DATA_DIR = Path(os.environ.get("EDGEAGENT_DATA") or REPO.parent / "shared" / "data")


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR


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


@pytest.fixture
def lamp_kit() -> LampKit:
    return LampKit()


@pytest.fixture
def lamp_toolset(lamp_kit: LampKit) -> Toolset:
    return Toolset(lamp_kit.tools(), [lamp_kit.world])
