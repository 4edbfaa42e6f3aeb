"""Secure by default: security-risk calls need a person's confirmation whoever decided them,
a run that cannot ask refuses them and says how to allow them, and actuator calls are rate
limited per tool and per entity."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from edgeagent import Agent, Observation, Risk, ToolCall, Toolkit, Vocab, tool
from edgeagent.brains.escalating import EscalatingBrain
from edgeagent.factory import build_policy, build_toolset
from edgeagent.policy import AllowAll, DeclarativePolicy, PolicyConfig
from edgeagent.testing import FunctionBrain, ScriptedBrain
from edgeagent.toolset import Toolset

UNLOCK_FRONT = ToolCall(tool="HassTurnOff", args={"name": "Front Door"})
UNLOCK_BACK = ToolCall(tool="HassTurnOff", args={"name": "Back Door"})
KITCHEN_ON = ToolCall(tool="HassTurnOn", args={"area": "Kitchen", "domain": "light"})


def front_door_locked(toolset: Toolset) -> bool:
    return toolset.worlds[0].snapshot()["lock.front_door.state"] == "locked"  # type: ignore[attr-defined]


def test_the_agent_alone_is_secure_by_default(lamp_toolset: Toolset) -> None:
    agent = Agent(ScriptedBrain([ToolCall(tool="unlock")]), lamp_toolset)
    step = agent.step("unlock the door")
    (result,) = step.results
    assert not result.ok and result.error_type == "PolicyDenied"
    assert "nobody can confirm" in (result.error or "")
    assert "confirm.allow" in (result.error or "")
    assert lamp_toolset.worlds[0].locked is True  # type: ignore[attr-defined]
    opened = Agent(ScriptedBrain([ToolCall(tool="unlock")]), lamp_toolset, policy=AllowAll())
    assert opened.step("unlock the door").ok  # an explicit opt-out still works


def test_every_shipped_policy_asks_before_unlocking_and_a_person_decides() -> None:
    for name in ("default", "cautious_home", "robot"):
        toolset = build_toolset(["smart_home"])
        refused = Agent(ScriptedBrain([UNLOCK_FRONT]), toolset, policy=build_policy(name))
        assert not refused.step("unlock the front door").ok, name
        assert front_door_locked(toolset)
        asked: list[str] = []

        def no(call: ToolCall, reason: str, asked: list[str] = asked) -> bool:
            asked.append(reason)
            return False

        said_no = Agent(
            ScriptedBrain([UNLOCK_FRONT]), toolset, policy=build_policy(name), confirm=no
        )
        assert not said_no.step("unlock the front door").ok and asked
        assert front_door_locked(toolset)
        said_yes = Agent(
            ScriptedBrain([UNLOCK_FRONT]),
            toolset,
            policy=build_policy(name),
            confirm=lambda call, reason: True,
        )
        assert said_yes.step("unlock the front door").ok
        assert not front_door_locked(toolset)


def test_the_refusal_says_how_to_allow_the_entity_and_the_allow_list_works(tmp_path: Path) -> None:
    toolset = build_toolset(["smart_home"])
    step = Agent(ScriptedBrain([UNLOCK_FRONT]), toolset, policy=build_policy("default")).step(
        "unlock the front door"
    )
    error = step.results[0].error or ""
    assert '{"tool": "HassTurnOff", "args": {"name": ["Front Door"]}}' in error
    assert "--policy FILE" in error
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "name: mine\nconfirm:\n  risks: [security]\n  allow:\n"
        "    - {tool: HassTurnOff, args: {name: [front door]}}\n"
    )
    agent = Agent(ScriptedBrain([UNLOCK_BACK, UNLOCK_FRONT]), toolset, policy=build_policy(mine))
    assert not agent.step("unlock the back door").ok  # only the listed entity is allowed
    assert agent.step("unlock the front door").ok and not front_door_locked(toolset)


def test_a_cloud_answer_does_not_waive_the_confirmation() -> None:
    """A confused or compromised cloud answers 'turn on the kitchen light' with an unlock: the
    router takes the cloud's answer, the agent still refuses to run it unconfirmed."""
    for name in ("default", "cautious_home"):
        toolset = build_toolset(["smart_home"])
        policy = build_policy(name)
        local = FunctionBrain(lambda o, t: KITCHEN_ON, confidence=0.1, name="local")
        cloud = FunctionBrain(lambda o, t: [KITCHEN_ON, UNLOCK_FRONT], name="cloud:evil")
        agent = Agent(EscalatingBrain(local, cloud, policy=policy), toolset, policy=policy)
        step = agent.step("turn on the kitchen light")
        assert step.decision.tier == "cloud"
        assert [r.ok for r in step.results] == [True, False]
        assert step.results[1].error_type == "PolicyDenied"
        assert front_door_locked(toolset)


