"""The shipped generators' output is pinned: the phrase tables moved from Python into YAML
(``tools/*/phrases/``) without changing a single generated request. A digest that changes
means the generated training data changed; if that is intended, update the digest here and
say so in the commit."""

from __future__ import annotations

import hashlib
import json

from edgeagent_tools.robot import RobotWorld
from edgeagent_tools.robot.generator import generate_with_calls
from edgeagent_tools.smart_home import HomeWorld
from edgeagent_tools.smart_home.generator import generate

SMART_HOME = "853a78113b8590edbbf72298010de5cb83646ed9e5e7b3ffedbfa01b68a86b33"
ROBOT = "dcd32eebfa5949bd2a264099126ea57c4c664f8e1c045685ace70dadf2ae7a3a"


def _digest(rows: object) -> str:
    text = json.dumps(rows, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _smart_home(n: int, seed: int) -> str:
    return _digest([c.model_dump(mode="json") for c in generate(HomeWorld(), n, seed=seed)])


def _robot(n: int, seed: int) -> str:
    rows = [
        [c.model_dump(mode="json"), [call.model_dump(mode="json") for call in calls]]
        for c, calls in generate_with_calls(RobotWorld(), n, seed=seed)
    ]
    return _digest(rows)


def test_smart_home_output_is_pinned() -> None:
    assert _smart_home(1500, 11) == SMART_HOME


def test_robot_output_is_pinned() -> None:
    assert _robot(1500, 11) == ROBOT
