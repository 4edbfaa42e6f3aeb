"""Registries: plugins found through entry points, and tools assembled into toolsets.

Nothing is registered as a side effect of importing a module: a registry is an object you
construct (and inject), which reads the entry-point groups lazily when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, TypeVar

from edgeagent.errors import ConfigError, UnknownNameError
from edgeagent.tool import Tool, Toolkit
from edgeagent.toolset import Toolset
from edgeagent.world import World

T = TypeVar("T")

TOOLS_GROUP = "edgeagent.tools"
BRAINS_GROUP = "edgeagent.brains"
POLICIES_GROUP = "edgeagent.policies"


class PluginRegistry(Generic[T]):
    """Named plugins from one entry-point group plus anything registered by hand."""

    def __init__(self, group: str, kind: str) -> None:
        self.group = group
        self.kind = kind
        self._manual: dict[str, T] = {}
        self._entry_points: dict[str, EntryPoint] | None = None

    def _eps(self) -> dict[str, EntryPoint]:
        if self._entry_points is None:
            found = {ep.name: ep for ep in entry_points(group=self.group)}
            if self.group == TOOLS_GROUP:  # toolkits not packaged yet: $EDGEAGENT_TOOLKITS
                from edgeagent.settings import settings

                for name, target in settings().toolkits.items():
                    found[name] = EntryPoint(name=name, value=target, group=self.group)
            self._entry_points = found
        return self._entry_points

    def register(self, name: str, plugin: T) -> None:
        self._manual[name] = plugin

    def names(self) -> list[str]:
        return sorted(set(self._manual) | set(self._eps()))

    def load(self, name: str) -> T:
        """The plugin object (usually a class or factory) registered under ``name``."""
        if name in self._manual:
            return self._manual[name]
        ep = self._eps().get(name)
        if ep is None:
            raise UnknownNameError(self.kind, name, self.names())
        try:
            obj: T = ep.load()
        except Exception as exc:
            raise ConfigError(
                f"{self.kind} plugin {name!r} ({ep.value}) failed to load: {exc}"
            ) from exc
        return obj


class ToolRegistry:
    """Tools and toolkits by name; builds :class:`Toolset` objects for agents and brains.

    Register plain tools, :class:`Toolkit` instances, or LangChain ``BaseTool`` objects;
    toolkits published under the ``edgeagent.tools`` entry-point group load on demand with
    :meth:`load_toolkit`.
    """

    def __init__(self, plugins: PluginRegistry[Any] | None = None) -> None:
        self.plugins: PluginRegistry[Any] = plugins or PluginRegistry(TOOLS_GROUP, "toolkit")
        self._tools: dict[str, Tool] = {}
        self._worlds: list[World] = []

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    @property
    def names(self) -> list[str]:
        return list(self._tools)

    @property
    def worlds(self) -> list[World]:
        return list(self._worlds)

    def register(self, item: Tool | Toolkit | Any, *, replace: bool = False) -> None:
        """Register a tool, every tool of a toolkit, or a LangChain tool."""
        if isinstance(item, Toolkit):
            for t in item.tools():
                self._add(t, replace)
            if item.world is not None and item.world not in self._worlds:
                self._worlds.append(item.world)
            return
        if not isinstance(item, Tool):
            from edgeagent.integrations.langchain import (
                from_langchain,  # only when a foreign tool shows up
            )

            item = from_langchain(item)
        self._add(item, replace)

    def _add(self, t: Tool, replace: bool) -> None:
        if t.name in self._tools and not replace:
            raise ConfigError(f"a tool named {t.name!r} is already registered")
        self._tools[t.name] = t

    def get(self, name: str) -> Tool:
        try:
            return self._tools[name]
        except KeyError:
            raise UnknownNameError("tool", name, self._tools) from None

    def load_toolkit(self, name: str, **kwargs: Any) -> Toolkit:
        """Construct the toolkit published as ``name`` and register its tools."""
        factory: Callable[..., Any] = self.plugins.load(name)
        kit = factory(**kwargs)
        if not isinstance(kit, Toolkit):
            raise ConfigError(f"entry point {name!r} did not produce a Toolkit (got {kit!r})")
        self.register(kit)
        return kit

    def toolset(self, names: Iterable[str] | None = None) -> Toolset:
        """A toolset of the named tools (all registered tools by default)."""
        chosen = [self.get(n) for n in names] if names is not None else list(self._tools.values())
        return Toolset(chosen, self._worlds)
