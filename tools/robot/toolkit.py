"""The robot's tools: move, turn, fetch and carry, find and inspect, switch, open, follow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from edgeagent.cases import Case, ExpectedCall
from edgeagent.errors import EdgeAgentError, PreconditionError, TargetError
from edgeagent.tool import Example, Risk, Tool, Toolkit, Vocab, tool
from edgeagent_tools.robot import actions as act
from edgeagent_tools.robot.examples import EXAMPLES
from edgeagent_tools.robot.model import Thing
from edgeagent_tools.robot.world import DIRECTIONS, HOLDER, RobotWorld

ObjectName = Annotated[str, Vocab("object", from_utterance=True)]
Place = Annotated[str, Vocab("location", extra=("me", "here"), from_utterance=True)]
Goal = Annotated[str, Vocab("location", extra=DIRECTIONS, from_utterance=True)]
Drop = Annotated[str, Vocab("location", extra=("down",), from_utterance=True)]
Device = Annotated[str, Vocab("device", from_utterance=True)]
Openable = Annotated[str, Vocab("openable", from_utterance=True)]
Person = Annotated[str, Vocab("person", extra=("me",), from_utterance=True)]
Direction = Literal["left", "right", "around", "back"]
Degrees = Annotated[int, Field(ge=1, le=360)]
Result = dict[str, Any]

NOISE = 0.15  # share of training requests given speech-recognition noise
SENTENCE_SHARE = 0.12  # share of training requests drawn from the sentence files
_HEAT = frozenset({"oven", "stove", "cooker", "hob", "heater", "boiler", "heating", "iron"})
_SECURITY = frozenset({"door", "gate", "lock", "garage"})


class RobotToolkit(Toolkit):
    """Tools of a household mobile manipulator acting on a :class:`RobotWorld`."""

    name = "robot"
    world: RobotWorld

    def __init__(self, world: RobotWorld | None = None) -> None:
        super().__init__(world if world is not None else RobotWorld())
        self._examples: list[Example] | None = None

    def training_cases(self, n: int, *, seed: int = 0, noise: float = NOISE) -> list[Case]:
        """Generated robot requests whose expected calls carry full argument values (from the
        phrasing generator, and :data:`SENTENCE_SHARE` of them from the sentence files:
        statements of where things are and requests to look, which the robot answers with
        ``find``); ``noise`` of them with speech-recognition noise (never on an argument's
        words)."""
        from edgeagent.sentences.mix import mix_cases
        from edgeagent_tools.robot.generator import generate_with_calls

        from_files = round(n * SENTENCE_SHARE)
        out = []
        for case, calls in generate_with_calls(self.world.copy(), n - from_files, seed=seed):
            expected = [ExpectedCall(tool=c.tool, args=c.args) for c in calls]
            out.append(case.model_copy(update={"expected": expected}))
        drawn = [
            c.model_copy(update={"match": "heads"})
            for c in super().training_cases(from_files, seed=seed + 1, noise=noise)
        ]
        return mix_cases(out, drawn, seed=seed, noise=noise, prefix="gen-rb")

    def examples(self) -> list[Example]:
        """Worked examples for prompts: those that run in a copy of this world."""
        if self._examples is None:
            self._examples = [ex for ex in EXAMPLES if self._runs(ex)]
        return list(self._examples)

    def _runs(self, example: Example) -> bool:
        trial = RobotToolkit(world=self.world.copy())
        trial.world.observe_context(example.context or {})
        tools = {t.name: t for t in trial.tools()}
        try:
            for call in example.calls:
                tools[call.tool].invoke(call.args)
        except (EdgeAgentError, KeyError):
            return False
        return True

    # -- motion ----------------------------------------------------------------------------
    @tool(risk=Risk.PHYSICAL)
    def navigate(self, goal: Goal | None = None) -> Result:
        """Move the robot to a room, next to an object or person, or a step in a direction.

        Args:
            goal: Where to go: a room ("kitchen"), an object to stand next to ("fridge"), a
                person ("me"), or a direction to move in ("forward", "left", "back").
                Leave it out to step away from where the robot is.
        """
        w, robot = self.world, self.world.robot
        direction = act.word(goal)
        if goal is None or direction in {"away", "aside"}:
            robot.following, robot.near = None, None
            return {"speech": "I stepped away.", "room": robot.room}
        if direction in act.MOVES:
            robot.heading = (robot.heading + act.MOVES[direction]) % 360
            robot.following, robot.near, robot.moving = None, None, False
            how = "backward" if direction.startswith("back") else direction
            return {"speech": f"I moved {how}.", "room": robot.room, "heading": robot.heading}
        dest = act.spot(w, goal, "navigate")
        robot.following = None
        act.go(w, dest.room, dest.thing.name if dest.thing else None)
        if dest.thing is not None:
            w.mention(dest.thing)
            where = "you" if dest.thing is w.user else f"the {dest.thing.name}"
            return {
                "speech": f"I'm next to {where} in the {dest.room}.",
                "room": dest.room,
                "near": dest.thing.name,
            }
        return {"speech": f"I'm in the {dest.room}.", "room": dest.room}

    @tool(risk=Risk.PHYSICAL)
    def turn(self, direction: Direction, degrees: Degrees | None = None) -> Result:
        """Turn the robot in place.

        Args:
            direction: Which way to turn: "left", "right", or "around"/"back" (half a turn).
            degrees: How far to turn (default 90 for left and right, 180 for around).
        """
        robot = self.world.robot
        if direction in ("around", "back"):
            delta = 180
        else:
            delta = (degrees or 90) * (1 if direction == "left" else -1)
        robot.heading = (robot.heading + delta) % 360
        return {"speech": f"I turned {direction}.", "heading": robot.heading}

    @tool(risk=Risk.PHYSICAL)
    def follow(self, target: Person = "me") -> Result:
        """Follow a person around until told to stop.

        Args:
            target: The person to follow: "me" (the speaker), a name, or "the man".
        """
        w = self.world
        try:
            person = w.resolve(target, tool="follow", categories=("person",))
        except TargetError:
            try:
                thing = w.resolve(target, tool="follow", categories=("object",))
            except TargetError:
                thing = None
            if thing is not None:
                raise PreconditionError(
                    f"I can only follow people, not the {thing.name}", tool="follow"
                ) from None
            raise
        room = w.room_of(person)
        act.go(w, room, person.name)
        w.robot.following, w.robot.moving = person.name, True
        w.mention(person)
        who = "you" if person is w.user else f"the {person.name}"
        return {"speech": f"I'm following {who}.", "following": person.name, "room": room}

    @tool(risk=Risk.READ_ONLY)
    def stop(self) -> Result:
        """Stop moving and stop following anyone. Always allowed."""
        robot = self.world.robot
        robot.following, robot.moving = None, False
        return {"speech": "I stopped.", "room": robot.room}

    # -- manipulation ----------------------------------------------------------------------
    @tool(risk=Risk.PHYSICAL)
    def pick(self, object: ObjectName) -> Result:
        """Go to an object and pick it up (the gripper holds one thing at a time).

        Args:
            object: The object to pick up, e.g. "book" or "the red mug".
        """
        w = self.world
        thing = w.resolve(object, tool="pick", categories=("object",), prefer=_portable)
        if thing.at == HOLDER:
            w.mention(thing)
            return {"speech": f"I'm already holding the {thing.name}.", "holding": thing.name}
        act.check_portable(w, thing, "pick")
        note = act.grasp(w, thing)
        w.mention(thing)
        return {
            "speech": f"I picked up the {thing.name}{note}.",
            "holding": thing.name,
            "room": w.robot.room,
        }

    @tool(risk=Risk.PHYSICAL)
    def place(self, object: ObjectName, location: Drop | None = None) -> Result:
        """Put down the object the robot holds, on or in a place, or where it stands.

        Args:
            object: The object to put down; the robot must be holding it.
            location: Where to put it: a surface or container ("table", "fridge"), a room,
                a person, or leave it out (or "down") to put it down where the robot is.
        """
        w = self.world
        thing = w.resolve(object, tool="place", categories=("object",), prefer=_held)
        if thing.at != HOLDER:
            have = (
                f"I'm holding the {w.robot.holding}" if w.robot.holding else "my gripper is empty"
            )
            raise PreconditionError(
                f"I'm not holding the {thing.name} ({have}); pick it up first", tool="place"
            )
        dest = act.spot(w, location or "down", "place", floor_ok=True)
        act.check_drop(w, thing, dest, "place")
        where = act.release(w, thing, dest)
        w.mention(thing)
        return {"speech": f"I put the {thing.name} {where}.", "location": where}

    @tool(risk=Risk.PHYSICAL)
    def bring(self, object: ObjectName, to: Place = "me") -> Result:
        """Fetch an object and bring it to a person or a place (or take a person somewhere).

        Args:
            object: What to bring, e.g. "book"; a person ("me") is guided to the place.
            to: Who or where to bring it to: "me" (the speaker, default), another person, a
                room ("kitchen") or a surface or container ("table", "sink").
        """
        w = self.world
        thing = w.resolve(object, tool="bring", categories=("object", "person"), prefer=_portable)
        dest = act.spot(w, to, "bring")
        if thing.category == "person":
            return self._escort(thing, dest)
        act.check_portable(w, thing, "bring")
        act.check_drop(w, thing, dest, "bring")
        if dest.thing is not None and thing.at == dest.thing.name:
            w.mention(thing)
            return {
                "speech": f"The {thing.name} {act.be(thing.name)} already {w.location_text(thing)}."
            }
        w.robot.following = None
        note = act.grasp(w, thing) if thing.at != HOLDER else ""
        where = act.release(w, thing, dest)
        w.mention(thing)
        gave = "brought you" if dest.thing is w.user else "brought"
        return {"speech": f"I {gave} the {thing.name}{note}; it is {where}.", "location": where}

    def _escort(self, person: Thing, dest: act.Spot) -> Result:
        w = self.world
        if dest.thing is person:
            raise PreconditionError("I can't take someone to themselves", tool="bring")
        person.at, person.room = None, dest.room
        act.go(w, dest.room, dest.thing.name if dest.thing else None)
        w.robot.following = None
        who = "you" if person is w.user else f"the {person.name}"
        return {"speech": f"I took {who} to the {dest.room}.", "room": dest.room}

    @tool(risk=Risk.PHYSICAL)
    def attach(self, to: ObjectName, object: ObjectName | None = None) -> Result:
        """Attach or connect an object to something, or connect the robot itself.

        Args:
            to: What to attach or connect to, e.g. "wall", "socket", "router" or "the web".
            object: The object to attach (e.g. "shelf"); leave it out to connect the robot.
        """
        w = self.world
        dest = w.resolve(to, tool="attach", categories=("object",))
        if object is None or act.is_robot(object):
            if dest.name in w.robot.attached:
                return {"speech": f"I'm already connected to the {dest.name}."}
            w.robot.attached.append(dest.name)
            return {"speech": f"I connected to the {dest.name}.", "attached": dest.name}
        thing = w.resolve(object, tool="attach", categories=("object",))
        if thing is dest:
            raise PreconditionError(f"I can't attach the {thing.name} to itself", tool="attach")
        current = w.attachments.get(thing.name)
        if current == dest.name:
            return {"speech": f"The {thing.name} is already attached to the {dest.name}."}
        if current is not None:
            raise PreconditionError(
                f"the {thing.name} is attached to the {current}; detach it first", tool="attach"
            )
        w.attachments[thing.name] = dest.name
        act.go(w, w.room_of(thing), thing.name)
        w.mention(thing)
        return {"speech": f"I attached the {thing.name} to the {dest.name}."}

    @tool(risk=Risk.PHYSICAL)
    def detach(self, to: ObjectName, object: ObjectName | None = None) -> Result:
        """Detach or disconnect an object from something, or disconnect the robot itself.

        Args:
            to: What to detach or disconnect from, e.g. "socket" or "router".
            object: The object to detach; leave it out to disconnect the robot.
        """
        w = self.world
        dest = w.resolve(to, tool="detach", categories=("object",))
        if object is None or act.is_robot(object):
            if dest.name not in w.robot.attached:
                return {"speech": f"I'm not connected to the {dest.name}."}
            w.robot.attached.remove(dest.name)
            return {"speech": f"I disconnected from the {dest.name}."}
        thing = w.resolve(object, tool="detach", categories=("object",))
        if w.attachments.get(thing.name) != dest.name:
            return {"speech": f"The {thing.name} is not attached to the {dest.name}."}
        del w.attachments[thing.name]
        act.go(w, w.room_of(thing), thing.name)
        w.mention(thing)
        return {"speech": f"I detached the {thing.name} from the {dest.name}."}

    # -- devices ---------------------------------------------------------------------------
    @tool(risk=Risk.REVERSIBLE)
    def set_power(self, device: Device, on: bool = True) -> Result:
        """Switch a device on or off (lights, tv, radio, tap, oven...).

        Args:
            device: The device to switch, e.g. "tv" or "the lights".
            on: True to switch it on, False to switch it off.
        """
        w = self.world
        thing = w.resolve(device, tool="set_power", categories=("object",), prefer=_powered)
        if not thing.powered:
            raise PreconditionError(
                f"the {thing.name} can't be switched on or off", tool="set_power"
            )
        w.mention(thing)
        state = "on" if on else "off"
        if thing.is_on == on:
            return {"speech": f"The {thing.name} {act.be(thing.name)} already {state}.", "on": on}
        thing.is_on = on
        return {"speech": f"I switched the {thing.name} {state}.", "on": on}

    @tool(risk=Risk.PHYSICAL)
    def set_open(self, object: Openable, open: bool) -> Result:
        """Open or close something: a door, window, blinds, a drawer, the fridge, a box.

        Args:
            object: What to open or close, e.g. "door" or "fridge".
            open: True to open it, False to close it.
        """
        w = self.world
        thing = w.resolve(object, tool="set_open", categories=("object",), prefer=_openable)
        if not thing.openable:
            raise PreconditionError(f"the {thing.name} can't be opened or closed", tool="set_open")
        w.mention(thing)
        state = "open" if open else "closed"
        if thing.is_open == open:
            return {
                "speech": f"The {thing.name} {act.be(thing.name)} already {state}.",
                "open": open,
            }
        thing.is_open = open
        if thing.at != HOLDER:
            act.go(w, w.room_of(thing), thing.name)
        return {"speech": f"The {thing.name} {act.be(thing.name)} {state} now.", "open": open}

    # -- perception ------------------------------------------------------------------------
    @tool(risk=Risk.READ_ONLY)
    def find(self, object: ObjectName) -> Result:
        """Look for an object or person and say where it is.

        Args:
            object: What or whom to look for, e.g. "keys" or "the remote".
        """
        w = self.world
        if act.is_robot(object):
            return {"speech": f"I'm in the {w.robot.room}.", "room": w.robot.room}
        thing = w.resolve(object, tool="find")
        w.mention(thing)
        if thing.category == "room":
            return {"speech": f"The {thing.name} is one of the rooms.", "room": thing.name}
        if thing is w.user:
            return {"speech": f"You are in the {w.room_of(thing)}.", "room": w.room_of(thing)}
        where = w.location_text(thing)
        return {
            "speech": f"The {thing.name} {act.be(thing.name)} {where}.",
            "found": thing.name,
            "location": where,
            "room": w.room_of(thing),
        }

    @tool(risk=Risk.READ_ONLY)
    def inspect(self, object: ObjectName) -> Result:
        """Check the state of an object, room or person (on/off, open/closed, contents).

        Args:
            object: What to check, e.g. "the lights", "washing machine" or "kitchen".
        """
        w = self.world
        if act.is_robot(object):
            r = w.robot
            return {
                "speech": f"I'm in the {r.room}, holding {r.holding or 'nothing'}.",
                "state": {"room": r.room, "holding": r.holding, "following": r.following},
            }
        thing = w.resolve(object, tool="inspect")
        w.mention(thing)
        if thing.category == "room":
            items = [t.name for t in w.objects() if w.room_of(t) == thing.name]
            return {
                "speech": f"In the {thing.name}: {', '.join(items) or 'nothing'}.",
                "state": {"objects": items},
            }
        state: dict[str, Any] = {"location": w.location_text(thing)}
        parts: list[str] = []
        if thing.powered:
            state["on"] = thing.is_on
            parts.append("on" if thing.is_on else "off")
        if thing.openable:
            state["open"] = thing.is_open
            parts.append("open" if thing.is_open else "closed")
        if thing.surface or thing.container:
            state["contents"] = [t.name for t in w.contents(thing)]
            parts.append(f"holding {', '.join(state['contents']) or 'nothing'}")
        if thing.name in w.attachments:
            state["attached_to"] = w.attachments[thing.name]
            parts.append(f"attached to the {state['attached_to']}")
        desc = ", ".join(parts) or state["location"]
        return {"speech": f"The {thing.name}: {desc}.", "state": state}

    # -- risk ------------------------------------------------------------------------------
    def risk_of_call(self, tool: Tool, args: Mapping[str, Any]) -> Risk:
        """Switching heat sources is physical; opening doors and gates is a security action;
        so is any motion (a physical tool) while a person is reported near the robot."""
        if self.world.person_near and tool.risk == Risk.PHYSICAL:
            return Risk.SECURITY
        key = {"set_power": "device", "set_open": "object"}.get(tool.name)
        value = args.get(key) if key else None
        if not isinstance(value, str):
            return tool.risk
        words = set(value.lower().split())
        try:
            thing: Thing | None = self.world.resolve(
                value, categories=("object",), prefer=_powered if key == "device" else _openable
            )
        except TargetError:
            thing = None
        if thing is not None:
            words |= {thing.kind, *thing.name.split()}
        level = tool.risk
        if thing is not None and thing.risk in ("physical", "security"):
            level = _max(level, Risk(thing.risk))
        if tool.name == "set_power" and words & _HEAT:
            level = _max(level, Risk.PHYSICAL)
        if tool.name == "set_open" and words & _SECURITY:
            level = _max(level, Risk.SECURITY)
        return level


def _max(a: Risk, b: Risk) -> Risk:
    return a if a.rank >= b.rank else b


def _portable(t: Thing) -> bool:
    return t.category == "object" and t.portable


def _held(t: Thing) -> bool:
    return t.at == HOLDER


def _powered(t: Thing) -> bool:
    return t.powered


def _openable(t: Thing) -> bool:
    return t.openable
