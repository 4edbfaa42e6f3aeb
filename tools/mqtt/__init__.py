"""MQTT plugin: a home discovered through Home Assistant MQTT discovery, driven by the
smart-home tools, and a device simulator that publishes the bundled test home.

Usage::

    from edgeagent_tools.mqtt import DeviceSimulator, MqttToolkit

    with DeviceSimulator("mqtt://127.0.0.1:1883"):  # or: edgeagent devices simulate
        kit = MqttToolkit(mqtt_url="mqtt://127.0.0.1:1883")
"""

from .simulator import DeviceSimulator
from .toolkit import MqttToolkit
from .world import MqttWorld

__all__ = ["DeviceSimulator", "MqttToolkit", "MqttWorld"]
