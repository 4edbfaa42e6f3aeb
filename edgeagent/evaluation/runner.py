"""Running a case file through the local brain, the cloud and the router in one pass.

For each case the local brain decides once, in a fresh world of the case's suite; the decision is
executed there and scored. The cloud decides the same case in another fresh world. Whether the
routed agent escalates follows from the local decision and the policy (the same rule the
:class:`~edgeagent.brains.escalating.EscalatingBrain` applies), so one local decision serves the
routed agent and every threshold of the sweep. Each case's :class:`CaseRecord` is appended to
``records.jsonl`` as soon as it is known: an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgeagent.brains.base import BaseBrain, Brain, Proposal
from edgeagent.calibration import Scored
from edgeagent.cases import Case, load_cases
from edgeagent.datamodel import ActionResult, Decision, Observation, ToolCall
from edgeagent.errors import BrainError, ConfigError
from edgeagent.evaluation.effects import Effect, effect_of, same_effect
from edgeagent.evaluation.records import CaseRecord, TierOutcome
from edgeagent.policy.base import RoutingPolicy, routing_of
from edgeagent.scoring import calls_match
from edgeagent.toolset import Toolset
from edgeagent.world import diff

RECORDS = "records.jsonl"
RUN_FILE = "run.json"

Scorer = Callable[[Decision, bool], bool]


@dataclass(frozen=True)
class EvalCase:
    """A case made ready to run: how to build its world, score a decision, and answer it."""

    id: str
    suite: str
    category: str
    observation: Observation
    expected_tools: tuple[str, ...]
    reference: tuple[ToolCall, ...]  # the labelled answer, replayed by the default cloud
    make_toolset: Callable[[], Toolset]  # a fresh world each call
    score: Scorer  # (decision, whether executing it changed the world) -> right or wrong


def case_scorer(case: Case) -> Scorer:
    """The case format's rule (``../shared/data/README.md``): the ``match`` rule on the calls;
    an empty expectation passes only when nothing is called (a lock call on a door that is
    already locked changes nothing, but it is still an action the request did not ask for)."""
    expected = case.expected_dicts()

    def score(decision: Decision, changed: bool) -> bool:
        if not expected:
            return not decision.calls
        return decision.kind != "invalid" and calls_match(expected, decision.calls, case.match)

    return score


def from_case(case: Case) -> EvalCase:
    from edgeagent.factory import build_toolset

    suite = case.suite
    return EvalCase(
        id=case.id,
        suite=suite,
        category=suite,
        observation=case.observation(),
        expected_tools=tuple(e.tool for e in case.expected),
        reference=tuple(ToolCall(tool=e.tool, args=e.args) for e in case.expected),
        make_toolset=lambda: build_toolset([suite]),
        score=case_scorer(case),
    )


def load_eval_cases(path: str | Path) -> list[EvalCase]:
    """Cases from a file in the shared case format or in BFCL's format (detected by content)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"case file not found: {path}")
    if _looks_like_bfcl(path):
        from edgeagent.evaluation import bfcl

        return [from_bfcl(c) for c in bfcl.load_bfcl(path)]
    return [from_case(c) for c in load_cases(path)]


def _looks_like_bfcl(path: Path) -> bool:
    with path.open(encoding="utf-8") as fh:
        first = next((line for line in fh if line.strip()), "")
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and "question" in row and "function" in row


def from_bfcl(case: Any) -> EvalCase:
    """A BFCL case: its own functions as the toolset (no world), scored by the AST rules;
    an irrelevance case passes only when no function is called."""
    from edgeagent.evaluation import bfcl

    def score(decision: Decision, changed: bool) -> bool:
        if not case.ground_truth:
            return not decision.calls
        return decision.kind == "act" and bfcl.ast_match(
            case.ground_truth, decision.calls, case.functions
        )

    return EvalCase(
        id=case.id,
        suite="bfcl",
        category=case.category,
        observation=Observation(id=case.id, utterance=case.utterance),
        expected_tools=tuple(name for answer in case.ground_truth for name in answer),
        reference=tuple(bfcl.expected_calls(case)),
        make_toolset=lambda: bfcl.toolset_for(case),
        score=score,
    )


