"""Colour names (the tools' ``color`` values) to and from what lights speak: RGB, HS, xy."""

from __future__ import annotations

import colorsys
import math

# Home Assistant's RGB for the colour names the smart-home tools accept.
NAMED: dict[str, tuple[int, int, int]] = {
    "white": (255, 255, 255),
    "black": (0, 0, 0),
    "red": (255, 0, 0),
    "orange": (255, 165, 0),
    "yellow": (255, 255, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "purple": (128, 0, 128),
    "brown": (165, 42, 42),
    "pink": (255, 192, 203),
    "turquoise": (64, 224, 208),
}


def rgb_of(name: str) -> tuple[int, int, int]:
    return NAMED[name.lower()]


def hs_of(rgb: tuple[int, int, int]) -> tuple[float, float]:
    """Hue (degrees) and saturation (percent)."""
    h, s, _ = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    return round(h * 360, 1), round(s * 100, 1)


def rgb_from_hs(hue: float, saturation: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(hue / 360, saturation / 100, 1.0)
    return round(r * 255), round(g * 255), round(b * 255)


def xy_of(rgb: tuple[int, int, int]) -> tuple[float, float]:
    """CIE 1931 xy of an sRGB colour (the Wide RGB D65 conversion lights use)."""

    def linear(c: float) -> float:
        c /= 255
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(c) for c in rgb)
    x = r * 0.664511 + g * 0.154324 + b * 0.162028
    y = r * 0.283881 + g * 0.668433 + b * 0.047685
    z = r * 0.000088 + g * 0.072310 + b * 0.986039
    total = x + y + z
    return (0.3127, 0.329) if total == 0 else (round(x / total, 4), round(y / total, 4))


def nearest_name(rgb: tuple[int, int, int]) -> str:
    """The colour name closest to an RGB value (by hue and saturation, ignoring brightness)."""
    if max(rgb) == 0:
        return "black"
    return min(
        (n for n in NAMED if n != "black"), key=lambda n: math.dist(_full(NAMED[n]), _full(rgb))
    )


def _full(rgb: tuple[int, int, int]) -> tuple[float, ...]:
    """The colour at full brightness (lights report colour and brightness apart)."""
    top = max(rgb) or 1
    return tuple(c * 255 / top for c in rgb)


def nearest_name_xy(x: float, y: float) -> str:
    return min((n for n in NAMED if n != "black"), key=lambda n: math.dist(xy_of(NAMED[n]), (x, y)))
