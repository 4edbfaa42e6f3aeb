"""Behaviour of the household robot plugin: world, grounding, tools, preconditions, risk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgeagent.datamodel import ToolCall
from edgeagent.errors import ConfigError, PreconditionError, TargetError, ToolArgumentError
from edgeagent.tool import Risk, Tool
from edgeagent.toolset import Toolset
from edgeagent.world import World
from edgeagent_tools.robot import RobotToolkit, RobotWorld

README_ARGS = {  # the robot tool table of the data README
    "navigate": {"goal"},
    "turn": {"direction"},
    "bring": {"object", "to"},
    "pick": {"object"},
    "place": {"object", "location"},
    "find": {"object"},
    "inspect": {"object"},
    "set_power": {"device", "on"},
    "set_open": {"object", "open"},
    "follow": {"target"},
    "attach": {"object", "to"},
    "detach": {"object", "to"},
}


@pytest.fixture
def kit() -> RobotToolkit:
    return RobotToolkit()


def call(kit: RobotToolkit, name: str, **args: object) -> dict:
    tool = next(t for t in kit.tools() if t.name == name)
    return tool.invoke(args)


def tool_of(kit: RobotToolkit, name: str) -> Tool:
    return next(t for t in kit.tools() if t.name == name)


def unchanged(kit: RobotToolkit, name: str, error: type[Exception], **args: object) -> Exception:
    """Run a call that must fail; check the world did not change. Returns the error."""
    before = kit.world.snapshot()
    with pytest.raises(error) as info:
        call(kit, name, **args)
    assert kit.world.snapshot() == before
    return info.value


# -- the toolkit ---------------------------------------------------------------------------


def test_toolkit_has_the_tools_of_the_data_table(kit: RobotToolkit) -> None:
    names = [t.name for t in kit.tools()]
    assert set(README_ARGS) | {"stop"} == set(names)
    assert kit.name == "robot" and kit.world.name == "robot"
    for t in kit.tools():
        assert {p.name for p in t.params} >= README_ARGS.get(t.name, set())


def test_every_tool_is_documented(kit: RobotToolkit) -> None:
    for t in kit.tools():
        assert t.description and t.description != t.name
        for p in t.params:
            assert p.description, f"{t.name}.{p.name} has no description"
        json.dumps(t.json_schema())


def test_optional_arguments_match_the_data(kit: RobotToolkit) -> None:
    required = {t.name: {p.name for p in t.params if p.required} for t in kit.tools()}
    assert required["navigate"] == set()
    assert required["place"] == {"object"}
    assert required["bring"] == {"object"}
    assert required["attach"] == {"to"} and required["detach"] == {"to"}
    assert required["set_power"] == {"device"}
    assert required["set_open"] == {"object", "open"}
    assert required["stop"] == set()


def test_entity_parameters_carry_vocabularies(kit: RobotToolkit) -> None:
    kinds = {(t.name, p.name): p.vocab for t in kit.tools() for p in t.params if p.vocab}
    assert kinds[("pick", "object")].kind == "object"
    assert kinds[("pick", "object")].from_utterance
    assert kinds[("navigate", "goal")].kind == "location"
    assert kinds[("set_power", "device")].kind == "device"
    assert kinds[("follow", "target")].kind == "person"
    vocab = kit.world.vocabulary()
    for v in kinds.values():
        assert v.kind in vocab
    assert tool_of(kit, "turn").param("direction").choices == ("left", "right", "around", "back")


def test_risk_levels(kit: RobotToolkit) -> None:
    risk = {t.name: t.risk for t in kit.tools()}
    for name in ("navigate", "turn", "bring", "pick", "place", "follow", "attach", "detach"):
        assert risk[name] is Risk.PHYSICAL
    assert risk["set_open"] is Risk.PHYSICAL
    assert risk["find"] is risk["inspect"] is risk["stop"] is Risk.READ_ONLY
    assert risk["set_power"] is Risk.REVERSIBLE


def test_risk_depends_on_the_target(kit: RobotToolkit) -> None:
    power, opening = tool_of(kit, "set_power"), tool_of(kit, "set_open")
    assert power.risk_of({"device": "light", "on": True}) is Risk.REVERSIBLE
    assert power.risk_of({"device": "the oven", "on": True}) is Risk.PHYSICAL
    assert power.risk_of({"device": "stove", "on": True}) is Risk.PHYSICAL
    assert opening.risk_of({"object": "fridge", "open": True}) is Risk.PHYSICAL
    assert opening.risk_of({"object": "the main door", "open": True}) is Risk.SECURITY
    assert opening.risk_of({"object": "bedroom door", "open": False}) is Risk.SECURITY
    assert opening.risk_of({"object": "garage door", "open": True}) is Risk.SECURITY  # unknown
    call(kit, "navigate", goal="front door")
    assert opening.risk_of({"object": "it", "open": True}) is Risk.SECURITY
    assert tool_of(kit, "stop").risk_of({}) is Risk.READ_ONLY


def test_toolset_validates_calls(kit: RobotToolkit) -> None:
    ts = Toolset(kit.tools(), [kit.world])
    assert ts.validate_call(ToolCall(tool="turn", args={"direction": "left"})).args == {
        "direction": "left"
    }
    ok = ts.validate_call(ToolCall(tool="bring", args={"object": "the red book", "to": "me"}))
    assert ok.args["object"] == "the red book"  # open vocabulary: words from the command
    with pytest.raises(ToolArgumentError):
        ts.validate_call(ToolCall(tool="turn", args={"direction": "up"}))
    with pytest.raises(ToolArgumentError):
        ts.validate_call(ToolCall(tool="pick", args={}))


# -- the world -----------------------------------------------------------------------------


def test_world_implements_the_protocol() -> None:
    w = RobotWorld()
    assert isinstance(w, World)
    vocab = w.vocabulary()
    for kind in ("object", "location", "room", "person", "direction", "device"):
        assert vocab[kind], kind
    assert {"book", "tv", "television", "fridge", "refrigerator", "me"} <= set(vocab["object"])
    assert {"kitchen", "bedroom", "table", "shelf"} <= set(vocab["location"])
    assert {"left", "right"} <= set(vocab["direction"])
    assert "television" in vocab["device"] and "book" not in vocab["device"]
    assert "kitchen" in w.describe() and "fridge" in w.describe()
    json.dumps(w.perceive())
    assert w.perceive()["robot"]["room"] == "living room"


def test_snapshot_is_flat(kit: RobotToolkit) -> None:
    snap = kit.world.snapshot()
    json.dumps(snap)
    assert all(not isinstance(v, (dict, list)) for v in snap.values())
    for key in ("robot.room", "robot.near", "robot.heading", "robot.holding", "robot.following"):
        assert key in snap
    assert snap["book.location"] == "bookshelf"
    assert snap["fridge.open"] is False and snap["television.on"] is False


def test_from_yaml_and_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "robot: {room: lab}\n"
        "rooms: [{name: lab, surface: bench}]\n"
        "people: [{name: ada, aliases: [me], room: lab}]\n"
        "objects:\n"
        "  - {name: bench, room: lab, surface: true}\n"
        "  - {name: beaker, at: bench}\n"
        "  - {name: centrifuge, room: lab, powered: true, risk: physical}\n",
        encoding="utf-8",
    )
    kit = RobotToolkit(world=RobotWorld.from_yaml(path))
    assert call(kit, "bring", object="beaker")["location"] == "with you"
    assert tool_of(kit, "set_power").risk_of({"device": "centrifuge"}) is Risk.PHYSICAL
    bad = tmp_path / "bad.yaml"
    bad.write_text("rooms: [{name: lab}]\nobjects: [{name: cup, at: nowhere}]\n")
    with pytest.raises(ConfigError):
        RobotWorld.from_yaml(bad)
    with pytest.raises(ConfigError):
        RobotWorld.from_yaml(tmp_path / "missing.yaml")


# -- grounding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("the red book", "book"),
        ("The Books", "book"),
        ("TV", "television"),
        ("the refrigerator", "fridge"),
        ("couch", "sofa"),
        ("my computer", "laptop"),
        ("the remote control", "remote"),
        ("a pair of glasses", "glasses"),
        ("the wine glass", "glass"),
        ("on the coffee table", "coffee table"),
        ("the mug on the counter", "mug"),
        ("the lights", "living room light"),  # the light of the room the robot is in
        ("the lights in the bathroom", "bathroom light"),
        ("bathroom sink", "bathroom sink"),
        ("the sink", "kitchen sink"),
        ("the door", "front door"),
        ("bed room", "bedroom"),
        ("me", "user"),
    ],
)
def test_lenient_resolution(text: str, name: str) -> None:
    assert RobotWorld().resolve(text).name == name


def test_resolution_prefers_the_robots_room_and_what_a_tool_needs(kit: RobotToolkit) -> None:
    call(kit, "navigate", goal="bathroom")
    assert kit.world.resolve("the sink").name == "bathroom sink"
    assert kit.world.resolve("water", prefer=lambda t: t.portable).name == "water"
    assert kit.world.resolve("water", prefer=lambda t: t.powered).name == "kitchen tap"


def test_unknown_names_suggest_close_matches() -> None:
    with pytest.raises(TargetError) as info:
        RobotWorld().resolve("boook")
    assert "book" in info.value.candidates
    with pytest.raises(TargetError):
        RobotWorld().resolve("unicorn")


def test_ambiguous_names_list_the_candidates() -> None:
    with pytest.raises(TargetError) as info:
        RobotWorld().resolve("the machine")
    assert {"washing machine", "coffee machine", "answering machine"} <= set(info.value.candidates)


def test_pronouns_refer_to_the_last_thing(kit: RobotToolkit) -> None:
    with pytest.raises(TargetError):
        call(kit, "pick", object="it")
    call(kit, "navigate", goal="radio")
    assert call(kit, "set_power", device="it", on=True)["on"] is True
    assert kit.world.snapshot()["radio.on"] is True


# -- observe_context -----------------------------------------------------------------------


def test_observe_context_learns_the_semantic_map() -> None:
    w = RobotWorld()
    before = set(w.things)
    w.observe_context(
        {"objects": ["Kitchen", "Mayo", "Washing_machine", "Garage", "Robot", "Hoodie"]}
    )
    assert "mayo" in w.things and w.room_of(w.things["mayo"]) == "kitchen"
    assert w.things["garage"].category == "room"
    assert w.room_of(w.things["hoodie"]) == "bedroom"
    assert "robot" not in w.things and "washing machine" in w.salient
    assert set(w.things) - before == {"mayo", "garage", "hoodie"}
    assert w.resolve("machine").name == "washing machine"
    assert "mayo" in w.vocabulary()["object"]


def test_observe_context_is_deterministic() -> None:
    ctx = {"objects": ["Pasta", "Fences", "Person", "LivingRoom", "Wrench", "DOOR"]}
    a, b = RobotWorld(), RobotWorld()
    a.observe_context(ctx)
    b.observe_context(ctx)
    assert a.snapshot() == b.snapshot()
    assert "fences" not in a.things and a.resolve("fences").name == "fence"
    assert not a.things["wrench"].fixed and a.things["pasta"].portable
    RobotWorld().observe_context({})  # no objects: nothing to learn
    RobotWorld().observe_context({"area": "Kitchen"})


def test_observe_context_adds_a_person_to_follow(kit: RobotToolkit) -> None:
    with pytest.raises(TargetError):
        call(kit, "follow", target="that man")
    kit.world.observe_context({"objects": ["Person", "Table"]})
    assert call(kit, "follow", target="that man")["following"] == "person"


# -- motion --------------------------------------------------------------------------------


def test_navigate(kit: RobotToolkit) -> None:
    assert call(kit, "navigate", goal="the kitchen")["room"] == "kitchen"
    snap = kit.world.snapshot()
    assert snap["robot.room"] == "kitchen" and snap["robot.near"] is None
    call(kit, "navigate", goal="refrigerator")
    assert kit.world.snapshot()["robot.near"] == "fridge"
    call(kit, "navigate", goal="tv")
    assert kit.world.snapshot()["robot.room"] == "living room"
    call(kit, "navigate", goal="me")
    assert kit.world.snapshot()["robot.near"] == "user"
    call(kit, "navigate", goal="left")
    assert kit.world.snapshot()["robot.heading"] == 90
    call(kit, "navigate", goal="forward")
    call(kit, "navigate")
    assert kit.world.snapshot()["robot.near"] is None
    with pytest.raises(TargetError):
        call(kit, "navigate", goal="the moon")


def test_turn(kit: RobotToolkit) -> None:
    call(kit, "turn", direction="left")
    assert kit.world.robot.heading == 90
    call(kit, "turn", direction="right", degrees=180)
    assert kit.world.robot.heading == 270
    call(kit, "turn", direction="around")
    assert kit.world.robot.heading == 90
    with pytest.raises(ToolArgumentError):
        call(kit, "turn", direction="up")
    with pytest.raises(ToolArgumentError):
        call(kit, "turn", direction="left", degrees=0)


def test_follow_and_stop(kit: RobotToolkit) -> None:
    assert call(kit, "stop")["speech"]  # always works, even when idle
    call(kit, "follow")
    snap = kit.world.snapshot()
    assert snap["robot.following"] == "user" and snap["robot.moving"] is True
    call(kit, "stop")
    snap = kit.world.snapshot()
    assert snap["robot.following"] is None and snap["robot.moving"] is False
    unchanged(kit, "follow", PreconditionError, target="the fridge")
    unchanged(kit, "follow", TargetError, target="zorblax")


# -- manipulation --------------------------------------------------------------------------


def test_pick_and_place(kit: RobotToolkit) -> None:
    call(kit, "pick", object="the red book")
    snap = kit.world.snapshot()
    assert snap["robot.holding"] == "book" and snap["book.location"] == "robot"
    assert call(kit, "pick", object="book")["holding"] == "book"  # already held: fine
    unchanged(kit, "pick", PreconditionError, object="mug")  # the gripper is full
    out = call(kit, "place", object="book", location="the dining room table")
    snap = kit.world.snapshot()
    assert snap["book.location"] == "dining table" and snap["robot.holding"] is None
    assert "dining table" in out["speech"]


def test_place_without_holding_fails_and_changes_nothing(kit: RobotToolkit) -> None:
    err = unchanged(kit, "place", PreconditionError, object="book", location="table")
    assert "not holding" in str(err)
    call(kit, "pick", object="mug")
    unchanged(kit, "place", PreconditionError, object="book")


def test_place_down_and_in_containers(kit: RobotToolkit) -> None:
    call(kit, "pick", object="milk")  # in the closed fridge: opened and closed again
    assert kit.world.snapshot()["fridge.open"] is False
    call(kit, "place", object="it")
    snap = kit.world.snapshot()
    assert snap["milk.location"] == "kitchen" and snap["robot.holding"] is None
    call(kit, "pick", object="milk")
    call(kit, "place", object="milk", location="in the fridge")
    assert kit.world.snapshot()["milk.location"] == "fridge"
    call(kit, "pick", object="box")
    unchanged(kit, "place", PreconditionError, object="box", location="box")


def test_pick_needs_a_portable_thing(kit: RobotToolkit) -> None:
    err = unchanged(kit, "pick", PreconditionError, object="sofa")
    assert "sofa" in str(err)
    unchanged(kit, "pick", TargetError, object="unicorn")


def test_bring(kit: RobotToolkit) -> None:
    call(kit, "bring", object="remote")
    snap = kit.world.snapshot()
    assert snap["remote.location"] == "user" and snap["robot.holding"] is None
    call(kit, "bring", object="the phone", to="kitchen")
    assert kit.world.snapshot()["phone.location"] == "counter"
    call(kit, "bring", object="phone", to="the couch")
    assert kit.world.snapshot()["phone.location"] == "sofa"
    call(kit, "bring", object="keys", to="here")
    assert kit.world.snapshot()["keys.location"] == "user"
    unchanged(kit, "bring", PreconditionError, object="fridge", to="me")
    unchanged(kit, "bring", TargetError, object="keys", to="narnia")


def test_bring_needs_a_free_gripper_and_can_guide_people(kit: RobotToolkit) -> None:
    call(kit, "pick", object="cup")
    unchanged(kit, "bring", PreconditionError, object="mug", to="me")
    call(kit, "bring", object="cup", to="table")  # what it holds: no need to pick again
    assert kit.world.snapshot()["cup.location"] == "dining table"
    call(kit, "bring", object="me", to="laundry room")
    snap = kit.world.snapshot()
    assert snap["user.room"] == "laundry room" and snap["robot.room"] == "laundry room"


def test_attach_and_detach(kit: RobotToolkit) -> None:
    kit.world.observe_context({"objects": ["Socket", "Microwave"]})
    call(kit, "attach", object="microwave", to="socket")
    assert kit.world.snapshot()["microwave.attached_to"] == "socket"
    unchanged(kit, "attach", PreconditionError, object="microwave", to="microwave")
    call(kit, "detach", object="microwave", to="socket")
    assert "microwave.attached_to" not in kit.world.snapshot()
    assert "router" in kit.world.snapshot()["robot.attached"]
    call(kit, "detach", to="the wifi")
    assert kit.world.snapshot()["robot.attached"] is None
    call(kit, "detach", to="router")  # already disconnected: nothing to do
    call(kit, "attach", to="the web")
    assert kit.world.snapshot()["robot.attached"] == "router"


# -- devices -------------------------------------------------------------------------------


def test_set_power(kit: RobotToolkit) -> None:
    call(kit, "set_power", device="the television", on=True)
    assert kit.world.snapshot()["television.on"] is True
    assert "already" in call(kit, "set_power", device="tv", on=True)["speech"]
    call(kit, "set_power", device="the lights", on=True)
    assert kit.world.snapshot()["living room light.on"] is True
    call(kit, "set_power", device="water")  # default: on; "water" is the tap here
    assert kit.world.snapshot()["kitchen tap.on"] is True
    err = unchanged(kit, "set_power", PreconditionError, device="book", on=True)
    assert "switched" in str(err)


def test_set_open(kit: RobotToolkit) -> None:
    call(kit, "set_open", object="fridge", open=True)
    assert kit.world.snapshot()["fridge.open"] is True
    call(kit, "set_open", object="the shutters", open=False)
    assert kit.world.snapshot()["blinds.open"] is False
    unchanged(kit, "set_open", PreconditionError, object="sofa", open=True)
    assert "already" in call(kit, "set_open", object="fridge", open=True)["speech"]


# -- perception ----------------------------------------------------------------------------


def test_find_and_inspect_change_nothing(kit: RobotToolkit) -> None:
    before = kit.world.snapshot()
    out = call(kit, "find", object="my keys")
    assert out["found"] == "keys" and "sideboard" in out["speech"]
    assert "living room" in call(kit, "find", object="you")["speech"]
    state = call(kit, "inspect", object="the washing machine")["state"]
    assert state["on"] is False and state["open"] is False and state["contents"] == []
    assert "sofa" in call(kit, "inspect", object="living room")["state"]["objects"]
    assert call(kit, "inspect", object="lights")["state"]["on"] is False
    assert kit.world.snapshot() == before
    unchanged(kit, "find", TargetError, object="unicorn")


# -- examples and copies -------------------------------------------------------------------


def test_examples_run_and_use_robot_tools(kit: RobotToolkit) -> None:
    examples = kit.examples()
    assert len(examples) >= 10
    names = {t.name for t in kit.tools()}
    assert all(c.tool in names for ex in examples for c in ex.calls)
    assert {c.tool for ex in examples for c in ex.calls} == names
    before = kit.world.snapshot()
    kit.examples()
    assert kit.world.snapshot() == before  # examples run in a copy


def test_copy_and_reset(kit: RobotToolkit) -> None:
    twin = kit.world.copy()
    call(kit, "pick", object="book")
    assert twin.snapshot()["robot.holding"] is None
    assert kit.world.snapshot()["robot.holding"] == "book"
    kit.world.observe_context({"objects": ["Mayo"]})
    kit.world.reset()
    assert kit.world.snapshot() == twin.snapshot() and "mayo" not in kit.world.things
