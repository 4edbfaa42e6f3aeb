"""``edgeagent devices``: simulated devices for trying the real-device worlds without hardware."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from edgeagent.cli._common import app, console, user_errors

devices_app = typer.Typer(
    help="Real devices: simulate MQTT devices to try --world mqtt without hardware.",
    no_args_is_help=True,
)
app.add_typer(devices_app, name="devices")


@devices_app.command("simulate")
def devices_simulate(
    mqtt_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--mqtt-url", help="Broker (mqtt://HOST:PORT; default $EDGEAGENT_MQTT_URL)."),
    ] = None,
    home: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--home", help="Home to simulate (YAML; default: the bundled test home)."),
    ] = None,
    delay_ms: Annotated[
        float, typer.Option("--delay-ms", help="How long a device takes to answer.")
    ] = 0.0,
) -> None:
    """Publish a home's devices by MQTT discovery and answer their commands until Ctrl-C."""
    with user_errors():
        from edgeagent_tools.mqtt.simulator import DeviceSimulator
        from edgeagent_tools.smart_home import HomeWorld

        world = HomeWorld.from_yaml(home) if home else None
        sim = DeviceSimulator(mqtt_url, home=world, delay=delay_ms / 1000).start()
    console.print(
        f"simulating {len(sim.devices)} devices on {sim.settings.url} "
        f"(discovery prefix {sim.prefix}/, topics {sim.node_id}/...); Ctrl-C to stop"
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        console.print("stopping: the devices go offline")
    finally:
        sim.stop()
