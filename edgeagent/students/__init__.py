"""Students: small local models distilled from teacher decisions, as a plugin kind.

A student kind (``encoder``, ``lm``, or a third party's) implements :class:`Student` and is
published under the ``edgeagent.students`` entry-point group, like a toolkit or a brain. Every
trained student is a folder with one manifest format, ``student.json``
(:class:`StudentManifest`: kind, toolkits, base model, files, the kind's settings,
calibration, training report); :func:`load_brain` runs any such folder, whatever its kind.
``edgeagent distill``, ``edgeagent compress`` and the default-brain choice dispatch on the
kind, so nothing outside a student's own package knows how it is built.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edgeagent.brains.base import Brain
from edgeagent.cases import Case
from edgeagent.errors import ConfigError
from edgeagent.registry import PluginRegistry

STUDENTS_GROUP = "edgeagent.students"
MANIFEST = "student.json"
BUNDLED_DIR = Path(__file__).with_name("bundled")

Progress = Callable[[int, float], None]


class StudentManifest(BaseModel):
    """``student.json``: what every student folder says about itself."""

    model_config = ConfigDict(extra="forbid")

    format: Literal[1] = 1
    kind: str = Field(description="The student plugin that trained it and runs it")
    toolkits: list[str] = Field(description="The toolkits (worlds) it was trained for")
    base: str = Field(description="What it builds on: a package, a model file in one, ...")
    files: dict[str, str] = Field(description="Role -> file name in the folder")
    settings: dict[str, Any] = Field(
        default_factory=dict, description="The kind's own layout and options"
    )
    calibration: dict[str, Any] = Field(
        default_factory=dict, description="How its confidence was fitted, and on what"
    )
    training: dict[str, Any] = Field(
        default_factory=dict, description="The training report: command, data, steps, times"
    )


@runtime_checkable
class Student(Protocol):
    """A kind of student: how to train one and how to run a trained folder.

    ``Config`` is the kind's training options (a pydantic model with ``extra="forbid"``).
    Optional: ``calibrate(folder, cases) -> dict`` (refit the confidence),
    ``variants(folder, out, cases, **options) -> list[Path]`` (compressed copies) and
    ``export(folder, out) -> StudentManifest`` (the folder's form for an edge runtime).
    """

    kind: str
    Config: type[BaseModel]

    def missing_runtime(self, folder: Path | None = None) -> str | None:
        """None when a trained folder (``folder``, in whatever form it is) can run here, else
        what to install."""
        ...

    def train(
        self,
        cases: Sequence[Case],
        config: BaseModel,
        out: Path,
        *,
        init: Path | None = None,
        progress: Progress | None = None,
    ) -> StudentManifest:
        """Train on ``cases`` (starting from the student folder ``init``), write the folder
        ``out`` with its manifest, and return the manifest."""
        ...

    def load(self, folder: Path, **options: Any) -> Brain:
        """A brain deciding with the student in ``folder``."""
        ...


STUDENT_MEMBERS = ("kind", "Config", "missing_runtime", "train", "load")


def plugins() -> PluginRegistry[Any]:
    """The student kinds published under ``edgeagent.students``."""
    return PluginRegistry(STUDENTS_GROUP, "student kind")


def student_kind(kind: str, registry: PluginRegistry[Any] | None = None) -> Student:
    """The student plugin named ``kind`` (unknown names fail with the close matches)."""
    factory = (registry or plugins()).load(kind)
    plugin = factory() if isinstance(factory, type) else factory
    # looked up statically: a kind's ``Config`` may be a property that imports its training
    # code (torch-free, but a fifth of a second that running a student does not need)
    missing = [m for m in STUDENT_MEMBERS if inspect.getattr_static(plugin, m, None) is None]
    if missing:
        raise ConfigError(
            f"student kind {kind!r} does not implement the Student protocol"
            f" (no {', '.join(missing)})"
        )
    return plugin


def is_student_folder(path: str | Path) -> bool:
    return (Path(path) / MANIFEST).is_file()


def read_manifest(folder: str | Path) -> StudentManifest:
    """The manifest of a student folder; a clear error when there is none or it is invalid."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ConfigError(f"{folder}: not a student folder (no {MANIFEST})")
    try:
        return StudentManifest.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise ConfigError(f"{path}: not a valid student manifest:\n{exc}") from exc


def write_manifest(manifest: StudentManifest, folder: str | Path) -> Path:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    path = out / MANIFEST
    path.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def load_brain(folder: str | Path, **options: Any) -> Brain:
    """A brain running the student in ``folder``, whatever its kind."""
    manifest = read_manifest(folder)
    return student_kind(manifest.kind).load(Path(folder), **options)


def bundled(kind: str) -> Path:
    """The folder of the student of ``kind`` that ships with edgeagent."""
    folder = BUNDLED_DIR / kind
    if not is_student_folder(folder):
        raise ConfigError(
            f"the bundled {kind} student is missing ({folder}); rebuild it with the command in"
            f" {BUNDLED_DIR / 'README.md'}"
        )
    return folder


def shipped_names() -> list[str]:
    """The names of the student folders that ship with edgeagent (``encoder``, ``lm``, ...)."""
    if not BUNDLED_DIR.is_dir():
        return []
    return sorted(p.name for p in BUNDLED_DIR.iterdir() if is_student_folder(p))


def users_students() -> Path:
    """Where a user's trained students are registered: ``$EDGEAGENT_HOME/students``."""
    from edgeagent.settings import settings

    return settings().home_dir / "students"


def user_student_folder(toolkits: Sequence[str]) -> Path:
    """The folder ``edgeagent distill`` registers a student for ``toolkits`` in."""
    return users_students() / "+".join(sorted(set(toolkits)))


def shipped_students(toolkits: Sequence[str]) -> list[Path]:
    """Student folders a toolkit package ships for itself: ``students/*/`` beside the module
    that defines the toolkit class."""
    import sys

    from edgeagent.registry import ToolRegistry

    out = []
    registry = ToolRegistry()
    for name in toolkits:
        try:
            factory = registry.plugins.load(name)
        except Exception:  # an unknown toolkit ships nothing
            continue
        module = sys.modules.get(getattr(factory, "__module__", ""), None)
        where = getattr(module, "__file__", None)
        if where:
            folder = Path(where).parent / "students"
            out += sorted(p.parent for p in folder.glob(f"*/{MANIFEST}"))
    return out


def candidate_students(toolkits: Sequence[str]) -> list[Path]:
    """Every student folder that may serve ``toolkits``, best first: the user's own
    (registered by ``edgeagent distill``, newest first), those the toolkits ship, then the
    ones edgeagent ships (in the order of ``BUNDLED_ORDER``)."""
    users = users_students()
    own = sorted(
        (p.parent for p in users.glob(f"*/{MANIFEST}")) if users.is_dir() else [],
        key=lambda p: (p / MANIFEST).stat().st_mtime,
        reverse=True,
    )
    return [*own, *shipped_students(toolkits), *(BUNDLED_DIR / k for k in BUNDLED_ORDER)]


def runnable_students(toolkits: Sequence[str]) -> list[Path]:
    """Student folders trained for every one of ``toolkits`` whose runtime is installed, best
    first (see :func:`candidate_students`)."""
    wanted = set(toolkits)
    found = []
    for folder in candidate_students(toolkits):
        if not is_student_folder(folder):
            continue
        try:
            manifest = read_manifest(folder)
            plugin = student_kind(manifest.kind)
        except ConfigError:
            continue
        if not wanted or not wanted <= set(manifest.toolkits):
            continue
        if plugin.missing_runtime(folder) is None:
            found.append(folder)
    return found


BUNDLED_ORDER = ("encoder", "lm")  # measured in docs/students.md: the encoder wins where it runs

__all__ = [
    "MANIFEST",
    "STUDENTS_GROUP",
    "Student",
    "StudentManifest",
    "bundled",
    "candidate_students",
    "is_student_folder",
    "load_brain",
    "plugins",
    "read_manifest",
    "runnable_students",
    "shipped_names",
    "student_kind",
    "user_student_folder",
    "write_manifest",
]
