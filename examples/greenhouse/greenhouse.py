"""A greenhouse toolkit: the example of a user's own tools, from ``@tool`` functions to a
trained local brain (README: "Your own tools get a fast local brain").

Zones, vents and crops come from the world; the tools take closed choices (``Literal``),
bounded numbers (``Field(ge=..., le=...)``) and free text. The sentence files beside this
module say how people ask for each tool; ``synonyms()`` gives the everyday names of zones
and vents ("the tomatoes" for the tomato bed).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from edgeagent import Risk, Toolkit, Vocab, tool
from edgeagent.errors import PreconditionError, TargetError

Zone = Annotated[str, Vocab("zone")]
Vent = Annotated[str, Vocab("vent")]
Crop = Annotated[str, Vocab("crop")]
Minutes = Annotated[int, Field(ge=1, le=120)]
Percent = Annotated[int, Field(ge=0, le=100)]
Celsius = Annotated[float, Field(ge=10, le=35)]
Kilos = Annotated[float, Field(gt=0, le=200)]
Sensor = Literal["temperature", "humidity", "soil moisture", "light"]
Speed = Literal["low", "medium", "high"]


class GreenhouseWorld:
    """A small greenhouse: five zones, three vents, a fan, grow lights, misters, a harvest log."""

    name = "greenhouse"

    def __init__(self) -> None:
        self.zones = {
            "Tomato Bed": {"watering": 0, "lights": "off", "misting": False, "moisture": 31},
            "Seedling Rack": {"watering": 0, "lights": "on", "misting": False, "moisture": 48},
            "Herb Shelf": {"watering": 0, "lights": "off", "misting": False, "moisture": 40},
            "Cucumber Row": {"watering": 0, "lights": "off", "misting": False, "moisture": 36},
            "Potting Bench": {"watering": 0, "lights": "off", "misting": False, "moisture": 22},
        }
        self.vents = {"Roof Vent": 0, "Side Vent": 20, "Door Vent": 0}
        self.target_c = 22.0
        self.fan = "off"
        self.harvest: list[tuple[str, float]] = []

    def vocabulary(self) -> dict[str, list[str]]:
        return {
            "zone": list(self.zones),
            "vent": list(self.vents),
            "crop": ["tomatoes", "cucumbers", "basil", "lettuce", "peppers", "strawberries"],
        }

    def synonyms(self) -> dict[str, dict[str, str]]:
        """Everyday names for zones and vents (synonym -> the world's name)."""
        return {
            "zone": {
                "tomatoes": "Tomato Bed", "tomato plants": "Tomato Bed", "the tomato patch": "Tomato Bed",
                "seedlings": "Seedling Rack", "the seedling tray": "Seedling Rack", "starts": "Seedling Rack",
                "herbs": "Herb Shelf", "the herb rack": "Herb Shelf", "basil shelf": "Herb Shelf",
                "cucumbers": "Cucumber Row", "cukes": "Cucumber Row", "cucumber bed": "Cucumber Row",
                "potting shed": "Potting Bench", "potting table": "Potting Bench", "workbench": "Potting Bench",
            },
            "vent": {
                "skylight": "Roof Vent", "top vent": "Roof Vent", "ceiling vent": "Roof Vent",
                "side window": "Side Vent", "wall vent": "Side Vent", "door": "Door Vent",
            },
        }  # fmt: skip

    def describe(self) -> str:
        return f"Greenhouse zones: {', '.join(self.zones)}. Vents: {', '.join(self.vents)}."

    def perceive(self) -> dict[str, Any]:
        return {}

    def snapshot(self) -> dict[str, Any]:
        snap: dict[str, Any] = {f"{z}.{k}": v for z, s in self.zones.items() for k, v in s.items()}
        snap.update({f"{v}.open": p for v, p in self.vents.items()})
        snap.update({"target_c": self.target_c, "fan": self.fan, "harvest": list(self.harvest)})
        return snap

    def observe_context(self, context: Any) -> None:
        return None

    def zone(self, name: str) -> str:
        for z in self.zones:
            if z.lower() == name.strip().lower():
                return z
        raise TargetError(f"no zone called {name!r}", candidates=list(self.zones))


class GreenhouseToolkit(Toolkit):
    """Water, vent, heat, light and log a greenhouse."""

    name: ClassVar[str] = "greenhouse"
    world: GreenhouseWorld

    def __init__(self, world: GreenhouseWorld | None = None) -> None:
        super().__init__(world or GreenhouseWorld())

    @tool(risk=Risk.PHYSICAL)
    def water_zone(self, zone: Zone, minutes: Minutes = 10) -> str:
        """Water one zone for a number of minutes.

        Args:
            zone: the zone to water
            minutes: how long to water, 1 to 120 minutes
        """
        z = self.world.zone(zone)
        self.world.zones[z]["watering"] = minutes
        return f"watering {z} for {minutes} min"

    @tool(risk=Risk.PHYSICAL)
    def set_vent(self, vent: Vent, percent: Percent) -> str:
        """Open a vent to a percentage (0 closes it).

        Args:
            vent: which vent
            percent: how far open, 0 to 100
        """
        self.world.vents[vent] = percent
        return f"{vent} at {percent}%"

    @tool(risk=Risk.REVERSIBLE)
    def set_temperature(self, celsius: Celsius) -> str:
        """Set the greenhouse's target temperature.

        Args:
            celsius: the target, 10 to 35 degrees Celsius
        """
        self.world.target_c = float(celsius)
        return f"target {celsius} °C"

    @tool(risk=Risk.REVERSIBLE)
    def set_grow_lights(self, zone: Zone, state: Literal["on", "off"]) -> str:
        """Switch a zone's grow lights on or off.

        Args:
            zone: the zone
            state: on or off
        """
        z = self.world.zone(zone)
        self.world.zones[z]["lights"] = state
        return f"{z} lights {state}"

    @tool(risk=Risk.REVERSIBLE)
    def set_fan(self, speed: Literal["off", "low", "medium", "high"]) -> str:
        """Run the circulation fan at a speed, or stop it.

        Args:
            speed: off, low, medium or high
        """
        self.world.fan = speed
        return f"fan {speed}"

    @tool(risk=Risk.REVERSIBLE)
    def set_misting(self, zone: Zone, on: bool) -> str:
        """Start or stop the misters over a zone.

        Args:
            zone: the zone
            on: true to start misting, false to stop
        """
        z = self.world.zone(zone)
        self.world.zones[z]["misting"] = on
        return f"{z} misting {'on' if on else 'off'}"

    @tool(risk=Risk.READ_ONLY)
    def read_sensor(self, sensor: Sensor, zone: Zone | None = None) -> dict[str, Any]:
        """Read a sensor: temperature, humidity, soil moisture or light (of a zone, or the
        greenhouse).

        Args:
            sensor: which reading
            zone: the zone, where the reading is per zone
        """
        where = self.world.zone(zone) if zone else None
        if sensor == "soil moisture":
            if where is None:
                raise PreconditionError("say which zone's soil moisture")
            return {"value": self.world.zones[where]["moisture"], "unit": "%", "targets": [where]}
        values = {"temperature": 21.5, "humidity": 64, "light": 12000}
        return {"value": values[sensor], "targets": [where or "greenhouse"]}

    @tool(risk=Risk.REVERSIBLE)
    def log_harvest(self, crop: Crop, kilos: Kilos) -> str:
        """Write a harvest in the log.

        Args:
            crop: what was picked
            kilos: how much, in kilograms
        """
        self.world.harvest.append((crop, float(kilos)))
        return f"logged {kilos} kg of {crop}"
