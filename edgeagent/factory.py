"""Assembling agents from names: worlds/toolkits and brains found through entry points."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edgeagent.brains.base import Brain
from edgeagent.errors import ConfigError
from edgeagent.registry import BRAINS_GROUP, POLICIES_GROUP, PluginRegistry, ToolRegistry
from edgeagent.toolset import Toolset

DEFAULT_WORLD = "smart_home"
DEFAULT_BRAIN = "gguf"


def default_db_path() -> Path:
    """Where the decision log lives: ``$EDGEAGENT_DB`` or the user's state directory."""
    if env := os.environ.get("EDGEAGENT_DB"):
        return Path(env)
    state = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
    return state / "edgeagent" / "decisions.db"


def build_toolset(
    worlds: Sequence[str] = (DEFAULT_WORLD,),
    registry: ToolRegistry | None = None,
    **options: Any,
) -> Toolset:
    """A toolset with the toolkits published under the given names (fresh worlds each time).

    ``options`` (e.g. ``mqtt_url``, ``ha_url``) go to the toolkits' factories as keywords.
    """
    registry = registry or ToolRegistry()
    for name in worlds:
        try:
            registry.load_toolkit(name, **options)
        except TypeError as exc:
            given = ", ".join(f"--{k.replace('_', '-')}" for k in options)
            raise ConfigError(f"world {name!r} does not take {given}: {exc}") from exc
    return registry.toolset()


def default_brain_name(suites: Sequence[str]) -> str:
    """The best local brain edgeagent ships for these worlds: the encoder student where it was
    trained for all of them and its runtime (the ``student`` extra) is installed, else the
    distilled LM student (GGUF brain with the shipped adapter), else the zero-shot GGUF brain
    (which reads any toolset)."""
    from edgeagent.models import bundled_adapter_suites, bundled_encoder_suites

    wanted = set(suites)
    if wanted and set(bundled_encoder_suites()) >= wanted:
        return "encoder"
    if wanted and set(bundled_adapter_suites()) >= wanted:
        return "student"
    return DEFAULT_BRAIN


def build_brain(
    name: str = DEFAULT_BRAIN,
    *,
    model: str | Path | None = None,
    plugins: PluginRegistry[Any] | None = None,
    **options: Any,
) -> Brain:
    """A brain from the ``edgeagent.brains`` entry points; ``model`` is passed when given."""
    plugins = plugins or PluginRegistry(BRAINS_GROUP, "brain")
    factory = plugins.load(name)
    if model is not None:
        options["model_path"] = model
    try:
        brain: Brain = factory(**options)
    except TypeError as exc:
        raise ConfigError(f"brain {name!r} does not accept these options: {exc}") from exc
    return brain


def build_local_brain(
    name: str | None = None,
    *,
    model: str | Path | None = None,
    adapter: str | Path | None = None,
    suites: Sequence[str] = (DEFAULT_WORLD,),
) -> Brain:
    """A local brain by name; None picks the best one shipped for ``suites`` (a model or
    adapter given without a name means the GGUF brain with them)."""
    if name is None:
        name = DEFAULT_BRAIN if (model or adapter) else default_brain_name(suites)
    options: dict[str, Any] = {"adapter": adapter} if adapter is not None else {}
    return build_brain(name, model=model, **options)


def build_policy(spec: str | Path | None, plugins: PluginRegistry[Any] | None = None) -> Any:
    """A policy from a YAML file path or an ``edgeagent.policies`` entry-point name."""
    from edgeagent.policies import DeclarativePolicy

    if spec is None:
        spec = "default"
    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        return DeclarativePolicy.from_file(path)
    plugins = plugins or PluginRegistry(POLICIES_GROUP, "policy")
    return plugins.load(str(spec))()


def build_cloud(spec: str | None) -> Brain | None:
    """The cloud brain: ``openai`` (``EDGEAGENT_CLOUD_*`` settings), ``replay:FILE``, or None."""
    if spec is None or spec == "none":
        return None
    if spec.startswith("replay:"):
        from edgeagent.brains.replay import ReplayBrain

        source = Path(spec.split(":", 1)[1])
        if not source.is_file():
            raise ConfigError(f"replay file not found: {source}")
        try:
            return ReplayBrain.from_cases(source)
        except ConfigError:
            return ReplayBrain.from_jsonl(source)
    if spec in ("openai", "cloud"):
        from edgeagent.brains.cloud import CloudBrain

        return CloudBrain.from_env()
    return build_brain(spec)
