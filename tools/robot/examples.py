"""Worked examples for prompts, written from the robot tools' semantics.

They show conventions a model cannot read off the schemas: arguments are short nouns from the
request ("glasses", not "my reading glasses"), ``bring`` goes to "me" unless a person or place
is named, a later mention of the same thing is "it", the gripper must hold what ``place`` puts
down, and moving in a direction is ``navigate`` while turning on the spot is ``turn``.
"""

from __future__ import annotations

from typing import Any

from edgeagent.datamodel import ToolCall
from edgeagent.tool import Example


def _ex(utterance: str, *calls: tuple[str, dict[str, Any]], **context: Any) -> Example:
    return Example(
        utterance=utterance,
        calls=tuple(ToolCall(tool=tool, args=args) for tool, args in calls),
        context=context or None,
    )


EXAMPLES: tuple[Example, ...] = (
    _ex("could you fetch my reading glasses", ("bring", {"object": "glasses", "to": "me"})),
    _ex("carry the laundry basket up to the bedroom",
        ("bring", {"object": "basket", "to": "bedroom"})),
    _ex("head over to the garden", ("navigate", {"goal": "garden"})),
    _ex("spin to your right", ("turn", {"direction": "right"})),
    _ex("grab the umbrella and hang it in the closet",
        ("pick", {"object": "umbrella"}), ("place", {"object": "it", "location": "closet"}),
        objects=["Umbrella", "Closet", "Corridor"]),
    _ex("where did i leave the scissors", ("find", {"object": "scissors"})),
    _ex("see whether the dryer is still running", ("inspect", {"object": "dryer"})),
    _ex("switch off the kettle", ("set_power", {"device": "kettle", "on": False})),
    _ex("shut the kitchen drawer", ("set_open", {"object": "drawer", "open": False})),
    _ex("walk behind me", ("follow", {"target": "me"})),
    _ex("halt right now", ("stop", {})),
    _ex("plug the toaster into the socket", ("attach", {"object": "toaster", "to": "socket"})),
    _ex("go offline and drop your wifi connection", ("detach", {"to": "wifi"})),
    _ex("go to the bathroom and start the shower",
        ("navigate", {"goal": "bathroom"}), ("set_power", {"device": "shower", "on": True})),
)  # fmt: skip
