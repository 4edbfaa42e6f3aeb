"""Household robot tools (HuRIC-style commands) and the simulated home they act on.

``RobotToolkit()`` drives the bundled default household; pass
``RobotToolkit(world=RobotWorld.from_yaml(path))`` for another one.
"""

from edgeagent_tools.robot.toolkit import RobotToolkit
from edgeagent_tools.robot.world import RobotWorld

__all__ = ["RobotToolkit", "RobotWorld"]
