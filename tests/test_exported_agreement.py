"""The shipped exported encoder student decides as the torch student it was exported from, on
both dev files (decisions, confidences, accuracy). Loads torch: marked ``model``."""

from __future__ import annotations

import pytest

from edgeagent.evaluation.agreement import compare_all
from edgeagent.students import bundled
from edgeagent.students.encoder.brain import EncoderBrain
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.model

DEV_FILES = [DATA_DIR / "smart_home" / "dev.jsonl", DATA_DIR / "robot" / "dev.jsonl"]


def test_the_exported_student_decides_as_the_torch_student() -> None:
    """Against the torch student in fp32 (the model that was trained and exported). Measured:
    smart home 758/758 the same, robot 387/388; confidences within 0.009."""
    with (
        EncoderBrain(bundled("encoder-torch"), int8=False) as torch_student,
        EncoderBrain(bundled("encoder")) as exported,
    ):
        results = compare_all(torch_student, exported, DEV_FILES)
    for a in results:
        assert a.cases > 300, a.file
        assert a.rate >= 0.99, a.line(("torch", "exported"))
        assert a.max_confidence_diff <= 0.05, a.line(("torch", "exported"))
        assert abs(a.accuracy[0] - a.accuracy[1]) <= 0.005, a.line(("torch", "exported"))
