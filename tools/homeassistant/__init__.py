"""Home Assistant plugin: the smart-home tools on a running Home Assistant, which executes
each decision with its own intent handling.

Usage::

    from edgeagent_tools.homeassistant import HomeAssistantToolkit

    kit = HomeAssistantToolkit(ha_url="http://127.0.0.1:8123", token="...")
"""

from .toolkit import HomeAssistantToolkit
from .world import HomeAssistantWorld

__all__ = ["HomeAssistantToolkit", "HomeAssistantWorld"]
