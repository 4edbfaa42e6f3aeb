"""The cloud path for real: llama-cpp-python's OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from edgeagent import Agent, Observation, ToolCall
from edgeagent.assets import default_gguf_path
from edgeagent.brains.cloud import CloudBrain, CloudSettings
from edgeagent.brains.escalating import EscalatingBrain
from edgeagent.policy import DeclarativePolicy, PolicyConfig
from edgeagent.telemetry import Telemetry
from edgeagent.testing import FunctionBrain
from edgeagent.toolset import Toolset

pytestmark = pytest.mark.model


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log = Path(f"/tmp/edgeagent-test-server-{self.port}.log")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(default_gguf_path()),
             "--chat_format", "chatml-function-calling", "--host", "127.0.0.1",
             "--port", str(self.port), "--n_ctx", "4096"],
            stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            # llama.cpp's threads sleep while they wait, as in edgeagent (edgeagent.cpu): on a
            # busy machine a spinning server took over 25 s a request
            env={"OMP_WAIT_POLICY": "PASSIVE", **os.environ},
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/models", timeout=1).read()
                return
            except OSError:
                time.sleep(0.3)
        self.kill()
        raise RuntimeError("server did not start in 120 s")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    yield srv
    if srv.proc.poll() is None:
        srv.kill()


def cloud_brain(url: str) -> CloudBrain:
    return CloudBrain.from_settings(CloudSettings(model="smollm2", base_url=url, timeout_s=30))


def test_cloud_brain_makes_tool_calls_over_http(server: Server, lamp_toolset: Toolset) -> None:
    brain = cloud_brain(server.url)
    assert brain.name == "cloud:smollm2"
    names = set(lamp_toolset.vocabulary()["name"])
    acted = 0
    for text in ["turn on the desk lamp", "switch off the bedroom lamp", "how many lamps are on"]:
        d = brain.decide(Observation.of(text), lamp_toolset)
        assert d.kind in {"act", "answer", "noop"}, d.reason
        for call in d.calls:  # validated like any brain's output
            assert lamp_toolset.validate_call(call) == call
            if "name" in call.args:
                assert call.args["name"] in names
        acted += d.kind == "act"
        assert d.tokens.prompt > 0
    assert acted >= 1


def test_killing_the_cloud_mid_run_keeps_the_agent_deciding(
    server: Server, lamp_toolset: Toolset, tmp_path: Path
) -> None:
    lamp = ToolCall(tool="turn_off", args={"name": "Bedroom Lamp"})
    local = FunctionBrain(lambda obs, ts: lamp, confidence=0.6, name="local")
    policy = DeclarativePolicy(
        PolicyConfig(threshold=0.9, deadline_ms=30000, cloud_timeout_ms=25000, max_retries=1,
                     backoff_ms=50, breaker_failures=2, offline={"floor": 0.5})
    )  # fmt: skip
    db = tmp_path / "log.db"
    with Telemetry(db) as log:
        brain = EscalatingBrain(
            local, cloud_brain(server.url), policy=policy, teacher=log.record_teacher
        )
        agent = Agent(brain, lamp_toolset, telemetry=log)
        before = [agent.step(t) for t in ["turn on the desk lamp", "switch off the bedroom lamp"]]
        assert [s.decision.tier for s in before] == ["cloud", "cloud"], [
            s.decision.escalation_reason for s in before
        ]
        server.kill()
        after = []
        for text in ["turn on the desk lamp", "lamps off", "desk lamp please", "bedroom lamp off"]:
            t = time.perf_counter()
            after.append(agent.step(text))  # no exception escapes
            assert time.perf_counter() - t < policy.config.deadline_ms / 1000
        brain.close()
        assert log.count() == 6
        assert len(list(log.teacher_examples())) == 2
    for step in after:  # offline rule: the local decision clears the floor, so it acts locally
        assert step.decision.tier == "local" and step.decision.calls == (lamp,)
        reason = step.decision.escalation_reason or ""
        assert "cloud failed" in reason or "circuit open" in reason
    assert "circuit open" in (after[-1].decision.escalation_reason or "")
