import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgeagent import Agent, Observation
from edgeagent.calibration import Scored, curve, for_accuracy, for_offload, operating_point
from edgeagent.cli import app
from edgeagent.policy import load_policy_file
from edgeagent.telemetry import Telemetry
from edgeagent.testing import FunctionBrain


def synthetic(n: int = 1000, seed: int = 3) -> list[Scored]:
    rng = random.Random(seed)
    items = []
    for _ in range(n):
        c = rng.random()
        items.append(Scored(confidence=round(c, 3), local_correct=rng.random() < c))
    return items


@pytest.mark.parametrize("target", [0.05, 0.15, 0.5, 0.9])
def test_offload_target_is_hit_within_two_points(target: float) -> None:
    op = for_offload(synthetic(), target)
    assert abs(op.offload - target) <= 0.02
    assert operating_point(synthetic(), op.threshold).offload == op.offload


def test_accuracy_target_uses_the_least_offload() -> None:
    items = synthetic()
    op = for_accuracy(items, 0.95)
    assert op.accuracy is not None and op.accuracy >= 0.95
    cheaper = [p for p in curve(items) if p.offload < op.offload]
    assert all(p.accuracy is not None and p.accuracy < 0.95 for p in cheaper)


def test_unreachable_accuracy_sends_everything_to_the_cloud() -> None:
    items = [Scored(0.9, False, cloud_correct=False), Scored(0.5, True)]
    assert for_accuracy(items, 1.0).offload == 1.0


def test_hand_computed_curve() -> None:
    items = [Scored(0.2, False), Scored(0.6, True), Scored(0.6, False), Scored(0.9, True)]
    points = [(p.threshold, p.offload, p.accuracy) for p in curve(items)]
    assert points[0] == (0.0, 0.0, 0.5)
    assert points[1] == (0.2, 0.0, 0.5)
    assert points[2] == (0.6, 0.25, 0.75)
    assert points[3] == (0.9, 0.75, 1.0)
    assert points[4][1:] == (1.0, 1.0)


def test_calibrate_cli_writes_a_threshold_that_hits_the_target(
    lamp_toolset, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "log.db"
    rng = random.Random(0)
    confidences = [rng.random() for _ in range(300)]
    brains = iter(FunctionBrain(lambda o, t: None, confidence=c) for c in confidences)
    with Telemetry(db) as log:
        for _ in confidences:
            Agent(next(brains), lamp_toolset, telemetry=log).step(Observation.of("hello"))
    out = tmp_path / "calibrated.yaml"
    result = CliRunner().invoke(
        app, ["calibrate", "--db", str(db), "--target-offload", "0.15", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    threshold = load_policy_file(out).threshold
    offload = sum(c < threshold for c in confidences) / len(confidences)
    assert abs(offload - 0.15) <= 0.02
    assert "offload 15" in result.output.replace("\n", " ")
    bad = CliRunner().invoke(app, ["calibrate", "--db", str(db), "--out", str(out)])
    assert bad.exit_code == 2
    json.dumps(result.output)
