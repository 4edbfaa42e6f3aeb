"""Do two brains decide alike? Decisions, confidences and accuracy of two brains on a case file.

For checking that a converted model (an exported student against the torch one it came from)
still makes the same decisions: each case is decided by both brains in fresh worlds and
scored as ``edgeagent eval`` scores it (:func:`edgeagent.evaluation.runner.run_tier`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from edgeagent.brains.base import Brain


class Difference(BaseModel):
    """A case the brains decided differently."""

    model_config = ConfigDict(frozen=True)

    case: str
    utterance: str
    calls: tuple[list[dict[str, object]], list[dict[str, object]]]
    confidence: tuple[float, float]
    correct: tuple[bool, bool]


class Agreement(BaseModel):
    """Two brains on one case file: how often they agree and how right each is."""

    model_config = ConfigDict(frozen=True)

    file: str
    cases: int
    same_decisions: int
    max_confidence_diff: float  # over every case, same decision or not
    accuracy: tuple[float, float]
    differences: list[Difference]

    @property
    def rate(self) -> float:
        return self.same_decisions / self.cases if self.cases else 1.0

    def line(self, names: tuple[str, str]) -> str:
        """One line for people."""
        a, b = self.accuracy
        return (
            f"{self.file}: {self.same_decisions}/{self.cases} decisions the same"
            f" ({self.rate:.1%}), largest confidence difference {self.max_confidence_diff:.4f};"
            f" accuracy {names[0]} {a:.1%}, {names[1]} {b:.1%} ({(b - a) * 100:+.1f} points)"
        )


def compare(
    first: Brain, second: Brain, case_file: str | Path, limit: int | None = None
) -> Agreement:
    """Both brains on every case of ``case_file`` (or a seeded sample of ``limit``)."""
    from edgeagent.evaluation.runner import load_eval_cases, run_tier, select

    cases = select(load_eval_cases(case_file), limit, 0)
    same, worst, right_a, right_b = 0, 0.0, 0, 0
    differences = []
    for case in cases:
        a, _, _ = run_tier(first, case)
        b, _, _ = run_tier(second, case)
        worst = max(worst, abs(a.confidence - b.confidence))
        right_a, right_b = right_a + a.correct, right_b + b.correct
        if (a.kind, a.calls) == (b.kind, b.calls):
            same += 1
        else:
            differences.append(
                Difference(
                    case=case.id,
                    utterance=case.observation.utterance or "",
                    calls=(a.calls, b.calls),
                    confidence=(a.confidence, b.confidence),
                    correct=(a.correct, b.correct),
                )
            )
    n = len(cases)
    path = Path(case_file)
    return Agreement(
        file=f"{path.parent.name}/{path.name}",
        cases=n,
        same_decisions=same,
        max_confidence_diff=round(worst, 6),
        accuracy=(right_a / n if n else 0.0, right_b / n if n else 0.0),
        differences=differences,
    )


def compare_all(
    first: Brain, second: Brain, case_files: Sequence[str | Path], limit: int | None = None
) -> list[Agreement]:
    return [compare(first, second, f, limit) for f in case_files]