def select(cases: Sequence[EvalCase], limit: int | None, seed: int) -> list[EvalCase]:
    """All cases, or a seeded random sample of ``limit`` of them kept in file order."""
    if not limit or limit >= len(cases):
        return list(cases)
    keep = set(random.Random(seed).sample(range(len(cases)), limit))
    return [c for i, c in enumerate(cases) if i in keep]


class ReferenceBrain(BaseBrain):
    """The default cloud of an evaluation: replays each case's labelled calls (by case id).

    It stands in for a cloud that is always right, so the figures show what routing recovers;
    its answers still go through validation like any brain's.
    """

    def __init__(self, cases: Sequence[EvalCase], source: str) -> None:
        self.answers = {c.id: c.reference for c in cases}
        self.name = f"replay:{source}"

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        if observation.id not in self.answers:
            raise BrainError(f"no labelled answer for case {observation.id!r}", retryable=False)
        return Proposal(calls=self.answers[observation.id], confidence=1.0)


def run_tier(
    brain: Brain, case: EvalCase, expected: Effect | None = None
) -> tuple[TierOutcome, Decision, Toolset]:
    """Decide ``case`` with ``brain`` in a fresh world, execute the decision there, score it
    (against ``expected``, the labelled calls' effect, too, where it is given)."""
    from edgeagent.agent import Agent
    from edgeagent.policy import AllowAll

    toolset = case.make_toolset()
    # its perceive/decide/act, minus the step's logging; every valid call runs (scoring
    # measures the brain's decision, not the confirmation a person would give)
    agent = Agent(brain, toolset, policy=AllowAll())
    obs = agent.perceive(case.observation)
    start = time.perf_counter()
    decision = agent.decide(obs)  # a crashing brain is an invalid decision, not a crash
    latency = decision.latency_ms or (time.perf_counter() - start) * 1000
    changes: dict[str, Any] = {}
    results: tuple[ActionResult, ...] = ()
    if decision.acts:
        before = agent.snapshot()
        results = agent.act(decision, obs)
        changes = diff(before, agent.snapshot())
    correct = case.score(decision, bool(changes))
    effect_correct = None
    if expected is not None:
        effect_correct = same_effect(effect_of(results, changes, toolset), expected)
    outcome = TierOutcome(
        brain=decision.brain,
        kind=decision.kind,
        calls=[c.model_dump() for c in decision.calls],
        confidence=decision.confidence,
        latency_ms=latency,
        correct=correct,
        effect_correct=effect_correct,
        reason=decision.reason,
        changed=bool(changes),
        unfamiliarity=decision.unfamiliarity,
    )
    return outcome, decision, toolset


def expected_effect(case: EvalCase) -> Effect | None:
    """The effect of executing the case's labelled calls in a fresh world (None for cases
    without a world, such as BFCL's, where effect equals the exact score)."""
    from edgeagent.agent import Agent

    toolset = case.make_toolset()
    if not toolset.worlds:
        return None
    agent = Agent(ReplayOnce(case.reference), toolset)
    obs = agent.perceive(case.observation)
    decision = agent.decide(obs)
    before = agent.snapshot()
    results = agent.act(decision, obs) if decision.acts else ()
    return effect_of(results, diff(before, agent.snapshot()), toolset)


class ReplayOnce(BaseBrain):
    """Answers with fixed calls (validated like any brain's)."""

    name = "reference"

    def __init__(self, calls: Sequence[ToolCall]) -> None:
        self.calls = tuple(calls)

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        return Proposal(calls=self.calls, confidence=1.0)


