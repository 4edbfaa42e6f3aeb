"""Decide-to-confirmed-state latency through a real broker, and the framework's overhead.

Starts mosquitto on a free 127.0.0.1 port, the device simulator (the bundled test home) and an
agent on ``--world mqtt`` with the default local brain. Each request is timed in phases:
perceive, decide (the brain), act (validation, policy, the tool, commands published with QoS 1
and confirmed on the devices' state topics: *decide-to-confirmed-state*), and the rest
(snapshot diff). Two baselines are measured in the same run:

- raw MQTT round trip: a bare paho client publishes a command to a simulated device and waits
  for its state message (what any client pays through this broker and these devices);
- in-memory act: the same decisions acted on the simulated home (no broker).

    python benchmarks/mqtt_roundtrip.py [--rounds 10] [--brain scripted] [--no-tcp-nodelay]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from edgeagent import Agent, Observation, ToolCall
from edgeagent.factory import build_local_brain
from edgeagent.testing import ScriptedBrain
from edgeagent.toolset import Toolset
from edgeagent_tools.mqtt import DeviceSimulator, MqttToolkit
from edgeagent_tools.mqtt.client import new_client, no_delay
from edgeagent_tools.mqtt.settings import BrokerSettings
from edgeagent_tools.smart_home import SmartHomeToolkit

# Requests that each change something, with the calls a right decision makes.
REQUESTS: list[tuple[str, ToolCall]] = [
    ("turn off the kitchen lights", ToolCall(tool="HassTurnOff", args={"area": "Kitchen", "domain": "light"})),
    ("turn on the kitchen lights", ToolCall(tool="HassTurnOn", args={"area": "Kitchen", "domain": "light"})),
    ("set the kitchen ceiling to 40%", ToolCall(tool="HassLightSet", args={"name": "Kitchen ceiling", "brightness": 40})),
    ("set the kitchen ceiling to 100%", ToolCall(tool="HassLightSet", args={"name": "Kitchen ceiling", "brightness": 100})),
    ("unlock the front door", ToolCall(tool="HassTurnOff", args={"name": "Front Door"})),
    ("lock the front door", ToolCall(tool="HassTurnOn", args={"name": "Front Door"})),
    ("turn on the ceiling fan", ToolCall(tool="HassTurnOn", args={"name": "Ceiling Fan"})),
    ("turn off the ceiling fan", ToolCall(tool="HassTurnOff", args={"name": "Ceiling Fan"})),
]  # fmt: skip


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, values: list[float]) -> str:
    return f"  {label:<34} p50 {pct(values, 0.5):7.2f} ms   p95 {pct(values, 0.95):7.2f} ms   (n={len(values)})"


def start_broker(folder: Path, nodelay: bool) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        raise SystemExit("mosquitto is not installed: apt-get install mosquitto")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    conf = folder / "mosquitto.conf"
    extra = "set_tcp_nodelay true\n" if nodelay else ""
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n{extra}")
    proc = subprocess.Popen([binary, "-c", str(conf)], stderr=subprocess.DEVNULL)
    for _ in range(200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        time.sleep(0.05)
    raise SystemExit("mosquitto did not start")


def raw_roundtrips(url: str, n: int) -> list[float]:
    """A bare paho client: publish LOCK/UNLOCK to the simulated front door, wait for its state."""
    client = new_client(BrokerSettings.from_url(url), "bench-raw")
    got: dict[str, threading.Event] = {}

    def on_message(_c: Any, _u: Any, msg: Any) -> None:
        event = got.get(msg.payload.decode())
        if event is not None:
            event.set()

    connected = threading.Event()
    client.on_connect = lambda c, *_: (no_delay(c), connected.set())
    client.on_message = on_message
    settings = BrokerSettings.from_url(url)
    client.connect(settings.host, settings.port)
    client.loop_start()
    connected.wait(5)
    client.subscribe("edgeagent_sim/lock/front_door/state", qos=1)
    time.sleep(0.2)  # the retained state arrives and is ignored
    out = []
    for i in range(n):
        command, answer = ("LOCK", "LOCKED") if i % 2 else ("UNLOCK", "UNLOCKED")
        got.clear()
        got[answer] = threading.Event()
        t = time.perf_counter()
        client.publish("edgeagent_sim/lock/front_door/set", command, qos=1)
        if not got[answer].wait(5):
            raise SystemExit("the simulated lock did not answer")
        out.append((time.perf_counter() - t) * 1000)
    client.loop_stop()
    client.disconnect()
    return out


def timed_steps(agent: Agent, utterances: list[str]) -> dict[str, list[float]]:
    phases: dict[str, list[float]] = {
        k: [] for k in ("perceive", "decide", "act", "rest", "total", "brain")
    }
    for text in utterances:
        t0 = time.perf_counter()
        obs = agent.perceive(Observation(utterance=text))
        t1 = time.perf_counter()
        decision = agent.decide(obs)
        t2 = time.perf_counter()
        before = agent.snapshot()
        results = agent.act(decision, obs)
        t3 = time.perf_counter()
        from edgeagent.world import diff

        diff(before, agent.snapshot())
        t4 = time.perf_counter()
        if not results or not all(r.ok for r in results):
            print(f"  ! {text!r}: {[r.error for r in results] or decision.reason}")
        for key, value in (
            ("perceive", t1 - t0),
            ("decide", t2 - t1),
            ("act", t3 - t2),
            ("rest", t4 - t3),
            ("total", t4 - t0),
        ):
            phases[key].append(value * 1000)
        phases["brain"].append(decision.latency_ms)
    return phases


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rounds", type=int, default=10, help="passes over the request list")
    ap.add_argument(
        "--brain",
        default=None,
        help="local brain (default: the best shipped); 'scripted' decides nothing",
    )
    ap.add_argument(
        "--no-tcp-nodelay", action="store_true", help="run mosquitto with Nagle's algorithm on"
    )
    args = ap.parse_args()

    utterances = [u for _ in range(args.rounds) for u, _ in REQUESTS]
    calls = [c for _ in range(args.rounds) for _, c in REQUESTS]
    with tempfile.TemporaryDirectory() as tmp:
        broker, port = start_broker(Path(tmp), nodelay=not args.no_tcp_nodelay)
        url = f"mqtt://127.0.0.1:{port}"
        try:
            sim = DeviceSimulator(url).start()
            kit = MqttToolkit(mqtt_url=url)
            mqtt_set = Toolset(kit.tools(), [kit.world])
            memory = SmartHomeToolkit()
            memory_set = Toolset(memory.tools(), [memory.world])
            if args.brain == "scripted":
                brain: Any = ScriptedBrain(calls + calls)
            else:
                brain = build_local_brain(args.brain, suites=["smart_home"])
                warm_up = getattr(brain, "warm_up", None)
                if warm_up is not None:
                    warm_up(mqtt_set)
            name = getattr(brain, "name", "?")
            raw = raw_roundtrips(url, len(utterances))
            mqtt = timed_steps(Agent(brain, mqtt_set), utterances)
            mem = timed_steps(Agent(brain, memory_set), utterances)
            kit.world.close()
            sim.stop(clear=True)
        finally:
            broker.terminate()
            broker.wait(10)

    overhead = [t - b for t, b in zip(mqtt["total"], mqtt["brain"], strict=True)]
    nagle = "off (set_tcp_nodelay true)" if not args.no_tcp_nodelay else "on (mosquitto default)"
    print(
        f"MQTT round trip: mosquitto on 127.0.0.1, Nagle {nagle}, {len(utterances)} requests, brain {name}"
    )
    print("baselines (same run):")
    print(line("raw paho command -> state", raw))
    print(line("act on the simulated home (memory)", mem["act"]))
    print("agent on --world mqtt:")
    print(line("decide (brain)", mqtt["brain"]))
    print(line("decide-to-confirmed-state (act)", mqtt["act"]))
    print(
        line(
            "perceive + snapshot diff",
            [p + r for p, r in zip(mqtt["perceive"], mqtt["rest"], strict=True)],
        )
    )
    print(line("whole step", mqtt["total"]))
    print(line("framework overhead (step - brain)", overhead))
    print("ratios (p50):")
    print(
        f"  act / raw MQTT round trip          {statistics.median(mqtt['act']) / statistics.median(raw):6.2f}x"
    )
    print(
        f"  act mqtt - act memory              {statistics.median(mqtt['act']) - statistics.median(mem['act']):6.2f} ms"
    )
    print(
        f"  framework overhead / brain time    {statistics.median(overhead) / statistics.median(mqtt['brain']):6.2f}x"
    )


if __name__ == "__main__":
    main()
