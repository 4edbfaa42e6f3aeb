"""What the smart-home tool groups share: the world, slot types, domain sets, speech helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from edgeagent.errors import ToolError
from edgeagent.tool import Risk, Toolkit, Vocab

from .models import Entity, norm
from .world import HomeWorld


def one_value(value: Any) -> Any:
    """Home Assistant's test data lists alternative spellings of a slot value
    (``["pizza ", "pizza"]``); they name one thing, so keep the first, trimmed."""
    if isinstance(value, list | tuple):
        kept = [str(v).strip() for v in value if str(v).strip()]
        return kept[0] if kept else None
    return value


# Slot types, named like Home Assistant's slots.
EntityName = Annotated[str | None, Vocab("name", extra=("all",))]
# Names of what a tool can act on: a constrained brain cannot pick a sensor to switch on.
SwitchableName = Annotated[str | None, Vocab("switchable", extra=("all",))]
LightName = Annotated[str | None, Vocab("light", extra=("all",))]
AreaName = Annotated[str | None, Vocab("area")]
FloorName = Annotated[str | None, Vocab("floor")]
Domain = Annotated[str | None, Vocab("domain")]
DeviceClass = Annotated[str | None, Vocab("device_class")]
StateName = Annotated[str | None, Vocab("state")]
TimerName = Annotated[str | None, BeforeValidator(one_value), Vocab("timer")]
Percent = Annotated[int, Field(ge=0, le=100)]
Count = Annotated[int, Field(ge=0, le=999)] | None
Item = Annotated[str, Vocab("item", from_utterance=True)]
ListName = Annotated[str, Vocab("list")]
Color = Literal[
    "white", "black", "red", "orange", "yellow", "green", "blue", "purple", "brown", "pink",
    "turquoise",
]  # fmt: skip
MediaClass = Literal[
    "album", "app", "artist", "channel", "composer", "contributing_artist", "directory",
    "episode", "game", "genre", "image", "movie", "music", "playlist", "podcast", "season",
    "track", "tv_show", "url", "video",
]  # fmt: skip

# Domains each kind of request acts on.

# What a request names only by place ("turn off the kitchen") includes: never locks or covers.
GROUP_DOMAINS = frozenset({"light", "switch", "fan", "input_boolean", "media_player"})
SECURITY_DOMAINS = frozenset({"lock", "alarm_control_panel", "valve"})
SECURITY_COVERS = frozenset({"garage", "door", "gate"})


def kind_risk(domain: str | None, device_class: str | None) -> Risk:
    """The risk of acting on entities of a domain (and device class)."""
    d, dc = norm(domain or ""), norm(device_class or "").replace(" ", "_")
    if d in SECURITY_DOMAINS or (d == "cover" and dc in SECURITY_COVERS):
        return Risk.SECURITY
    if d in {"cover", "vacuum"}:
        return Risk.PHYSICAL
    return Risk.REVERSIBLE


def entity_risk(entity: Entity) -> Risk:
    return kind_risk(entity.domain, entity.device_class)


def is_named(name: str | None) -> bool:
    """A specific name (not absent, not "all")."""
    return name is not None and norm(name) != "all"


def names_text(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def targets_text(targets: Sequence[Entity], limit: int = 4) -> str:
    """Names of a few entities, or a count by kind (``6 lights``) for many."""
    if len(targets) <= limit:
        return names_text([e.name for e in targets])
    domains = {e.domain for e in targets}
    kind = domains.pop().replace("_", " ") if len(domains) == 1 else "device"
    return f"{len(targets)} {kind}{'es' if kind.endswith(('s', 'sh', 'ch')) else 's'}"


def done(template: str, targets: Sequence[Entity], **extra: Any) -> dict[str, Any]:
    """The result of an action: what was said (``{}`` stands for the targets) and which
    entities it changed."""
    text = targets_text(targets)
    speech = template.format(text) if "{}" in template else f"{template} {text}"
    return {"speech": speech, "targets": [e.id for e in targets], **extra}


class HomeTools(Toolkit):
    """Base of the smart-home tool groups: holds the :class:`HomeWorld`."""

    world: HomeWorld

    def __init__(self, world: HomeWorld | None = None) -> None:
        super().__init__(world if world is not None else HomeWorld())

    def _need_target(self, action: str, *slots: object) -> None:
        if all(s is None for s in slots):
            raise ToolError(f"say what to {action} (a name, an area or a kind of device)")
