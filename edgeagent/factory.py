"""Assembling agents from names: toolkits, brains, students, policies and the cloud, found
through entry points. The CLI, the evaluation runner and the benchmarks build everything
through these functions, so a name means the same thing everywhere."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgeagent.brains.base import Brain
from edgeagent.errors import ConfigError
from edgeagent.registry import BRAINS_GROUP, POLICIES_GROUP, PluginRegistry, ToolRegistry
from edgeagent.toolset import Toolset

DEFAULT_WORLD = "smart_home"
ZERO_SHOT_BRAIN = "gguf"  # reads any toolset from its prompt
DEFAULT_BRAIN = ZERO_SHOT_BRAIN


def default_db_path() -> Path:
    """Where the decision log lives: ``$EDGEAGENT_DB`` or the user's state directory."""
    from edgeagent.settings import settings

    return settings().db_path


def build_toolset(
    worlds: Sequence[str] = (DEFAULT_WORLD,),
    registry: ToolRegistry | None = None,
    **options: Any,
) -> Toolset:
    """A toolset with the toolkits published under the given names (fresh worlds each time);
    ``options`` (e.g. ``mqtt_url``, ``ha_url``) go to every toolkit's factory as keywords (an
    option a toolkit does not take is a :class:`ConfigError`)."""
    registry = registry or ToolRegistry()
    for name in worlds:
        if options:
            _check_options(f"world {name!r}", registry.plugins.load(name), options)
        registry.load_toolkit(name, **options)
    return registry.toolset()


def default_student(suites: Sequence[str]) -> Path | None:
    """The best student shipped for these worlds whose runtime is installed, or None."""
    from edgeagent.students import runnable_students

    found = runnable_students(suites)
    return found[0] if found else None


def default_brain_name(suites: Sequence[str]) -> str:
    """The kind of local brain edgeagent picks for these worlds: a shipped student's kind
    (``encoder`` where its runtime is installed, else ``lm``), else the zero-shot GGUF brain."""
    from edgeagent.students import read_manifest

    folder = default_student(suites)
    return read_manifest(folder).kind if folder is not None else ZERO_SHOT_BRAIN


def build_brain(
    name: str = DEFAULT_BRAIN,
    *,
    model: str | Path | None = None,
    plugins: PluginRegistry[Any] | None = None,
    **options: Any,
) -> Brain:
    """A brain from the ``edgeagent.brains`` entry points; ``model`` is passed as
    ``model_path`` when given. Options the plugin does not take are a :class:`ConfigError`
    (checked before it is called, so its own errors surface as they are)."""
    if name.startswith("replay:") and model is None and not options:
        return replay_brain(name)
    plugins = plugins or PluginRegistry(BRAINS_GROUP, "brain")
    factory: Callable[..., Brain] = plugins.load(name)
    if model is not None:
        options["model_path"] = model
    _check_options(f"brain {name!r}", factory, options)
    return factory(**options)


def build_local_brain(
    name: str | None = None,
    *,
    model: str | Path | None = None,
    adapter: str | Path | None = None,
    suites: Sequence[str] = (DEFAULT_WORLD,),
) -> Brain:
    """A local brain: the named plugin; a student folder given as ``model`` (whatever its
    kind); the GGUF brain for a model or adapter file; else the best one shipped for
    ``suites`` (a student trained for them, else the zero-shot GGUF brain)."""
    from edgeagent.cpu import configure
    from edgeagent.students import is_student_folder, load_brain

    configure()  # before llama.cpp or torch loads: threads sleep, not spin, while waiting
    options: dict[str, Any] = {"adapter": adapter} if adapter is not None else {}
    if name is None and model is not None and is_student_folder(model):
        if adapter is not None:
            raise ConfigError("--adapter goes with a GGUF model file, not a student folder")
        return load_brain(model)
    if name is None and model is not None and Path(model).is_dir():
        raise ConfigError(f"{model} is a folder but not a student folder (no student.json)")
    if name is None:
        if model is not None or adapter is not None:
            name = ZERO_SHOT_BRAIN
        else:
            folder = default_student(suites)
            return load_brain(folder) if folder is not None else build_brain(ZERO_SHOT_BRAIN)
    return build_brain(name, model=model, **options)


def build_policy(spec: str | Path | None, plugins: PluginRegistry[Any] | None = None) -> Any:
    """A policy from a YAML file path or an ``edgeagent.policies`` entry-point name."""
    from edgeagent.policy import DeclarativePolicy

    if spec is None:
        spec = "default"
    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        return DeclarativePolicy.from_file(path)
    plugins = plugins or PluginRegistry(POLICIES_GROUP, "policy")
    return plugins.load(str(spec))()


def build_cloud(spec: str | None) -> Brain | None:
    """The cloud brain: ``openai`` (``EDGEAGENT_CLOUD_*`` settings), ``replay:FILE`` (a case
    file or recorded decisions, told apart by their content), a brain name, or None."""
    if spec is None or spec == "none":
        return None
    if spec.startswith("replay:"):
        return replay_brain(spec)
    if spec in ("openai", "cloud"):
        from edgeagent.brains.cloud import CloudBrain

        return CloudBrain.from_env()
    return build_brain(spec)


def replay_brain(spec: str) -> Brain:
    """``replay:FILE``: answers from a case file or recorded decisions (told apart by their
    content); as a local brain (``--brain replay:FILE``) it runs an agent with no model."""
    from edgeagent.brains.replay import ReplayBrain

    source = Path(spec.split(":", 1)[1])
    if not source.is_file():
        raise ConfigError(f"replay file not found: {source}")
    if _is_case_file(source):
        return ReplayBrain.from_cases(source)
    return ReplayBrain.from_jsonl(source)


def _is_case_file(path: Path) -> bool:
    """Whether a JSONL file holds labelled cases (lines with ``expected``) rather than
    recorded decisions; the first non-blank line decides."""
    with path.open(encoding="utf-8") as fh:
        first = next((line for line in fh if line.strip()), "")
    try:
        row = json.loads(first)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:1: not JSON: {exc}") from exc
    return isinstance(row, dict) and "expected" in row


@dataclass
class Routing:
    """A routed brain and the policy it follows (``brain`` is the local one, unrouted, when
    neither a cloud nor a policy was asked for)."""

    brain: Brain
    policy: Any | None


def build_router(
    local: Brain,
    cloud: str | None,
    policy: str | Path | None,
    *,
    teacher: Any | None = None,
) -> Routing:
    """The local brain escalating to ``cloud`` under ``policy`` (either may be None: the
    default policy, local only); cloud answers go to ``teacher`` (the decision log)."""
    from edgeagent.brains.escalating import EscalatingBrain

    if cloud is None and policy is None:
        return Routing(local, None)
    the_policy = build_policy(policy)
    routed = EscalatingBrain(local, build_cloud(cloud), policy=the_policy, teacher=teacher)
    return Routing(routed, the_policy)


def _check_options(what: str, factory: Callable[..., Any], options: dict[str, Any]) -> None:
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # a builtin or C callable: let the call decide
        return
    try:
        signature.bind(**options)
    except TypeError as exc:
        raise ConfigError(
            f"{what} does not accept these options ({', '.join(options)}): {exc}"
        ) from exc
