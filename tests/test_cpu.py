"""Sharing a small CPU (edgeagent.cpu): OpenMP threads wait passively unless the user says
otherwise, and the thread count follows the load."""

from __future__ import annotations

from pathlib import Path

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


@pytest.mark.parametrize(
    ("loadavg", "threads"),
    [("0.1 0.1 0.1 1/100 5", 2), ("3.0 2.0 1.0 2/100 5", 1), ("9 9 9 7/300 5", 1)],
)
def test_threads_follow_the_runnable_tasks(
    loadavg: str, threads: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "loadavg"
    fake.write_text(loadavg)
    monkeypatch.setattr(cpu, "_LOADAVG", fake)
    monkeypatch.setattr(cpu, "cores", lambda: 2)
    assert cpu.threads_for_load() == threads
    assert cpu.threads_for_load(most=1) == 1
