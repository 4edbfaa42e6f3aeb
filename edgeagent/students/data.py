"""Teacher data for students: generated requests, case files, the decision log's cloud
answers, and unlabelled requests labelled by a teacher brain."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edgeagent.cases import Case, ExpectedCall, load_cases
from edgeagent.errors import ConfigError
from edgeagent.factory import build_toolset
from edgeagent.registry import ToolRegistry


def teacher_data(
    data: Sequence[str] = (),
    *,
    seed: int = 0,
    db: Path | None = None,
    db_world: str = "smart_home",
    utterances: Path | None = None,
    teacher: str | None = None,
    notify: Any = None,
) -> list[Case]:
    """Everything ``edgeagent distill`` learns from: unlabelled ``utterances`` labelled by the
    ``teacher`` brain (a cloud spec or a brain name), generated or file cases (``data``), and
    the decision log's cloud answers (``db``, for the toolkit ``db_world``). ``notify``
    receives a line about what the teacher labelled."""
    from edgeagent.factory import build_cloud

    if (utterances is None) != (teacher is None):
        raise ConfigError("--utterances and --teacher go together")
    labelled: list[Case] = []
    if utterances is not None and teacher is not None:
        the_teacher = build_cloud(teacher)
        if the_teacher is None:
            raise ConfigError(f"no teacher brain {teacher!r}")
        try:
            labelled, dropped = label_with_teacher(utterances, the_teacher, db_world)
        finally:
            the_teacher.close()
        if notify is not None:
            notify(
                f"teacher {the_teacher.name} labelled {len(labelled)} requests"
                f" ({dropped} invalid decisions dropped)"
            )
    if data or db is not None or not labelled:
        labelled += gather_cases(data, seed=seed, db=db, db_suite=db_world)
    return labelled


def gather_cases(
    specs: Sequence[str], *, seed: int = 0, db: Path | None = None, db_suite: str | None = None
) -> list[Case]:
    """Teacher cases from ``gen:SUITE:N`` (the toolkit's generator), case files, and the
    escalation log's teacher examples (``db``, for the toolkit ``db_suite``)."""
    cases: list[Case] = []
    for spec in specs:
        if spec.startswith("gen:"):
            try:
                _, suite, count = spec.split(":")
                n = int(count)
            except ValueError as exc:
                raise ConfigError(f"expected gen:SUITE:N, got {spec!r}") from exc
            kit = ToolRegistry().load_toolkit(suite)
            cases += kit.training_cases(n, seed=seed)
        else:
            cases += load_cases(spec)
    if db is not None:
        cases += teacher_cases(db, db_suite or "smart_home")
    if not cases:
        raise ConfigError("no teacher data: give --data and/or --db")
    return cases


def label_with_teacher(source: Path, teacher: Any, suite: str) -> tuple[list[Case], int]:
    """Teacher cases from unlabelled observations (a text file, one request a line, or JSONL
    observations): the ``teacher`` brain decides each one over a fresh ``suite`` toolset and
    its valid decisions become the labels. Returns the cases and how many were dropped
    (invalid decisions are never training data)."""
    from edgeagent.sources import iter_observations

    cases, dropped = [], 0
    for i, obs in enumerate(iter_observations(source)):
        decision = teacher.decide(obs, build_toolset([suite]))
        if decision.kind == "invalid" or not obs.utterance:
            dropped += 1
            continue
        context = {k: v for k, v in obs.context.items() if k in ("area", "objects", "domain")}
        cases.append(
            Case(
                id=f"{source.stem}-{i}",
                suite=suite,
                utterance=obs.utterance,
                context=context or None,
                expected=[ExpectedCall(tool=c.tool, args=c.args) for c in decision.calls],
            )
        )
    return cases, dropped


def teacher_cases(db: Path, suite: str) -> list[Case]:
    """The cloud answers stored by the escalating brain, as cases of ``suite``."""
    from edgeagent.telemetry import Telemetry

    out = []
    with Telemetry(db) as log:
        for row in log.teacher_examples():
            obs, d = row["observation"], row["decision"]
            out.append(
                Case(
                    id=f"teacher-{row['id']}",
                    suite=suite,
                    utterance=obs.get("utterance") or "",
                    context={
                        k: v
                        for k, v in (obs.get("context") or {}).items()
                        if k in ("area", "objects", "domain", "device_class")
                    }
                    or None,
                    expected=[
                        ExpectedCall(tool=c["tool"], args=c["args"]) for c in d.get("calls", [])
                    ],
                )
            )
    return [c for c in out if c.utterance]
