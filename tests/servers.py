"""Real servers for the device tests: mosquitto and Home Assistant on 127.0.0.1, free ports.

Missing software FAILS the tests with what to install (``.ci/run`` installs both): a test of
real devices never skips itself into green.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
HA_VENV = Path(os.environ.get("EDGEAGENT_HA_VENV") or REPO / ".ha-venv")
HA_HOME = Path(__file__).resolve().parent / "ha_home"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:g} s")


def need(program: str, package: str) -> str:
    found = shutil.which(program) or next(
        (p for p in (f"/usr/sbin/{program}", f"/usr/bin/{program}") if Path(p).exists()), None
    )
    if found is None:
        pytest.fail(f"{program} is not installed: apt-get install {package} (.ci/run does)")
    return found


class Mosquitto:
    """A mosquitto broker on 127.0.0.1 that a test can stop and start again (same port)."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.binary = need("mosquitto", "mosquitto")
        self.port = port or free_port()
        self.conf = folder / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
            "set_tcp_nodelay true\n",
            encoding="utf-8",
        )
        self.log = folder / "mosquitto.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> Mosquitto:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "-c", str(self.conf)], stdout=log, stderr=log
            )
        wait_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


class HomeAssistant:
    """Home Assistant core from ``.ha-venv`` with the test home (``tests/ha_home``)."""

    def __init__(self, folder: Path) -> None:
        self.hass = HA_VENV / "bin" / "hass"
        if not self.hass.exists():
            pytest.fail(
                f"Home Assistant is not installed in {HA_VENV}: run .ci/install-homeassistant "
                "(.ci/run does)"
            )
        self.port = free_port()
        self.config = folder / "ha-config"
        self.config.mkdir()
        text = (HA_HOME / "configuration.yaml").read_text(encoding="utf-8")
        (self.config / "configuration.yaml").write_text(
            text.replace("{port}", str(self.port)), encoding="utf-8"
        )
        self.token = subprocess.run(
            [str(HA_VENV / "bin" / "python"), str(HA_HOME / "make_token.py"), str(self.config)],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout.strip()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> HomeAssistant:
        log = (self.config / "hass.out").open("ab")
        self.process = subprocess.Popen(
            [str(self.hass), "--skip-pip", "-c", str(self.config)], stdout=log, stderr=log
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"Home Assistant exited: see {self.config / 'hass.out'}")
            try:
                if self.get("/api/").get("message") == "API running.":
                    return self
            except (OSError, urllib.error.URLError, ValueError):
                pass
            time.sleep(0.5)
        pytest.fail(
            f"Home Assistant did not start in {timeout:g} s: see {self.config / 'hass.out'}"
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def get(self, path: str) -> Any:
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def state(self, entity_id: str) -> str:
        return str(self.get(f"/api/states/{entity_id}")["state"])

    def websocket(self, *commands: dict[str, Any]) -> list[Any]:
        """Run WebSocket commands (setting up areas, exposure...) and return their results."""
        from websockets.sync.client import connect

        with connect(self.url.replace("http", "ws") + "/api/websocket") as ws:
            ws.recv()
            ws.send(json.dumps({"type": "auth", "access_token": self.token}))
            assert json.loads(ws.recv())["type"] == "auth_ok"
            results = []
            for i, command in enumerate(commands, 1):
                ws.send(json.dumps({"id": i, **command}))
                answer = json.loads(ws.recv())
                assert answer.get("success"), answer
                results.append(answer.get("result"))
            return results