@dataclass
class Evaluation:
    """One evaluation run over ``cases`` writing to ``out_dir`` (resumable)."""

    cases: Sequence[EvalCase]
    local: Brain
    cloud: Brain
    policy: Any
    out_dir: Path
    meta: Mapping[str, Any]

    def __post_init__(self) -> None:
        self.routing: RoutingPolicy = routing_of(self.policy)

    @property
    def records_path(self) -> Path:
        return self.out_dir / RECORDS

    def prepare(self, *, restart: bool = False) -> list[CaseRecord]:
        """Create ``out_dir``; return the records a previous run with the same settings left.

        A directory holding a run with other settings is refused unless ``restart``.
        """
        self.out_dir.mkdir(parents=True, exist_ok=True)
        run_file = self.out_dir / RUN_FILE
        settings = {k: self.meta[k] for k in sorted(self.meta) if k in _RESUME_KEYS}
        if run_file.is_file() and not restart:
            previous = json.loads(run_file.read_text(encoding="utf-8"))
            if previous != settings:
                changed = sorted(
                    k for k in set(previous) | set(settings) if previous.get(k) != settings.get(k)
                )
                raise ConfigError(
                    f"{self.out_dir} holds a run with other settings ({', '.join(changed)});"
                    " use another --out or --restart"
                )
        if restart or not run_file.is_file():
            self.records_path.unlink(missing_ok=True)
            run_file.write_text(json.dumps(settings, indent=2), encoding="utf-8")
        done = read_records(self.records_path, {c.id for c in self.cases})
        # rewrite without a line torn by an interruption, so appending starts on a clean line
        tmp = self.records_path.with_suffix(".tmp")
        tmp.write_text("".join(r.model_dump_json() + "\n" for r in done), encoding="utf-8")
        tmp.replace(self.records_path)
        return done

    def evaluate(self, case: EvalCase) -> CaseRecord:
        expected = expected_effect(case)
        local, decision, toolset = run_tier(self.local, case, expected)
        cloud, _, _ = run_tier(self.cloud, case, expected)
        # the rule the running router applies to the same local decision
        why = self.routing.escalation(decision, toolset, tier=self.local.name)
        return CaseRecord(
            id=case.id,
            suite=case.suite,
            category=case.category,
            utterance=case.observation.utterance or "",
            expected_tools=list(case.expected_tools),
            local=local,
            cloud=cloud,
            escalated=why is not None,
            escalation_reason=why.describe() if why is not None else None,
            trigger=why.trigger if why is not None else None,
            rule=why.rule if why is not None else None,
        )

    def run(self, done: Sequence[CaseRecord] = ()) -> Iterator[CaseRecord]:
        """Evaluate the cases not in ``done``, appending each record as soon as it is known."""
        finished = {r.id for r in done}
        with self.records_path.open("a", encoding="utf-8") as fh:
            for case in self.cases:
                if case.id in finished:
                    continue
                record = self.evaluate(case)
                fh.write(record.model_dump_json() + "\n")
                fh.flush()
                yield record


# Settings that must match for a run to be resumed from its records.
_RESUME_KEYS = (
    "cases_file", "cases_sha256", "brain", "model", "adapter", "cloud", "policy", "seed", "limit",
)  # fmt: skip


def read_records(path: Path, ids: set[str] | None = None) -> list[CaseRecord]:
    """The records in ``path`` (the last one per case id), dropping a torn last line."""
    if not path.is_file():
        return []
    records: dict[str, CaseRecord] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            record = CaseRecord.model_validate_json(line)
        except ValueError:
            continue  # a line cut short by an interruption is evaluated again
        if ids is None or record.id in ids:
            records[record.id] = record
    return list(records.values())


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def score_local(
    cases: Sequence[EvalCase],
    brain: Brain,
    progress: Callable[[Iterable[EvalCase]], Iterable[EvalCase]] = iter,
) -> list[Scored]:
    """The local brain's confidence on each case and whether it was right, scored exactly as
    ``edgeagent eval`` scores it (fresh world, executed, the case's rule): what
    ``edgeagent calibrate --cases`` fits a threshold on."""
    out = []
    for case in progress(cases):
        outcome, _, _ = run_tier(brain, case)
        out.append(Scored(confidence=outcome.confidence, local_correct=outcome.correct))
    return out
