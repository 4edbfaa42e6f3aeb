"""Sharing a small CPU (edgeagent.cpu): OpenMP threads wait passively unless the user says
otherwise."""

from __future__ import annotations

import pytest

from edgeagent import cpu


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    monkeypatch.delenv("EDGEAGENT_CPU_WAIT", raising=False)
    return monkeypatch


def test_passive_waits_by_default(clean_env: pytest.MonkeyPatch) -> None:
    import os

    assert cpu.configure() == "PASSIVE"
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"


def test_the_users_own_policy_wins_and_runtime_keeps_the_default(
    clean_env: pytest.MonkeyPatch,
) -> None:
    import os

    clean_env.setenv("OMP_WAIT_POLICY", "ACTIVE")
    assert cpu.configure() == "ACTIVE" and os.environ["OMP_WAIT_POLICY"] == "ACTIVE"
    clean_env.delenv("OMP_WAIT_POLICY")
    clean_env.setenv("EDGEAGENT_CPU_WAIT", "runtime")
    assert cpu.configure() is None and "OMP_WAIT_POLICY" not in os.environ


def test_building_a_local_brain_configures_before_loading(clean_env: pytest.MonkeyPatch) -> None:
    import os

    from edgeagent.factory import build_local_brain

    build_local_brain("gguf")  # constructed, not loaded (llama.cpp loads lazily)
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