class DoorKit(Toolkit):
    """A user's own toolkit: a lock tool, and a generic switch that also reaches the lock."""

    name = "doors"

    def __init__(self) -> None:
        super().__init__(None)
        self.state = {"front door": "locked", "porch light": "off"}

    @tool(risk=Risk.SECURITY)
    def set_lock(self, door: Annotated[str, Vocab("door")], locked: bool) -> str:
        """Lock or unlock a door.

        Args:
            door: the door
            locked: True to lock, False to unlock
        """
        self.state[door] = "locked" if locked else "unlocked"
        return self.state[door]

    @tool(risk=Risk.REVERSIBLE)
    def switch(self, thing: str, on: bool) -> str:
        """Switch a thing on or off (a door's "on" is unlocked).

        Args:
            thing: what to switch
            on: on or off
        """
        self.state[thing] = "on" if on else "off"
        return self.state[thing]

    def risk_of_call(self, tool: Any, args: Any) -> Risk:
        if "door" in str(args.get("thing", "")):
            return Risk.SECURITY
        return tool.risk


def test_a_sure_zero_shot_answer_on_a_users_toolkit_is_still_confirmed() -> None:
    """The zero-shot brain answered 'unlock the front door' with locked=True at 0.94: risk
    is judged by what the call does (the tool's and toolkit's risk), never by confidence."""
    kit = DoorKit()
    world = type("W", (), {"vocabulary": lambda self: {"door": ["front door"]}})()
    toolset = Toolset(kit.tools(), [])
    toolset.vocabulary = lambda: world.vocabulary()  # type: ignore[method-assign]
    replies = [
        ToolCall(tool="set_lock", args={"door": "front door", "locked": True}),
        ToolCall(tool="switch", args={"thing": "front door", "on": True}),
        ToolCall(tool="switch", args={"thing": "porch light", "on": True}),
    ]
    policy = build_policy("default")
    brain = EscalatingBrain(
        FunctionBrain(lambda o, t: replies.pop(0), confidence=0.94, name="zero-shot"),
        None,
        policy=policy,
    )
    shown: list[str] = []
    agent = Agent(
        brain, toolset, policy=policy, confirm=lambda call, why: shown.append(str(call)) and False
    )
    for text in ("unlock the front door", "open the front door", "porch light on"):
        agent.step(text)
    assert shown == [
        "set_lock(door='front door', locked=True)",  # the person sees what would really run
        "switch(thing='front door', on=True)",
    ]
    assert kit.state == {"front door": "locked", "porch light": "on"}


def test_robot_motion_with_a_person_near_needs_confirmation() -> None:
    toolset = build_toolset(["robot"])
    go = ToolCall(tool="navigate", args={"goal": "kitchen"})
    agent = Agent(ScriptedBrain([go, go]), toolset, policy=build_policy("robot"))
    near = agent.step(Observation.of("go to the kitchen", person_near=True))
    assert not near.ok and "security" in (near.results[0].error or "")
    assert near.changes == {}
    alone = agent.step("go to the kitchen")
    assert alone.ok and alone.changes["robot.room"] == ["living room", "kitchen"]


def test_rate_limits_per_tool_and_per_entity() -> None:
    now = [0.0]
    config = PolicyConfig(rate_limit={"window_s": 60, "per_tool": 5, "per_entity": 2})
    policy = DeclarativePolicy(config, clock=lambda: now[0])
    toolset = build_toolset(["smart_home"])
    lamp = ToolCall(tool="HassTurnOn", args={"name": "Living Room Lamp"})
    others = [
        ToolCall(tool="HassTurnOn", args={"name": n}) for n in ("Garage Light", "Play Corner")
    ]
    agent = Agent(ScriptedBrain([lamp] * 3), toolset, policy=policy)
    errors = [agent.step("lamp on").results[0].error_type for _ in range(3)]
    assert errors[:2] == [None, None] and errors[2] == "PolicyDenied"
    agent.brain = ScriptedBrain([lamp])  # type: ignore[assignment]
    denied = agent.step("lamp on").results[0]
    assert "rate limit: 2 actuator calls on living room lamp per 60 s" in (denied.error or "")
    agent.brain = ScriptedBrain([[o] for o in others] * 2)  # type: ignore[assignment]
    results = [agent.step("lights").results[0] for _ in range(4)]
    assert [r.error_type for r in results] == [None, None, None, "PolicyDenied"]  # 5 per tool
    assert "rate limit: 5 actuator calls on HassTurnOn per 60 s" in (results[-1].error or "")
    now[0] += 61  # the window slides
    agent.brain = ScriptedBrain([lamp])  # type: ignore[assignment]
    assert agent.step("lamp on").results[0].error_type != "PolicyDenied"
    query = ToolCall(tool="HassGetState", args={"name": "Living Room Lamp"})
    agent.brain = ScriptedBrain([query] * 10)  # type: ignore[assignment]
    assert all(agent.step("is it on").results[0].ok for _ in range(10))  # reads are not limited


def test_shipped_policies_rate_limit_actuators() -> None:
    for name in ("default", "cautious_home", "robot"):
        rule = build_policy(name).config.rate_limit
        assert rule.per_tool and rule.per_entity, name
        assert build_policy(name).config.confirm.risks == [Risk.SECURITY], name


def test_the_readme_policy_lets_one_door_run_unattended(tmp_path: Path) -> None:
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    (block,) = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    mine = tmp_path / "my-policy.yaml"
    mine.write_text(block)
    toolset = build_toolset(["smart_home"])
    side = ToolCall(tool="HassTurnOff", args={"name": "Side Door"})
    agent = Agent(ScriptedBrain([side, UNLOCK_FRONT]), toolset, policy=build_policy(mine))
    assert agent.step("unlock the side door").ok
    assert not agent.step("unlock the front door").ok and front_door_locked(toolset)
