"""Teacher data for students, for any toolkit: requests drawn from its sentence files, case
files, the decision log's cloud answers, unlabelled requests labelled by a teacher brain,
and paraphrases of drawn requests written and labelled by a cloud teacher."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from edgeagent.cases import Case, ExpectedCall, load_cases
from edgeagent.errors import ConfigError
from edgeagent.factory import build_toolset
from edgeagent.registry import ToolRegistry

CONTEXT_KEYS = ("area", "objects", "domain", "device_class")
Notify = Callable[[str], Any]


def teacher_data(
    worlds: Sequence[str] = (),
    *,
    data: Sequence[str] = (),
    generated: int | None = None,
    seed: int = 0,
    db: Path | None = None,
    utterances: Path | None = None,
    teacher: str | None = None,
    paraphrases: int = 0,
    notify: Notify | None = None,
) -> list[Case]:
    """Everything ``edgeagent distill`` learns from (see the module docstring).

    ``worlds``: the toolkits to learn; ``generated`` requests are drawn from each one's
    sentence files (default: 4,000 when no other source is given); ``data``: ``gen:WORLD:N``
    or case files; ``db``: the cloud's answers in a decision log, kept where their tools are
    the worlds' (each assigned to the world whose tools it used); ``utterances`` labelled by
    the ``teacher`` brain over the worlds' tools; ``paraphrases``: that many drawn requests
    reworded and labelled by the ``teacher`` (a cloud)."""
    say = notify or (lambda _line: None)
    if utterances is not None and teacher is None:
        raise ConfigError("--utterances and --teacher go together (openai, replay:FILE, ...)")
    if paraphrases and teacher is None:
        raise ConfigError("--paraphrases needs a --teacher that rewords requests (a cloud: openai)")
    if utterances is not None and not worlds:
        raise ConfigError("--utterances needs --world: the toolkit the teacher decides with")
    cases: list[Case] = []
    other_sources = bool(data or db is not None or utterances is not None)
    count = generated if generated is not None else (0 if other_sources else 4000)
    for world in worlds:
        if count:
            drawn = _generated(world, count, seed)
            say(f"{world}: {len(drawn)} requests drawn from its sentence files")
            cases += drawn
    cases += gather_cases(data, seed=seed)
    if db is not None:
        logged = teacher_cases(db, worlds)
        say(
            f"decision log {db}: {len(logged)} cloud answers for {', '.join(worlds) or 'any world'}"
        )
        cases += logged
    if teacher is not None and (utterances is not None or paraphrases):
        from edgeagent.factory import build_cloud

        the_teacher = build_cloud(teacher)
        if the_teacher is None:
            raise ConfigError(f"no teacher brain {teacher!r}")
        try:
            if utterances is not None:
                labelled, dropped = label_with_teacher(utterances, the_teacher, worlds)
                say(
                    f"teacher {the_teacher.name} labelled {len(labelled)} requests"
                    f" ({dropped} invalid decisions dropped)"
                )
                cases += labelled
            if paraphrases:
                from_drawn = [c for c in cases if c.family is not None]
                worded = paraphrase_with_teacher(from_drawn, the_teacher, paraphrases, seed=seed)
                say(f"teacher {the_teacher.name} reworded and labelled {len(worded)} requests")
                cases += worded
        finally:
            the_teacher.close()
    if not cases:
        raise ConfigError(
            "no teacher data: give --world (with sentence files), --data, --db, or --utterances"
            " with --teacher"
        )
    return cases


def _generated(world: str, n: int, seed: int) -> list[Case]:
    kit = ToolRegistry().load_toolkit(world)
    return list(kit.training_cases(n, seed=seed))


def gather_cases(specs: Sequence[str], *, seed: int = 0) -> list[Case]:
    """Teacher cases from ``gen:WORLD:N`` (drawn from the toolkit's sentence files) and case
    files."""
    cases: list[Case] = []
    for spec in specs:
        if spec.startswith("gen:"):
            try:
                _, suite, count = spec.split(":")
                n = int(count)
            except ValueError as exc:
                raise ConfigError(f"expected gen:WORLD:N, got {spec!r}") from exc
            cases += _generated(suite, n, seed)
        else:
            cases += load_cases(spec)
    return cases


def _context(obs_context: dict[str, Any] | None) -> dict[str, Any] | None:
    kept = {k: v for k, v in (obs_context or {}).items() if k in CONTEXT_KEYS}
    return kept or None


def label_with_teacher(
    source: Path, teacher: Any, worlds: str | Sequence[str]
) -> tuple[list[Case], int]:
    """Teacher cases from unlabelled observations (a text file, one request a line, or JSONL
    observations): the ``teacher`` brain decides each one over a fresh toolset of ``worlds``
    and its valid decisions become the labels. Returns the cases and how many were dropped
    (invalid decisions are never training data)."""
    from edgeagent.sources import iter_observations

    names = [worlds] if isinstance(worlds, str) else list(worlds)
    cases, dropped = [], 0
    for i, obs in enumerate(iter_observations(source)):
        toolset = build_toolset(names)
        decision = teacher.decide(obs, toolset)
        if decision.kind == "invalid" or not obs.utterance:
            dropped += 1
            continue
        cases.append(
            Case(
                id=f"{source.stem}-{i}",
                suite=_suite_of([c.tool for c in decision.calls], names),
                utterance=obs.utterance,
                context=_context(obs.context),
                expected=[ExpectedCall(tool=c.tool, args=c.args) for c in decision.calls],
            )
        )
    return cases, dropped


def paraphrase_with_teacher(
    cases: Sequence[Case], teacher: Any, n: int, *, seed: int = 0, per_case: int = 2
) -> list[Case]:
    """Reworded requests labelled by the teacher: ``n`` drawn requests (a seeded sample) are
    each reworded ``per_case`` ways by the teacher's chat model, and the teacher decides each
    rewording over the case's toolset (its own label, not the drawn one: a rewording may ask
    for something else). The teacher must be a cloud brain (``CloudBrain``)."""
    reword = getattr(teacher, "paraphrase", None)
    if reword is None:
        raise ConfigError(f"teacher {teacher.name} cannot reword requests; use a cloud (openai)")
    rng = random.Random(seed)
    picked = rng.sample(list(cases), min(n, len(cases)))
    out = []
    for case in picked:
        for j, text in enumerate(reword(case.utterance, per_case)):
            obs = case.observation().model_copy(update={"utterance": text, "id": f"{case.id}-p{j}"})
            decision = teacher.decide(obs, build_toolset([case.suite]))
            if decision.kind == "invalid":
                continue
            out.append(
                Case(
                    id=f"{case.id}-p{j}",
                    suite=case.suite,
                    utterance=text,
                    context=case.context,
                    expected=[ExpectedCall(tool=c.tool, args=c.args) for c in decision.calls],
                    family=f"paraphrase.{case.family}",
                )
            )
    return out


def teacher_cases(db: Path, worlds: Sequence[str] = ()) -> list[Case]:
    """The cloud answers stored by the escalating brain, as cases of the world whose tools
    they were decided with (``worlds``: only those; none given: every world an answer fits)."""
    from edgeagent.registry import ToolRegistry
    from edgeagent.telemetry import Telemetry

    registry = ToolRegistry()
    candidates = list(worlds) or registry.plugins.names()
    tools_of: dict[str, set[str]] = {}
    for name in candidates:
        try:
            tools_of[name] = {t.name for t in registry.plugins.load(name)().tools()}
        except Exception:  # a plugin that cannot start here cannot own the examples either
            continue
    out = []
    with Telemetry(db) as log:
        for row in log.teacher_examples():
            obs, d = row["observation"], row["decision"]
            logged_tools = set(row.get("tools") or [])
            suite = next(
                (w for w, tools in tools_of.items() if logged_tools and logged_tools <= tools),
                None,
            )
            if suite is None or not obs.get("utterance"):
                continue
            out.append(
                Case(
                    id=f"teacher-{row['id']}",
                    suite=suite,
                    utterance=obs["utterance"],
                    context=_context(obs.get("context")),
                    expected=[
                        ExpectedCall(tool=c["tool"], args=c["args"]) for c in d.get("calls", [])
                    ],
                )
            )
    return out


def _suite_of(tools: Iterable[str], worlds: Sequence[str]) -> str:
    """The world among ``worlds`` that owns the tools (the first when there are none)."""
    wanted = set(tools)
    if len(worlds) > 1 and wanted:
        registry = ToolRegistry()
        for w in worlds:
            if wanted <= {t.name for t in registry.plugins.load(w)().tools()}:
                return w
    return worlds[0]
