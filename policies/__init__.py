"""First-party policies (installed as ``edgeagent_policies``), registered through the
``edgeagent.policies`` entry points exactly like a third party's would be."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from edgeagent.policy import DeclarativePolicy


def policy_path(name: str) -> Path:
    """Path of a shipped policy file (``default``, ``cautious_home``, ``robot``)."""
    return Path(str(files(__package__).joinpath(f"{name}.yaml")))


def default() -> DeclarativePolicy:
    """Balanced routing for a home hub."""
    return DeclarativePolicy.from_file(policy_path("default"))


def cautious_home() -> DeclarativePolicy:
    """Confirm security actions, escalate generously, act offline only when sure."""
    return DeclarativePolicy.from_file(policy_path("cautious_home"))


def robot() -> DeclarativePolicy:
    """Multi-step plans to the cloud; robot motion needs high confidence."""
    return DeclarativePolicy.from_file(policy_path("robot"))


def collect() -> DeclarativePolicy:
    """Ask the cloud about every request and log its answers for distillation."""
    return DeclarativePolicy.from_file(policy_path("collect"))
