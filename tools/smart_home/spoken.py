"""How a binary sensor's on/off is said, by device class (Home Assistant's English states)."""

from __future__ import annotations

BINARY_SENSOR_STATES: dict[str, tuple[str, str]] = {  # device class: (on, off)
    "battery": ("low", "normal"),
    "battery_charging": ("charging", "not charging"),
    "carbon_monoxide": ("detected", "clear"),
    "cold": ("cold", "normal"),
    "connectivity": ("connected", "disconnected"),
    "door": ("open", "closed"),
    "garage_door": ("open", "closed"),
    "gas": ("detected", "clear"),
    "heat": ("hot", "normal"),
    "light": ("light detected", "no light"),
    "lock": ("unlocked", "locked"),
    "moisture": ("wet", "dry"),
    "motion": ("detected", "clear"),
    "moving": ("moving", "not moving"),
    "occupancy": ("detected", "clear"),
    "opening": ("open", "closed"),
    "plug": ("plugged in", "unplugged"),
    "power": ("powered", "not powered"),
    "presence": ("home", "away"),
    "problem": ("problem", "ok"),
    "running": ("running", "not running"),
    "safety": ("unsafe", "safe"),
    "smoke": ("detected", "clear"),
    "sound": ("detected", "clear"),
    "tamper": ("tampering detected", "clear"),
    "update": ("update available", "up-to-date"),
    "vibration": ("vibrating", "not vibrating"),
    "window": ("open", "closed"),
}


def spoken_state(domain: str, device_class: str | None, state: str) -> str | None:
    """``binary_sensor`` / ``door`` / ``on`` -> ``open``; None where the state is said as is."""
    if domain != "binary_sensor" or state not in ("on", "off"):
        return None
    said = BINARY_SENSOR_STATES.get(device_class or "")
    if said is None:
        return None
    return said[0] if state == "on" else said[1]
