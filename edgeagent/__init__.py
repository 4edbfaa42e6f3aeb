"""edgeagent: AI agents for edge devices with pluggable compressed brains."""

from edgeagent.agent import Agent
from edgeagent.brains.base import BaseBrain, Brain, Proposal
from edgeagent.datamodel import ActionResult, Decision, Event, Observation, StepResult, ToolCall
from edgeagent.errors import EdgeAgentError, ToolError, UserError
from edgeagent.registry import ToolRegistry
from edgeagent.tool import Risk, Tool, Toolkit, Vocab, tool
from edgeagent.toolset import Toolset

__version__ = "0.1.0"

__all__ = [
    "ActionResult",
    "Agent",
    "BaseBrain",
    "Brain",
    "Decision",
    "EdgeAgentError",
    "Event",
    "Observation",
    "Proposal",
    "Risk",
    "StepResult",
    "Tool",
    "ToolCall",
    "ToolError",
    "ToolRegistry",
    "Toolkit",
    "Toolset",
    "UserError",
    "Vocab",
    "__version__",
    "tool",
]
