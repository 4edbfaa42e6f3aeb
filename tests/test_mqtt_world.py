"""The MQTT world against a real mosquitto broker and the device simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from edgeagent import Agent, ToolCall
from edgeagent.errors import ConfigError
from edgeagent.policy import AllowAll
from edgeagent.testing import ScriptedBrain
from edgeagent.toolset import Toolset
from edgeagent_tools.mqtt import DeviceSimulator, MqttToolkit, MqttWorld
from tests.servers import Mosquitto, need

pytestmark = pytest.mark.mqtt

KITCHEN_LIGHTS = ("light.kitchen_countertop", "light.kitchen_ceiling", "light.kitchen_cabinets")


def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    server = Mosquitto(tmp_path_factory.mktemp("mosquitto")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sim(broker: Mosquitto) -> Iterator[DeviceSimulator]:
    with DeviceSimulator(broker.url) as devices:
        yield devices


@pytest.fixture(scope="module")
def kit(broker: Mosquitto, sim: DeviceSimulator) -> Iterator[MqttToolkit]:
    toolkit = MqttToolkit(mqtt_url=broker.url)
    yield toolkit
    toolkit.world.close()


def run(kit: MqttToolkit, *calls: ToolCall) -> list:
    # The test drives the world, not the policy: it lets security calls run unattended.
    agent = Agent(
        ScriptedBrain([list(calls)]), Toolset(kit.tools(), [kit.world]), policy=AllowAll()
    )
    return list(agent.step("scripted").results)


def test_discovery_builds_the_home(kit: MqttToolkit, sim: DeviceSimulator) -> None:
    world = kit.world
    expected = {f"{d.component}.{d.object_id}" for d in sim.devices.values()}
    assert set(world.entities) - {"todo.shopping_list"} == expected
    vocab = world.vocabulary()
    assert {"Kitchen", "Living Room", "Garage"} <= set(vocab["area"])
    assert {"Kitchen ceiling", "Front Door", "Thermostat", "Party Mode"} <= set(vocab["name"])
    assert {"light", "lock", "binary_sensor", "sensor"} <= set(vocab["domain"])
    assert world.entities["light.kitchen_ceiling"].state == "on"  # the retained state
    assert world.entities["binary_sensor.pet_door"].spoken() == "closed"
    assert world.entities["sensor.outside_temperature"].spoken() == "42 °F"
    assert world.problems == {}


def test_turn_off_and_on_the_kitchen_lights(kit: MqttToolkit, sim: DeviceSimulator) -> None:
    (off,) = run(kit, ToolCall(tool="HassTurnOff", args={"area": "Kitchen", "domain": "light"}))
    assert off.ok, off.error
    assert all(sim.devices[i].state["state"] == "OFF" for i in KITCHEN_LIGHTS)
    assert all(kit.world.entities[i].state == "off" for i in KITCHEN_LIGHTS)
    (on,) = run(kit, ToolCall(tool="HassTurnOn", args={"area": "Kitchen", "domain": "light"}))
    assert on.ok, on.error
    assert all(sim.devices[i].state["state"] == "ON" for i in KITCHEN_LIGHTS)


def test_every_kind_of_device(kit: MqttToolkit, sim: DeviceSimulator) -> None:
    calls = [
        ToolCall(tool="HassLightSet", args={"name": "Kitchen ceiling", "brightness": 40}),
        ToolCall(tool="HassLightSet", args={"name": "Kitchen countertop", "color": "red"}),
        ToolCall(tool="HassLightSet", args={"name": "Kitchen cabinets", "brightness": 20}),
        ToolCall(tool="HassFanSetSpeed", args={"name": "Ceiling Fan", "percentage": 30}),
        ToolCall(tool="HassSetPosition", args={"name": "Bedroom Curtain", "position": 40}),
        ToolCall(tool="HassTurnOff", args={"name": "Front Door"}),
        ToolCall(tool="HassTurnOn", args={"name": "Front Door"}),
        ToolCall(tool="HassClimateSetTemperature", args={"name": "Thermostat", "temperature": 22}),
        ToolCall(tool="HassTurnOn", args={"name": "Party Mode"}),
        ToolCall(tool="HassTurnOff", args={"name": "Curtain Left"}),
    ]
    results = run(kit, *calls)
    assert [r.error for r in results if not r.ok] == []
    e = kit.world.entities
    assert e["light.kitchen_ceiling"].attributes["brightness"] == 40
    assert e["light.kitchen_countertop"].attributes["color"] == "red"
    assert sim.devices["light.kitchen_countertop"].json_light  # both light schemas were used
    assert not sim.devices["light.kitchen_ceiling"].json_light
    assert e["light.kitchen_cabinets"].attributes["brightness"] == 20
    assert (e["fan.ceiling"].state, e["fan.ceiling"].attributes["percentage"]) == ("on", 30)
    assert e["cover.bedroom"].attributes["position"] == 40
    assert e["lock.front_door"].state == "locked"
    assert e["climate.thermostat"].attributes["temperature"] == 22
    assert e["cover.curtain_left"].state == "closed"
    assert ("edgeagent_sim/scene/party_mode/set", "ON") in sim.received
    (state,) = run(kit, ToolCall(tool="HassGetState", args={"name": "Front Door"}))
    assert state.output["answer"] == "locked"


def test_removed_and_malformed_configs_are_reported(
    broker: Mosquitto, kit: MqttToolkit, sim: DeviceSimulator
) -> None:
    world, client = kit.world, kit.world._client
    bad = "homeassistant/switch/junk/bad/config"
    client.publish(bad, "{not json", qos=1, retain=True).wait_for_publish(5)
    client.publish("homeassistant/vacuum/junk/v/config", "{}", qos=1).wait_for_publish(5)
    garage = sim.config_topic(sim.devices["light.garage"])
    client.publish(garage, "", qos=1, retain=True).wait_for_publish(5)
    assert world.sync()
    assert "not JSON" in world.problems[bad]
    assert "not supported" in world.problems["homeassistant/vacuum/junk/v/config"]
    assert "light.garage" not in world.entities
    assert "Garage Light" not in world.vocabulary()["name"]
    assert any("removed light.garage" in r for r in world.reports)
    (gone,) = run(kit, ToolCall(tool="HassTurnOff", args={"name": "Kitchen ceiling"}))
    assert gone.ok  # the rest of the house still works
    client.publish(bad, "", qos=1, retain=True).wait_for_publish(5)
    client.publish(
        garage, json.dumps(sim.config(sim.devices["light.garage"])), qos=1, retain=True
    ).wait_for_publish(5)
    world.sync()
    world.sync()
    assert world.entities["light.garage"].state == "on" and bad not in world.problems


def test_a_device_that_does_not_answer_is_a_tool_error(
    broker: Mosquitto, sim: DeviceSimulator
) -> None:
    kit = MqttToolkit(mqtt_url=broker.url, timeout=0.5)
    try:
        sim.paused = True
        started = time.monotonic()
        (r,) = run(kit, ToolCall(tool="HassTurnOn", args={"name": "Bedroom Switch"}))
        assert not r.ok and "no confirmation within 0.5 s" in (r.error or "")
        assert "Bedroom Switch state is 'off', expected 'on'" in (r.error or "")
        assert time.monotonic() - started < 3
        assert kit.world.entities["switch.bedroom"].state == "off"  # as the device says
        assert ("edgeagent_sim/switch/bedroom/set", "ON") in sim.received  # it was sent
    finally:
        sim.paused = False
        kit.world.close()


def test_no_broker_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="cannot reach the MQTT broker"):
        MqttWorld("mqtt://127.0.0.1:9", connect_timeout=1)


def test_broker_restart(tmp_path: Path) -> None:
    """A confirmed command survives a broker restart; one sent while it is down fails at
    once and never runs later; the world reconnects by itself."""
    broker = Mosquitto(tmp_path).start()
    sim = DeviceSimulator(broker.url).start()
    kit = MqttToolkit(mqtt_url=broker.url, timeout=2)
    try:
        (r,) = run(kit, ToolCall(tool="HassTurnOff", args={"name": "Front Door"}))
        assert r.ok, r.error
        broker.stop()
        until(lambda: not kit.world.connected)
        (r,) = run(kit, ToolCall(tool="HassTurnOn", args={"name": "Front Door"}))
        assert not r.ok and "unreachable: nothing was sent" in (r.error or "")
        assert kit.world.entities["lock.front_door"].state == "unlocked"
        broker.start()  # empty: retained configs and states are gone until devices announce
        until(lambda: kit.world.connected and sim._client.is_connected(), timeout=40)
        until(lambda: sim.devices["lock.front_door"].state["state"] == "UNLOCKED")
        assert kit.world.sync(5) and kit.world.sync(5)
        assert ("edgeagent_sim/lock/front_door/set", "LOCK") not in sim.received
        assert kit.world.entities["lock.front_door"].state == "unlocked"
        (r,) = run(kit, ToolCall(tool="HassTurnOn", args={"name": "Front Door"}))
        assert r.ok, r.error
        assert sim.devices["lock.front_door"].state["state"] == "LOCKED"
    finally:
        kit.world.close()
        sim.stop()
        broker.stop()


def test_clients_nobody_here_wrote(
    broker: Mosquitto, kit: MqttToolkit, sim: DeviceSimulator
) -> None:
    """mosquitto_sub sees the agent's command; a mosquitto_pub state is what it reports next."""
    sub_bin, pub_bin = (
        need("mosquitto_sub", "mosquitto-clients"),
        need("mosquitto_pub", "mosquitto-clients"),
    )
    port = str(broker.port)
    command = "edgeagent_sim/switch/kitchen/set"
    sub = subprocess.Popen(
        [sub_bin, "-h", "127.0.0.1", "-p", port, "-t", command, "-v", "-C", "1", "-W", "10"],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.3)  # let it subscribe
    (r,) = run(kit, ToolCall(tool="HassTurnOff", args={"name": "Kitchen Switch"}))
    assert r.ok, r.error
    out, _ = sub.communicate(timeout=15)
    assert out.strip() == f"{command} OFF"
    state = "edgeagent_sim/binary_sensor/pet_door/state"
    subprocess.run(
        [pub_bin, "-h", "127.0.0.1", "-p", port, "-t", state, "-m", "ON", "-r", "-q", "1"],
        check=True,
    )
    until(lambda: kit.world.entities["binary_sensor.pet_door"].state == "on")
    (r,) = run(kit, ToolCall(tool="HassGetState", args={"name": "Pet Door", "state": "open"}))
    assert r.ok and r.output["answer"] is True and "Pet Door is open" in r.output["speech"]
    sim.set_state("binary_sensor.pet_door", state="OFF")


