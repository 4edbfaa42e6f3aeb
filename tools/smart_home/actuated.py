"""Homes whose entities are real devices: what a tool writes becomes a command.

The smart-home tools change the entities of a :class:`HomeWorld` in place. An
:class:`ActuatedHome` is a home model filled from a real system (an MQTT broker, Home
Assistant); :class:`ActuatedHomeToolkit` runs each tool on tracked copies of its entities,
records what the tool wrote (the state, attributes), puts the model back as it was, and hands
the writes to :meth:`ActuatedHome.actuate`, which carries them out and lets the model change
only as the devices confirm. The tools themselves are the simulated home's, unchanged.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import JsonValue, PrivateAttr

from edgeagent import Tool

from .models import Entity
from .toolkit import SmartHomeToolkit
from .world import HomeWorld


class _TrackedAttributes(dict[str, Any]):
    """An attribute dict that remembers which keys were set."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.written: set[str] = set()

    def __setitem__(self, key: str, value: Any) -> None:
        self.written.add(key)
        super().__setitem__(key, value)


class _TrackedEntity(Entity):
    """A copy of an entity that remembers whether its state was set."""

    _state_written: bool = PrivateAttr(default=False)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "state":
            self._state_written = True
        super().__setattr__(name, value)


def _track(entity: Entity) -> _TrackedEntity:
    data = {**entity.__dict__, "attributes": _TrackedAttributes(entity.attributes)}
    return _TrackedEntity.model_construct(**data)


@dataclass(frozen=True)
class EntityWrite:
    """What one tool call wrote to one entity: ``entity`` as the tool left it, whether its
    state was set, and which attributes were set (setting a value it already had counts:
    "turn on" a light that reads on still sends the command)."""

    entity: Entity
    before: Entity
    state: bool = False
    attributes: frozenset[str] = field(default_factory=frozenset)

    @property
    def id(self) -> str:
        return self.entity.id


def _written(tracked: _TrackedEntity, before: Entity) -> EntityWrite | None:
    attrs = tracked.attributes
    keys = frozenset(attrs.written) if isinstance(attrs, _TrackedAttributes) else frozenset()
    if not tracked._state_written and not keys:
        return None
    plain = Entity.model_validate(
        {**tracked.__dict__, "attributes": dict(tracked.attributes)}, from_attributes=False
    )
    return EntityWrite(entity=plain, before=before, state=tracked._state_written, attributes=keys)


class ActuatedHome(HomeWorld):
    """A home model mirrored from real devices; subclasses say how writes are carried out.

    The model (floors, areas, entities) is filled by the subclass as the real system reports
    it, under :attr:`lock`. Timers, lists and broadcasts stay local to the agent, like in the
    simulated home.
    """

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__({}, clock=clock)
        self.lock = threading.RLock()
        self._local_ids = set(self.entities)  # the shopping list: the agent's own

    # -- what subclasses implement -------------------------------------------------------
    def actuate(self, tool: str, args: Mapping[str, Any], writes: list[EntityWrite]) -> None:
        """Carry out a tool call's writes on the devices; raise ``ToolError`` when they fail."""
        raise NotImplementedError

    def owns(self, entity_id: str) -> bool:
        """Whether an entity is a device (its writes go to :meth:`actuate`) rather than
        the agent's own bookkeeping (applied to the model directly)."""
        return entity_id not in self._local_ids

    def is_local_attribute(self, entity: Entity, key: str) -> bool:
        """Whether an attribute of a device entity is the agent's bookkeeping (a climate's
        last mode, a scene's last activation), applied directly rather than actuated."""
        return False

    # -- running tools -------------------------------------------------------------------
    def run_tool(self, tool: Tool, args: Mapping[str, Any]) -> Any:
        """Run a smart-home tool on tracked copies, then actuate what it wrote."""
        with self.lock:
            real = self.entities
            trial = {key: _track(e) for key, e in real.items()}
            self.entities = dict(trial)
            try:
                output = tool.invoke(args)
            finally:
                self.entities = real
            writes = [w for key, e in trial.items() if (w := _written(e, real[key])) is not None]
            device = [w for w in writes if self.owns(w.id)]
            for w in writes:  # bookkeeping is not a command: it applies at once
                self._apply_local(w, whole=not self.owns(w.id))
        if device:
            self.actuate(tool.name, args, device)
        return output

    def _apply_local(self, write: EntityWrite, *, whole: bool) -> None:
        entity = self.entities.get(write.id)
        if entity is None:
            return
        if whole:
            self.entities[write.id] = write.entity
            return
        for key in write.attributes:
            if self.is_local_attribute(entity, key):
                entity.attributes[key] = write.entity.attributes.get(key)
        for key in set(write.before.attributes) - set(write.entity.attributes):
            if self.is_local_attribute(entity, key):  # dropped by the tool (a popped mode)
                entity.attributes.pop(key, None)

    # -- the World protocol, under the lock ----------------------------------------------
    def vocabulary(self) -> dict[str, list[str]]:
        with self.lock:
            return super().vocabulary()

    def describe(self) -> str:
        with self.lock:
            return super().describe()

    def snapshot(self) -> dict[str, JsonValue]:
        with self.lock:
            return super().snapshot()

    def copy(self) -> HomeWorld:
        """A simulated home holding a copy of the current model (no connection)."""
        with self.lock:
            plain = HomeWorld({}, clock=self.clock)
            plain.floors = copy.deepcopy(self.floors)
            plain.areas = copy.deepcopy(self.areas)
            plain.entities = {k: e.model_copy(deep=True) for k, e in self.entities.items()}
            plain.timers = copy.deepcopy(self.timers)
            plain.lists = copy.deepcopy(self.lists)
            plain.media = copy.deepcopy(self.media)
            plain.speaker_area = self.speaker_area
            return plain


class ActuatedHomeToolkit(SmartHomeToolkit):
    """The smart-home toolkit on an :class:`ActuatedHome`: the same tools, names and
    arguments; each call's entity writes are carried out by the world before it returns."""

    world: ActuatedHome

    def __init__(self, world: ActuatedHome, *, intents: Collection[str] | None = None) -> None:
        super().__init__(world, intents=intents)

    def tools(self) -> list[Tool]:
        return [self._actuated(t) for t in super().tools()]

    def _actuated(self, inner: Tool) -> Tool:
        def run(self: ActuatedHomeToolkit, **kwargs: Any) -> Any:
            return self.world.run_tool(inner, kwargs)

        wrapped = Tool(
            run,
            name=inner.name,
            description=inner.description,
            risk=inner.risk,
            needs_confirmation=inner.needs_confirmation,
            args_model=inner.args_model,
            params=inner.params,
        )
        bound: Tool = wrapped.__get__(self)
        return bound
