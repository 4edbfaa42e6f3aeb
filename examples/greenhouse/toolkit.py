"""A greenhouse, as a user would write it from the README: eight tools whose arguments are
``Literal`` choices and numbers bounded with pydantic's ``Field(ge=..., le=...)``.

No world and no sentence files: this is what the zero-shot brain gets before any training
(docs/zero_shot.md measures it with ``requests.jsonl`` beside this file).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from edgeagent.tool import Risk, Toolkit, tool

Zone = Literal["tomato bed", "seedling rack", "herb shelf", "orchid corner", "potting bench"]
Nutrient = Literal["nitrogen", "phosphorus", "potassium", "balanced"]
Sensor = Literal["temperature", "humidity", "soil moisture", "light"]


class GreenhouseToolkit(Toolkit):
    """Watering, climate, lights, feeding and sensors of a small greenhouse."""

    name = "greenhouse"

    @tool(risk=Risk.PHYSICAL)
    def water_zone(self, zone: Zone, minutes: Annotated[int, Field(ge=1, le=60)] = 5) -> str:
        """Water the plants of one zone with the drip irrigation.

        Args:
            zone: the planting zone to water
            minutes: how long to water, in minutes
        """
        return f"watering {zone} for {minutes} min"

    @tool(risk=Risk.REVERSIBLE)
    def start_misting(self, zone: Zone, seconds: Annotated[int, Field(ge=10, le=300)] = 30) -> str:
        """Spray a fine mist over a zone to raise the air moisture around the plants.

        Args:
            zone: the planting zone to mist
            seconds: how long to mist, in seconds
        """
        return f"misting {zone} for {seconds} s"

    @tool(risk=Risk.REVERSIBLE)
    def set_temperature(
        self, celsius: Annotated[float, Field(ge=5, le=35)], zone: Zone | None = None
    ) -> str:
        """Set the heating target temperature of the greenhouse or of one zone.

        Args:
            celsius: the target air temperature in degrees Celsius
            zone: the zone to heat; the whole greenhouse when left out
        """
        return f"heating {zone or 'greenhouse'} to {celsius} C"

    @tool(risk=Risk.PHYSICAL)
    def set_vents(self, opening: Annotated[int, Field(ge=0, le=100)]) -> str:
        """Open or close the roof vents to let air in or keep heat inside.

        Args:
            opening: how far the roof vents open, in percent (0 closes them)
        """
        return f"vents at {opening}%"

    @tool(risk=Risk.REVERSIBLE)
    def set_grow_lights(self, zone: Zone, brightness: Annotated[int, Field(ge=0, le=100)]) -> str:
        """Dim, brighten or switch off the LED grow lights over a zone.

        Args:
            zone: the zone whose grow lights change
            brightness: grow light brightness in percent (0 switches them off)
        """
        return f"{zone} lights at {brightness}%"

    @tool(risk=Risk.REVERSIBLE)
    def set_humidity(self, percent: Annotated[int, Field(ge=30, le=90)]) -> str:
        """Set the target relative humidity the humidifier keeps in the greenhouse.

        Args:
            percent: the target relative humidity in percent
        """
        return f"humidity target {percent}%"

    @tool(risk=Risk.REVERSIBLE)
    def add_fertilizer(
        self,
        zone: Zone,
        dose_ml: Annotated[int, Field(ge=5, le=500)],
        nutrient: Nutrient = "balanced",
    ) -> str:
        """Add liquid fertilizer (plant food) to the irrigation water of a zone.

        Args:
            zone: the zone to feed
            dose_ml: the amount of fertilizer in millilitres
            nutrient: which fertilizer to use
        """
        return f"{dose_ml} ml of {nutrient} fertilizer for {zone}"

    @tool(risk=Risk.READ_ONLY)
    def read_sensor(self, sensor: Sensor, zone: Zone | None = None) -> str:
        """Read a sensor: temperature, humidity, soil moisture or light level.

        Args:
            sensor: what to measure
            zone: the zone to measure; the whole greenhouse when left out
        """
        return f"{sensor} in {zone or 'greenhouse'}: ok"
