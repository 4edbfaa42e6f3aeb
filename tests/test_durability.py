"""Nothing acknowledged is lost: every step `edgeagent run` printed before a `kill -9` is in
the decision log; a locked, read-only or corrupt log is reported once while the agent keeps
acting, and the waiting records are written when the log is back."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from edgeagent import Agent, ToolCall
from edgeagent.telemetry import Telemetry, read_decisions
from edgeagent.testing import ScriptedBrain
from edgeagent.toolset import Toolset

KILLS = 24
REQUESTS = ["turn on the kitchen light", "turn off the kitchen light", "what time is it"]
ANSWERS = [
    {"utterance": REQUESTS[0], "calls": [{"tool": "HassTurnOn", "args": {"area": "Kitchen"}}]},
    {"utterance": REQUESTS[1], "calls": [{"tool": "HassTurnOff", "args": {"area": "Kitchen"}}]},
    {"utterance": REQUESTS[2], "calls": []},
]
EDGEAGENT = [sys.executable, "-c", "from edgeagent.cli import app; app()"]


def test_kill_9_loses_no_acknowledged_decision(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps(a) + "\n" for a in ANSWERS))
    requests = tmp_path / "requests.jsonl"
    requests.write_text(
        "".join(json.dumps({"utterance": REQUESTS[i % 3]}) + "\n" for i in range(5000))
    )
    policy = tmp_path / "unlimited.yaml"
    policy.write_text("name: unlimited\n")
    db = tmp_path / "log.db"
    rng = random.Random(12)
    acknowledged: list[str] = []
    for kill in range(KILLS):
        proc = subprocess.Popen(
            [*EDGEAGENT, "run", "--brain", f"replay:{answers}", "--policy", str(policy),
             "--input", str(requests), "--db", str(db), "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.stdout is not None
        # kill at a random point: after a random number of printed steps, then a random delay
        # (so some kills land mid-step, between the commit and the print, or during startup)
        target = rng.choice([0, 1, rng.randint(2, 40), rng.randint(40, 400)])
        for _ in range(target):
            line = proc.stdout.readline()
            if not line:
                break
            acknowledged.append(json.loads(line)["observation"]["id"])
        time.sleep(rng.uniform(0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, f"kill {kill}: the run ended by itself"
    logged = {row["observation_id"] for row in read_decisions(db)}
    lost = [i for i in acknowledged if i not in logged]
    print(f"{KILLS} kills, {len(acknowledged)} acknowledged steps, {len(lost)} lost")
    assert len(acknowledged) > 500
    assert lost == []
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _steps(agent: Agent, n: int) -> list[str]:
    return [agent.step("desk lamp").observation.id for _ in range(n)]


def _agent(lamp_toolset: Toolset, log: Telemetry) -> Agent:
    off = ToolCall(tool="turn_off", args={"name": "Desk Lamp"})
    return Agent(ScriptedBrain([off] * 100), lamp_toolset, telemetry=log)


def test_a_locked_log_is_reported_once_and_written_when_unlocked(
    lamp_toolset: Toolset, tmp_path: Path
) -> None:
    db, clock, told = tmp_path / "log.db", Clock(), []
    log = Telemetry(db, on_problem=told.append, busy_timeout_s=0.05, retry_s=1.0, clock=clock)
    agent = _agent(lamp_toolset, log)
    first = _steps(agent, 2)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    start = time.perf_counter()
    waiting = _steps(agent, 5)
    assert time.perf_counter() - start < 1.0  # the agent is not held up by the lock
    assert log.pending == 5 and len(told) == 1 and "database is locked" in told[0]
    other.execute("COMMIT")
    other.close()
    clock.now += 1.5
    after = _steps(agent, 1)
    assert log.pending == 0 and len(told) == 2 and "wrote 5 waiting records" in told[1]
    log.close()
    assert [r["observation_id"] for r in read_decisions(db)] == first + waiting + after


def _read_only(paths: list[Path], on: bool) -> None:
    """Make files read-only for this user: immutable for root (who ignores permissions),
    plain permissions for everyone else."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i" if on else "-i", *map(str, paths)], check=True)
    else:  # pragma: no cover - CI runs as root
        for p in paths:
            p.chmod((0o500 if p.is_dir() else 0o400) if on else 0o700)


def test_a_read_only_log_is_buffered_until_writable(lamp_toolset: Toolset, tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    db = folder / "log.db"
    Telemetry(db).close()
    _read_only([folder, db], True)
    try:
        clock, told = Clock(), []
        log = Telemetry(db, on_problem=told.append, retry_s=1.0, clock=clock)
        agent = _agent(lamp_toolset, log)
        waiting = _steps(agent, 3)
        assert lamp_toolset.worlds[0].lamps["Desk Lamp"] == "off"  # the agent kept acting
        assert log.pending == 3 and len(told) == 1 and "cannot be written" in told[0]
        with pytest.raises(sqlite3.OperationalError):  # really read-only, not a pretence
            sqlite3.connect(db).execute("CREATE TABLE t (x)")
    finally:
        _read_only([folder, db], False)
    clock.now += 2
    after = _steps(agent, 1)
    log.close()
    assert [r["observation_id"] for r in read_decisions(db)] == waiting + after
    assert "writable again" in told[-1]


def test_a_corrupt_log_is_reported_once_and_replaced_log_gets_the_records(
    lamp_toolset: Toolset, tmp_path: Path
) -> None:
    db = tmp_path / "log.db"
    db.write_bytes(b"this is not a database at all " * 200)
    clock, told = Clock(), []
    log = Telemetry(db, on_problem=told.append, retry_s=1.0, clock=clock)
    agent = _agent(lamp_toolset, log)
    waiting = _steps(agent, 4)
    assert all(s for s in waiting) and log.pending == 4
    assert len(told) == 1 and "not a database" in told[0]
    assert lamp_toolset.worlds[0].lamps["Desk Lamp"] == "off"  # the agent kept acting
    shutil.move(db, tmp_path / "corrupt.db")  # the owner moves the bad file away
    clock.now += 2
    after = _steps(agent, 1)
    log.close()
    assert [r["observation_id"] for r in read_decisions(db)] == waiting + after


def test_records_kept_in_memory_are_bounded(lamp_toolset: Toolset, tmp_path: Path) -> None:
    db = tmp_path / "missing" / "log.db"
    (tmp_path / "missing").write_text("a file where the folder should be")
    told: list[str] = []
    log = Telemetry(db, on_problem=told.append, max_pending=3)
    _steps(_agent(lamp_toolset, log), 5)
    assert log.pending == 3 and log.dropped == 2 and len(told) == 1
    log.close()
    assert "3 records could not be written" in told[-1]
