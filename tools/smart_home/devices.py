"""Device intents: on/off, state questions, lights, covers, climate, fans, vacuums."""

from __future__ import annotations

from typing import Any

from edgeagent.errors import TargetError, ToolError
from edgeagent.tool import Risk, tool

from ._base import (
    GROUP_DOMAINS,
    AreaName,
    Color,
    DeviceClass,
    Domain,
    EntityName,
    FloorName,
    HomeTools,
    LightName,
    Percent,
    StateName,
    SwitchableName,
    done,
    is_named,
    targets_text,
)
from .models import ON_OFF_DOMAINS, Entity

_ON_VERBS = {
    "cover": "Opened",
    "valve": "Opened",
    "lock": "Locked",
    "scene": "Activated",
    "script": "Ran",
}
_OFF_VERBS = {"cover": "Closed", "valve": "Closed", "lock": "Unlocked", "script": "Stopped"}


class DeviceTools(HomeTools):
    """Tools that switch, set and query devices."""

    def _switch(self, entity: Entity, on: bool) -> str:
        d = entity.domain
        if d in {"cover", "valve"}:
            entity.state = "open" if on else "closed"
            if "position" in entity.attributes:
                entity.attributes["position"] = 100 if on else 0
        elif d == "lock":
            entity.state = "locked" if on else "unlocked"
        elif d == "scene":
            if not on:
                raise ToolError(f"{entity.name} is a scene: scenes can only be activated")
            entity.attributes["last_activated"] = self.world.clock().isoformat(timespec="seconds")
        elif d == "script":
            if on:
                entity.attributes["last_triggered"] = self.world.clock().isoformat(
                    timespec="seconds"
                )
            entity.state = "off"
        elif d == "climate":
            if on and entity.state == "off":
                entity.state = str(entity.attributes.pop("last_mode", "heat"))
            elif not on and entity.state != "off":
                entity.attributes["last_mode"] = entity.state
                entity.state = "off"
        else:
            entity.state = "on" if on else "off"
        verbs = _ON_VERBS if on else _OFF_VERBS
        return verbs.get(d, "Turned on" if on else "Turned off")

    def _on_off(self, on: bool, **slots: Any) -> dict[str, Any]:
        action = "turn on" if on else "turn off"
        self._need_target(action, *slots.values())
        supported = ON_OFF_DOMAINS if on else ON_OFF_DOMAINS - {"scene"}
        targets = self.world.resolve(
            **slots,
            supported=supported,
            implicit=GROUP_DOMAINS,
            single=is_named(slots["name"]),
            action=action,
        )
        by_verb: dict[str, list[Entity]] = {}
        for e in targets:
            by_verb.setdefault(self._switch(e, on), []).append(e)
        speech = "; ".join(f"{verb} {targets_text(ents)}" for verb, ents in by_verb.items())
        return {"speech": speech, "targets": [e.id for e in targets]}

    @tool(risk=Risk.REVERSIBLE)
    def HassTurnOn(
        self,
        name: SwitchableName = None,
        area: AreaName = None,
        floor: FloorName = None,
        domain: Domain = None,
        device_class: DeviceClass = None,
    ) -> dict[str, Any]:
        """Turns on a device or entity: opens covers and valves, locks locks, activates scenes.

        Args:
            name: Name of a device or entity ("all" for every match of the other filters).
            area: Name of an area.
            floor: Name of a floor.
            domain: Domain of the devices, e.g. light, fan, cover, lock, scene, script.
            device_class: Device class, e.g. curtain, window, garage for covers.
        """
        return self._on_off(
            True, name=name, area=area, floor=floor, domain=domain, device_class=device_class
        )

    @tool(risk=Risk.REVERSIBLE)
    def HassTurnOff(
        self,
        name: SwitchableName = None,
        area: AreaName = None,
        floor: FloorName = None,
        domain: Domain = None,
        device_class: DeviceClass = None,
    ) -> dict[str, Any]:
        """Turns off a device or entity: closes covers and valves, unlocks locks.

        Args:
            name: Name of a device or entity ("all" for every match of the other filters).
            area: Name of an area.
            floor: Name of a floor.
            domain: Domain of the devices, e.g. light, fan, cover, lock.
            device_class: Device class, e.g. curtain, window, garage for covers.
        """
        return self._on_off(
            False, name=name, area=area, floor=floor, domain=domain, device_class=device_class
        )

    @tool(risk=Risk.READ_ONLY)
    def HassGetState(
        self,
        name: EntityName = None,
        area: AreaName = None,
        floor: FloorName = None,
        domain: Domain = None,
        device_class: DeviceClass = None,
        state: StateName = None,
    ) -> dict[str, Any]:
        """Gets or checks the state of an entity (a sensor value, whether a light is on...).

        Args:
            name: Name of a device or entity.
            area: Name of an area.
            floor: Name of a floor.
            domain: Domain of the entities, e.g. light, lock, sensor, binary_sensor, person.
            device_class: Device class, e.g. temperature, battery, motion, window.
            state: State to check for, e.g. on, off, open, closed, locked, home.
        """
        self._need_target("check", name, area, floor, domain, device_class)
        targets = self.world.resolve(
            name=name, area=area, floor=floor, domain=domain, device_class=device_class
        )
        states = [
            {"entity": e.id, "name": e.name, "state": e.spoken(), "raw": e.state} for e in targets
        ]
        if state is None:
            said = [f"{e.name} is {e.spoken() or 'unknown'}" for e in targets]
            answer: Any = targets[0].spoken() if len(targets) == 1 else [s["state"] for s in states]
            return {
                "speech": "; ".join(said),
                "targets": [e.id for e in targets],
                "matched": [e.id for e in targets],
                "answer": answer,
                "states": states,
            }
        matched = [e for e in targets if e.has_state(state)]
        if len(targets) == 1:
            e = targets[0]
            speech = f"{'Yes' if matched else 'No'}, {e.name} is {e.spoken() or 'unknown'}"
        elif matched:
            verb = "is" if len(matched) == 1 else "are"
            speech = f"Yes, {targets_text(matched)} {verb} {state.replace('_', ' ')}"
        else:
            speech = f"No, none of {targets_text(targets)} is {state.replace('_', ' ')}"
        return {
            "speech": speech,
            "targets": [e.id for e in targets],
            "matched": [e.id for e in matched],
            "answer": bool(matched),
            "states": states,
        }

    @tool(risk=Risk.REVERSIBLE)
    def HassLightSet(
        self,
        name: LightName = None,
        area: AreaName = None,
        floor: FloorName = None,
        brightness: Percent | None = None,
        color: Color | None = None,
    ) -> dict[str, Any]:
        """Sets the brightness or color of lights.

        Args:
            name: Name of a light.
            area: Name of an area (all its lights).
            floor: Name of a floor (all its lights).
            brightness: Brightness percentage from 0 to 100.
            color: Name of a color.
        """
        if brightness is None and color is None:
            raise ToolError("say a brightness or a color for the light")
        targets = self._lights(name, area, floor)
        for e in targets:
            if brightness is not None:
                e.attributes["brightness"] = brightness
                e.state = "on" if brightness > 0 else "off"
            if color is not None:
                e.attributes["color"] = color
                e.state = "on"
        parts = [f"{brightness}% brightness"] if brightness is not None else []
        parts += [color] if color is not None else []
        what = " and ".join(parts)
        return done(f"Set {{}} to {what}", targets)

    def _lights(self, name: str | None, area: str | None, floor: str | None) -> list[Entity]:
        if name is None and area is None and floor is None:
            area = self.world.area_name(self.world.speaker_area)
            if area is None:
                raise TargetError("say which light, area or floor")
        return self.world.resolve(
            name=name,
            area=area,
            floor=floor,
            supported={"light"},
            single=is_named(name),
            action="set",
        )

    @tool(risk=Risk.PHYSICAL)
    def HassSetPosition(
        self,
        name: EntityName = None,
        area: AreaName = None,
        floor: FloorName = None,
        domain: Domain = None,
        device_class: DeviceClass = None,
        *,
        position: Percent,
    ) -> dict[str, Any]:
        """Sets the position of covers (blinds, curtains, shades...) or valves.

        Args:
            name: Name of a cover or valve.
            area: Name of an area.
            floor: Name of a floor.
            domain: Domain: cover or valve.
            device_class: Device class of covers, e.g. curtain, blind, shade, window.
            position: Position from 0 (closed) to 100 (fully open).
        """
        self._need_target("set the position of", name, area, floor, domain, device_class)
        targets = self.world.resolve(
            name=name,
            area=area,
            floor=floor,
            domain=domain,
            device_class=device_class,
            supported={"cover", "valve"},
            implicit={"cover"},
            single=is_named(name),
            action="set the position of",
        )
        for e in targets:
            e.attributes["position"] = position
            e.state = "open" if position > 0 else "closed"
        return done(f"Set {{}} to position {position}%", targets)

    def _climates(
        self, name: str | None, area: str | None, floor: str | None, single: bool
    ) -> list[Entity]:
        return self.world.resolve(
            name=name,
            area=area,
            floor=floor,
            supported={"climate"},
            implicit={"climate"},
            single=single,
            prefer_near=True,
            action="use the temperature of",
        )

    @tool(risk=Risk.REVERSIBLE)
    def HassClimateSetTemperature(
        self,
        name: EntityName = None,
        area: AreaName = None,
        floor: FloorName = None,
        *,
        temperature: float,
    ) -> dict[str, Any]:
        """Sets the desired indoor temperature of a thermostat.

        Args:
            name: Name of a thermostat (climate entity).
            area: Name of an area.
            floor: Name of a floor.
            temperature: Temperature in degrees.
        """
        (target,) = self._climates(name, area, floor, single=True)
        value = int(temperature) if float(temperature).is_integer() else temperature
        target.attributes["temperature"] = value
        return done(f"Set {{}} to {value}°", [target])

    @tool(risk=Risk.READ_ONLY)
    def HassClimateGetTemperature(
        self, name: EntityName = None, area: AreaName = None, floor: FloorName = None
    ) -> dict[str, Any]:
        """Gets the actual indoor temperature measured by a thermostat (not the target one).

        Args:
            name: Name of a thermostat (climate entity).
            area: Name of an area.
            floor: Name of a floor.
        """
        targets = self._climates(name, area, floor, single=False)
        temps = [e.attributes.get("current_temperature") for e in targets]
        said = [f"{e.name}: {t}°" for e, t in zip(targets, temps, strict=True)]
        answer = temps[0] if len(temps) == 1 else temps
        return {"speech": "; ".join(said), "matched": [e.id for e in targets], "answer": answer}

    @tool(risk=Risk.REVERSIBLE)
    def HassFanSetSpeed(
        self,
        name: EntityName = None,
        area: AreaName = None,
        floor: FloorName = None,
        *,
        percentage: Percent,
    ) -> dict[str, Any]:
        """Sets the speed of fans.

        Args:
            name: Name of a fan.
            area: Name of an area.
            floor: Name of a floor.
            percentage: Speed percentage from 0 to 100 (0 turns the fan off).
        """
        self._need_target("set the speed of", name, area, floor)
        targets = self.world.resolve(
            name=name,
            area=area,
            floor=floor,
            supported={"fan"},
            implicit={"fan"},
            single=is_named(name),
            action="set the speed of",
        )
        for e in targets:
            e.attributes["percentage"] = percentage
            e.state = "on" if percentage > 0 else "off"
        return done(f"Set {{}} to {percentage}% speed", targets)

    def _vacuums(self, name: str | None, area: str | None, floor: str | None) -> list[Entity]:
        return self.world.resolve(
            name=name,
            area=area,
            floor=floor,
            supported={"vacuum"},
            implicit={"vacuum"},
            single=is_named(name),
            action="start or dock",
        )

    @tool(risk=Risk.PHYSICAL)
    def HassVacuumStart(
        self, name: EntityName = None, area: AreaName = None, floor: FloorName = None
    ) -> dict[str, Any]:
        """Starts a robot vacuum cleaning.

        Args:
            name: Name of a vacuum.
            area: Name of the area the vacuum is in.
            floor: Name of the floor the vacuum is on.
        """
        targets = self._vacuums(name, area, floor)
        for e in targets:
            e.state = "cleaning"
        return done("Started", targets)

    @tool(risk=Risk.PHYSICAL)
    def HassVacuumReturnToBase(
        self, name: EntityName = None, area: AreaName = None
    ) -> dict[str, Any]:
        """Sends a robot vacuum back to its dock.

        Args:
            name: Name of a vacuum.
            area: Name of the area the vacuum is in.
        """
        targets = self._vacuums(name, area, None)
        for e in targets:
            e.state = "docked"
        return done("Sent {} back to its base", targets)
