"""Shared fixtures: a tiny world and toolkit that do not depend on the shipped plugins."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from edgeagent.settings import settings
from edgeagent.testing.lamps import LampKit, LampWorld
from edgeagent.toolset import Toolset

__all__ = ["LampKit", "LampWorld"]

pytest_plugins = ["tests.eval_cases"]  # the eval tests' case file and scripted brain

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Saved KV states, built models and registered students go to fresh folders, so tests
    neither read nor fill the user's."""
    old = {k: os.environ.get(k) for k in ("EDGEAGENT_CACHE", "EDGEAGENT_HOME")}
    os.environ["EDGEAGENT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["EDGEAGENT_HOME"] = str(tmp_path_factory.mktemp("home"))
    yield
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# The shared benchmark data (``../shared/data`` beside the repository, or $EDGEAGENT_DATA).
DATA_DIR = settings().data or REPO.parent / "shared" / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture
def lamp_kit() -> LampKit:
    return LampKit()


@pytest.fixture
def lamp_toolset(lamp_kit: LampKit) -> Toolset:
    return Toolset(lamp_kit.tools(), [lamp_kit.world])


# Property-based tests run derandomized (the same examples every run). The brain-output fuzz
# tests size themselves by the profile: `ci` (the default) 10,000 examples per toolkit,
# `pytest --hypothesis-profile=dev` 500 (tests/test_fuzz_outputs.py); other property tests
# keep hypothesis' default number of examples.
_FUZZ = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": list(HealthCheck),
}
hypothesis_settings.register_profile("ci", **_FUZZ)
hypothesis_settings.register_profile("dev", **_FUZZ)
hypothesis_settings.load_profile("ci")
