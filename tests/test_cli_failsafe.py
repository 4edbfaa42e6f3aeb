"""`edgeagent run` fails safe: one JSON object a line, refusals that say how to allow, bad
input lines reported and skipped, bad requests refused in bounded time (no model needed: the
local brain replays recorded answers)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgeagent.cli import app
from edgeagent.telemetry import read_decisions

ANSWERS = [
    {"utterance": "turn on the kitchen light", "calls": [
        {"tool": "HassTurnOn", "args": {"area": "Kitchen", "domain": "light"}}]},
    {"utterance": "unlock the front door", "calls": [
        {"tool": "HassTurnOff", "args": {"name": "Front Door"}}]},
    {"utterance": "turn off the kitchen light", "calls": [
        {"tool": "HassTurnOff", "args": {"area": "Kitchen", "domain": "light"}}]},
]  # fmt: skip


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ANSWERS))
    return path


def run(tmp_path: Path, answers: Path, lines: bytes, *extra: str) -> tuple[int, str, str]:
    requests = tmp_path / "requests.jsonl"
    requests.write_bytes(lines)
    db = tmp_path / "log.db"
    result = CliRunner().invoke(
        app,
        ["run", "--brain", f"replay:{answers}", "--input", str(requests), "--db", str(db), *extra],
    )
    return result.exit_code, result.stdout, result.stderr


def test_json_is_one_object_a_line(tmp_path: Path, answers: Path) -> None:
    code, out, _ = run(
        tmp_path, answers, b"turn on the kitchen light\nturn off the kitchen light\n", "--json"
    )
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    steps = [json.loads(line) for line in lines]  # each line alone is a whole object
    assert [s["decision"]["calls"][0]["tool"] for s in steps] == ["HassTurnOn", "HassTurnOff"]
    logged = read_decisions(tmp_path / "log.db")
    assert [r["observation_id"] for r in logged] == [s["observation"]["id"] for s in steps]


def test_a_run_that_cannot_ask_refuses_an_unlock_and_says_how_to_allow_it(
    tmp_path: Path, answers: Path
) -> None:
    code, out, _ = run(tmp_path, answers, b"unlock the front door\n")
    assert code == 0
    text = " ".join(out.split())
    assert "nobody can confirm in this run" in text
    assert "confirm.allow" in text and "--policy FILE" in text
    (row,) = read_decisions(tmp_path / "log.db")
    assert row["changes"] == {} and row["results"][0]["error_type"] == "PolicyDenied"
    # the policy that says so lets it run unattended
    allow = tmp_path / "allow.yaml"
    allow.write_text(
        "name: mine\nconfirm:\n  allow:\n    - {tool: HassTurnOff, args: {name: [Front Door]}}\n"
    )
    code, out, _ = run(tmp_path, answers, b"unlock the front door\n", "--policy", str(allow))
    assert code == 0 and "lock.front_door.state" in out and "unlocked" in out


def test_bad_lines_are_reported_and_the_run_goes_on(tmp_path: Path, answers: Path) -> None:
    lines = b"".join(
        [
            b"turn on the kitchen light\n",
            b'{"utterance": "unterminated\n',  # malformed JSON
            b'{"utterance": 42}\n',  # a wrong type
            b'{"utterance": "x", "context": "not an object"}\n',  # a wrong context
            b"\xff\xfe turn off \xc3\x28\n",  # not UTF-8
            b'{"utterance": ""}\n',  # empty
            b"x" * (300 * 1024) + b"\n",  # longer than a line may be
            b"turn off the kitchen light\n",
        ]
    )
    code, out, err = run(tmp_path, answers, lines, "--json")
    assert code == 0, err
    steps = [json.loads(line) for line in out.splitlines()]
    assert [s["observation"]["utterance"] for s in steps] == [
        "turn on the kitchen light",
        "turn off the kitchen light",
    ]
    warnings = " ".join(err.split())
    for n in (2, 3, 4, 5, 6, 7):
        assert f"requests.jsonl:{n}:" in warnings, n
    assert "not valid UTF-8" in warnings and "longer than 262144 bytes" in warnings


def test_huge_and_odd_requests_are_refused_or_cleaned_quickly(
    tmp_path: Path, answers: Path
) -> None:
    huge = "turn on the kitchen light " * 40_000  # 1 MB in one line: skipped as it is read
    big = "turn on the kitchen light " * 4_000  # 100 kB: refused by the agent
    deep: object = "x"
    for _ in range(50):
        deep = [deep]
    lines = [
        json.dumps({"utterance": huge}),
        json.dumps({"utterance": big}),
        json.dumps({"utterance": "turn on the kitchen light", "context": {"a": "b" * 50_000}}),
        json.dumps({"utterance": "turn on the kitchen light", "context": {"deep": deep}}),
        json.dumps({"utterance": "turn on\x00 the\x1b[31m kitchen\u0007 light\ud800"}),
        json.dumps({"utterance": "[/] [bold]markup[/bold] is not read as markup [/"}),
    ]
    start = time.perf_counter()
    code, out, err = run(tmp_path, answers, ("\n".join(lines) + "\n").encode())
    assert time.perf_counter() - start < 20
    assert code == 0, err
    rows = read_decisions(tmp_path / "log.db")
    assert len(rows) == 5
    reasons = [r["reason"] or "" for r in rows]
    assert "requests.jsonl:1: longer than 262144 bytes; skipped" in " ".join(err.split())
    assert "104,000 characters long; the limit is 2,000" in reasons[0]
    assert "the context is 50,0" in reasons[1] and "nested deeper than 8" in reasons[2]
    assert rows[3]["utterance"] == "turn on  the [31m kitchen  light\ufffd"
    assert rows[3]["kind"] == "invalid"  # the cleaned words are no recorded request
    assert "markup" in (rows[4]["utterance"] or "")
    assert "input refused" in " ".join(out.split())


def _read_until(fd: int, marker: bytes, timeout: float = 60.0) -> bytes:
    import os
    import select

    seen, end = b"", time.monotonic() + timeout
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            raise AssertionError(f"no {marker!r} on the terminal; saw {seen[-500:]!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.parametrize("answer", [b"y", b"n"])
def test_an_interactive_run_asks_on_the_terminal(
    tmp_path: Path, answers: Path, answer: bytes
) -> None:
    """On a terminal, the person is asked before an unlock, and only a yes runs it."""
    import os
    import pty
    import subprocess
    import sys

    db = tmp_path / "log.db"
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from edgeagent.cli import app; app()", "run",
         "--brain", f"replay:{answers}", "--db", str(db)],
        stdin=slave, stdout=slave, stderr=slave, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    os.close(slave)
    try:
        _read_until(master, b"you>")
        os.write(master, b"unlock the front door\r")
        asked = _read_until(master, b"y/N")
        assert b"security" in asked and b"Front Door" in asked
        os.write(master, answer + b"\r")
        _read_until(master, b"you>")
        os.write(master, b"\r")  # an empty line ends the run
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    (row,) = read_decisions(db)
    unlocked = row["changes"].get("lock.front_door.state") == ["locked", "unlocked"]
    assert unlocked == (answer == b"y")
