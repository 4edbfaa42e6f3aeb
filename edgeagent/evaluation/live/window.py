"""The time window of a live report: durations (``30m``) and points in time."""

from __future__ import annotations

import re
import time
from datetime import datetime

from edgeagent.errors import ConfigError

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``90s``, ``30m``, ``24h``, ``7d`` or ``2w``."""
    match = _DURATION.match(text)
    if not match:
        raise ConfigError(f"invalid duration {text!r}: use a number and a unit s, m, h, d or w")
    seconds = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if seconds <= 0:
        raise ConfigError(f"invalid duration {text!r}: it must be positive")
    return seconds


def parse_since(text: str, now: float | None = None) -> float:
    """A point in time as a Unix timestamp: ``now``, a duration ago (``30m``, ``24h``, ``7d``) or
    an ISO date/datetime (``2024-05-01``, ``2024-05-01T08:00``, ``...+02:00``, ``...Z``; naive
    values are local time)."""
    now = time.time() if now is None else now
    value = text.strip()
    if value.lower() == "now":
        return now
    if _DURATION.match(value):
        return now - parse_duration(value)
    iso = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        raise ConfigError(
            f"invalid time {text!r}: use 'now', a duration ago such as 30m, 24h or 7d,"
            " or an ISO date/datetime such as 2024-05-01 or 2024-05-01T08:00"
        ) from None
