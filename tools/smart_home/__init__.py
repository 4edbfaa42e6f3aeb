"""Smart-home plugin: a simulated Home Assistant home and one tool per Home Assistant intent.

Usage::

    from edgeagent_tools.smart_home import HomeWorld, SmartHomeToolkit

    kit = SmartHomeToolkit()  # the bundled test home (CC BY 4.0, Home Assistant intents)
    kit = SmartHomeToolkit(world=HomeWorld.from_yaml("my_home.yaml"))
"""

from .toolkit import SmartHomeToolkit
from .world import HomeWorld

__all__ = ["HomeWorld", "SmartHomeToolkit"]
