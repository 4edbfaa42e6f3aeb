"""JSON schema → pydantic: argument models for tools described only by a JSON schema
(LangChain tools' ``args``, BFCL's function definitions, OpenAPI-style specs)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

_JSON_TO_PY: dict[str, type] = {
    "string": str,
    "integer": int,
    "number": float,
    "float": float,  # BFCL's name for "number"
    "boolean": bool,
}
_ARRAY_TYPES = {"array", "tuple"}  # BFCL writes "tuple" for fixed-length arrays
_OBJECT_TYPES = {"object", "dict"}  # BFCL writes "dict" for objects
_RESERVED = frozenset(dir(BaseModel))


def model_from_json_schema(
    name: str,
    properties: Mapping[str, Any],
    required: Iterable[str] | None = None,
    *,
    strict: bool = False,
) -> type[BaseModel]:
    """A pydantic model for the ``properties`` of a JSON object schema.

    ``required`` names the required properties; when it is None a property is optional exactly
    when it has a ``default`` (LangChain's ``args``). Optional properties default to None.
    Arrays, nested objects and enums are followed; BFCL's type names are understood too
    (``dict`` = object, ``float`` = number, ``tuple`` = array, ``any`` = any JSON value).
    ``strict`` turns off coercion (``"5"`` is no integer, ``5.0`` no integer; ``5`` is a float).
    Property names that cannot be field names (``_class``) become aliases.
    """
    needed = set(required) if required is not None else None
    fields: dict[str, Any] = {}
    taken = set(properties)
    for pname, prop in properties.items():
        prop = prop if isinstance(prop, Mapping) else {}
        py = _schema_type(f"{name}_{pname}", prop, strict)
        is_required = pname in needed if needed is not None else "default" not in prop
        field_name = _field_name(pname, taken)
        alias = pname if field_name != pname else None
        info = Field(
            ... if is_required else None, description=prop.get("description") or None, alias=alias
        )
        fields[field_name] = (py, info) if is_required else (py | None, info)
    config = ConfigDict(
        extra="forbid", strict=strict, serialize_by_alias=True, validate_by_name=False
    )
    model_name = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", name)) + "Args"
    return create_model(model_name, __config__=config, **fields)


def _schema_type(name: str, prop: Mapping[str, Any], strict: bool) -> Any:
    """The Python type for one property schema (Any where the schema says nothing usable)."""
    kind = prop.get("type")
    if isinstance(kind, list):  # ["string", "null"]
        options = [k for k in kind if k != "null"]
        kind = options[0] if len(options) == 1 else None
    enum = prop.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(v, str | int) for v in enum):
        return Literal[tuple(enum)]
    if kind in _JSON_TO_PY:
        return _JSON_TO_PY[kind]
    if kind in _ARRAY_TYPES:
        items = prop.get("items")
        inner = _schema_type(name, items, strict) if isinstance(items, Mapping) else Any
        return list[inner]  # type: ignore[valid-type]
    if kind in _OBJECT_TYPES:
        props = prop.get("properties")
        if isinstance(props, Mapping) and props:
            return model_from_json_schema(name, props, prop.get("required", []), strict=strict)
        return dict[str, Any]
    return Any  # "any", no type, or a type we do not know


def _field_name(name: str, taken: set[str]) -> str:
    """``name`` if pydantic accepts it as a field name, else a fresh safe one."""
    if name.isidentifier() and not name.startswith(("_", "model_")) and name not in _RESERVED:
        return name
    base = re.sub(r"\W+", "_", name).strip("_") or "field"
    candidate = f"{base}_"
    while candidate in taken or candidate in _RESERVED or not candidate.isidentifier():
        candidate = f"f_{candidate}"
    taken.add(candidate)
    return candidate