def test_simulate_and_run_from_the_command_line(tmp_path: Path) -> None:
    """The two-terminal demo: `edgeagent devices simulate` and `edgeagent run --world mqtt`
    turn on the kitchen lights, decided by the default local brain."""
    broker = Mosquitto(tmp_path).start()
    exe = Path(sys.executable).parent / "edgeagent"
    env = {**os.environ, "EDGEAGENT_DB": str(tmp_path / "log.db")}
    sim = subprocess.Popen(
        [str(exe), "devices", "simulate", "--mqtt-url", broker.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert sim.stdout is not None and "simulating" in sim.stdout.readline()
        requests = tmp_path / "requests.txt"
        requests.write_text("turn off the kitchen lights\nturn on the kitchen lights\n")
        done = subprocess.run(
            [
                str(exe),
                "run",
                "--world",
                "mqtt",
                "--mqtt-url",
                broker.url,
                "--input",
                str(requests),
                "--json",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        steps, text, decoder = [], done.stdout.strip(), json.JSONDecoder()
        while text:  # one JSON document a step (a line each)
            step, end = decoder.raw_decode(text)
            steps.append(step)
            text = text[end:].strip()
        calls = [[(r["call"]["tool"], r["ok"]) for r in s["results"]] for s in steps]
        assert calls == [[("HassTurnOff", True)], [("HassTurnOn", True)]], done.stdout
        assert steps[1]["changes"]["light.kitchen_ceiling.state"] == ["off", "on"]
        world = MqttWorld(broker.url)
        assert all(world.entities[i].state == "on" for i in KITCHEN_LIGHTS)
        world.close()
    finally:
        sim.terminate()
        sim.wait(10)
        broker.stop()
