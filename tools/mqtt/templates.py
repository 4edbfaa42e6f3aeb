"""The value templates devices use in practice, without a Jinja engine.

Zigbee2MQTT, ESPHome and Tasmota configs read values with templates such as
``{{ value_json.temperature }}`` or ``{{ value_json['state'] }}``. This module understands
``{{ value }}``, ``{{ value_json.a.b }}``, ``{{ value_json['a'] }}`` and the filters ``int``,
``float``, ``round(n)``, ``lower``, ``upper``; a config with any other template is rejected
(reported), never guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator

_EXPR = re.compile(r"^\{\{\s*(?P<body>.+?)\s*\}\}$", re.S)
_PATH = re.compile(r"^value(?:_json(?P<path>(?:\.\w+|\[\s*(?:'[^']*'|\"[^\"]*\"|\d+)\s*\])*))?$")
_STEP = re.compile(r"\.(\w+)|\[\s*(?:'([^']*)'|\"([^\"]*)\"|(\d+))\s*\]")
_FILTER = re.compile(r"^(int|float|lower|upper|round(?:\(\s*\d+\s*\))?)$")


@dataclass(frozen=True)
class Template:
    """A parsed value template: a path into the payload, then filters."""

    text: str
    json_path: tuple[str | int, ...] | None  # None: the raw payload (``value``)
    filters: tuple[str, ...] = ()

    def render(self, payload: str) -> str | None:
        """The value the template picks from a payload (None when it is not there)."""
        value: Any = payload
        if self.json_path is not None:
            try:
                value = json.loads(payload)
            except ValueError:
                return None
            for step in self.json_path:
                try:
                    value = value[step]
                except (KeyError, IndexError, TypeError):
                    return None
        for f in self.filters:
            value = _apply(f, value)
            if value is None:
                return None
        if isinstance(value, bool):
            return "True" if value else "False"
        if isinstance(value, dict | list):
            return json.dumps(value)
        return None if value is None else str(value)


def _apply(name: str, value: Any) -> Any:
    try:
        if name == "int":
            return int(float(value))
        if name == "float":
            return float(value)
        if name.startswith("round"):
            digits = int(name[6:-1]) if "(" in name else 0
            return round(float(value), digits)
    except (TypeError, ValueError):
        return None
    return str(value).lower() if name == "lower" else str(value).upper()


def parse_template(text: str) -> Template:
    """Parse a template; raises ``ValueError`` for anything outside the supported subset."""
    m = _EXPR.match(text.strip())
    if m is None:
        raise ValueError(f"unsupported template {text!r}")
    head, *filters = [p.strip() for p in m.group("body").split("|")]
    p = _PATH.match(head)
    if p is None or any(_FILTER.match(f) is None for f in filters):
        raise ValueError(
            f"unsupported template {text!r} (only value / value_json paths and simple filters)"
        )
    path: tuple[str | int, ...] | None = None
    if head.startswith("value_json"):
        steps: list[str | int] = []
        for s in _STEP.finditer(p.group("path") or ""):
            attr, single, double, index = s.groups()
            steps.append(int(index) if index is not None else (attr or single or double or ""))
        path = tuple(steps)
    return Template(text=text, json_path=path, filters=tuple(f.replace(" ", "") for f in filters))


def _validate(value: Any) -> Any:
    return parse_template(value) if isinstance(value, str) else value


ValueTemplate = Annotated[Template, BeforeValidator(_validate)]
