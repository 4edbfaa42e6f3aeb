"""The learning loop: distilling the cloud's answers into the student lowers the offload.

The smart-home dev file is split in two halves by a fixed hash of each case id. The escalating
agent (local: the student; cloud: a replay of the labels) runs over half A, and every
escalation's cloud answer is logged as a teacher example in a decision log, as a deployed agent
would. One round of distillation trains the student on them, continuing from the old one
(``distill --student KIND --db LOG --init FOLDER``), mixed with generated requests so it keeps
what it knew; ``--repeat`` weighs each logged example up. Then the old and the new student
decide half B: for the same routed accuracy, the offload each needs and the relative drop are
printed, next to a control student trained in the same round without the logged examples (so
the drop that comes from the cloud's answers shows apart from the drop that comes from more
training).

    python benchmarks/continual.py [--student encoder|lm] [--old STUDENT] [--steps N] [--limit N]
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

from edgeagent.agent import Agent
from edgeagent.brains.escalating import EscalatingBrain
from edgeagent.cases import Case, load_cases
from edgeagent.evaluation.metrics import routing_curve
from edgeagent.evaluation.runner import EvalCase, ReferenceBrain, from_case, run_tier
from edgeagent.policy import DeclarativePolicy, PolicyConfig
from edgeagent.settings import settings
from edgeagent.students import bundled, load_brain
from edgeagent.students.data import gather_cases, teacher_cases
from edgeagent.students.distill import distill
from edgeagent.telemetry import Telemetry

ROOT = Path(__file__).resolve().parents[1]
DEV = (settings().data or ROOT.parent / "shared" / "data") / "smart_home" / "dev.jsonl"
# One round's training options per student kind (a gentle continuation of the old student).
ROUND = {
    "encoder": {"lr": 5e-4, "head_lr": 1e-3, "warmup": 10, "seed": 7},
    "lm": {"batch_size": 8, "lr": 2e-4, "seed": 7},
}
TARGETS = (0.90, 0.95, 0.97)


def half(case_id: str) -> str:
    return "A" if int(hashlib.sha256(case_id.encode()).hexdigest()[:8], 16) % 2 == 0 else "B"


def log_escalations(
    kind: str, student: Path, cases: list[EvalCase], db: Path, threshold: float
) -> tuple[int, float]:
    """Run the escalating agent over ``cases``; cloud answers land in ``db``'s teacher table.

    The default policy decides what escalates, with the global ``threshold`` a learning
    deployment chooses; its deadline is lifted, because this measures learning, not speed (a
    busy machine must not drop escalations)."""
    telemetry = Telemetry(db, session="continual-A")
    local = load_brain(student)
    routed = EscalatingBrain(
        local,
        ReferenceBrain(cases, "dev-A"),
        policy=DeclarativePolicy(PolicyConfig(threshold=threshold, deadline_ms=120_000)),
        teacher=telemetry.record_teacher,
    )
    escalated = 0
    for case in cases:
        agent = Agent(routed, case.make_toolset())
        escalated += agent.decide(agent.perceive(case.observation)).escalated
    routed.close()
    telemetry.close()
    return escalated, escalated / len(cases)


def distill_round(kind: str, old: Path, teacher: list[Case], steps: int, out: Path) -> Path:
    """One round of distillation continuing from the old student; the new student's folder."""
    distill(kind, teacher, out, options={**ROUND[kind], "steps": steps}, init=old)
    return out


def offload_for(
    kind: str, student: Path, cases: list[EvalCase]
) -> tuple[float, dict[float, float | None]]:
    """The student's local accuracy on ``cases`` and the least offload reaching each target."""
    brain = load_brain(student)
    outcomes = [run_tier(brain, case)[0] for case in cases]
    brain.close()
    curve = routing_curve(
        [o.confidence for o in outcomes], [o.correct for o in outcomes], [True] * len(outcomes)
    )
    need = {
        t: min(
            (p.offload for p in curve if p.accuracy is not None and p.accuracy >= t), default=None
        )
        for t in TARGETS
    }
    return sum(o.correct for o in outcomes) / len(outcomes), need


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--student", choices=["encoder", "lm"], default="encoder")
    ap.add_argument("--old", type=Path, default=None, help="student (default: the shipped one)")
    ap.add_argument("--cases", type=Path, default=DEV)
    ap.add_argument("--steps", type=int, default=None, help="default: 150 encoder, 60 lm")
    ap.add_argument("--mix", type=int, default=None, help="generated requests mixed in")
    ap.add_argument("--repeat", type=int, default=4, help="copies of each logged example")
    ap.add_argument("--limit", type=int, default=0, help="first N cases of each half")
    ap.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="escalation threshold while collecting (default: 0.9 encoder, 0.5 lm)",
    )
    args = ap.parse_args()
    kind = args.student
    old = args.old or bundled("encoder-torch" if kind == "encoder" else kind)  # trainable form
    steps = args.steps or (150 if kind == "encoder" else 60)
    mix = args.mix if args.mix is not None else (2000 if kind == "encoder" else 400)

    cases = [from_case(c) for c in load_cases(args.cases)]
    a = [c for c in cases if half(c.id) == "A"][: args.limit or None]
    b = [c for c in cases if half(c.id) == "B"][: args.limit or None]
    print(
        f"continual learning ({kind} student) on {args.cases.name}: half A {len(a)} cases, half B {len(b)} cases"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "decisions.db"
        t = time.perf_counter()
        threshold = (
            args.threshold if args.threshold is not None else (0.9 if kind == "encoder" else 0.5)
        )
        n_esc, rate = log_escalations(kind, old, a, db, threshold)
        print(
            f"  half A with the old student: {n_esc} escalations ({rate:.1%}) logged as teacher examples [{time.perf_counter() - t:.0f} s]"
        )
        logged = teacher_cases(db, ["smart_home"]) * args.repeat
        generated = gather_cases([f"gen:smart_home:{mix}"], seed=7)
        t = time.perf_counter()
        new = distill_round(kind, old, generated + logged, steps, Path(tmp) / "new")
        print(
            f"  one distillation round: {len(generated) + len(logged)} examples ({n_esc} logged x {args.repeat}), {steps} steps [{time.perf_counter() - t:.0f} s]"
        )
        control = distill_round(kind, old, generated, steps, Path(tmp) / "control")
        acc_old, need_old = offload_for(kind, old, b)
        acc_new, need_new = offload_for(kind, new, b)
        acc_ctl, need_ctl = offload_for(kind, control, b)
    print(
        f"  half B, no cloud: old student {acc_old:.1%}, new student {acc_new:.1%},"
        f" control (same round without the logged examples) {acc_ctl:.1%}"
    )
    show = lambda x: "-" if x is None else f"{x:.1%}"  # noqa: E731
    print("  target accuracy   offload old   offload new   relative drop (>= 30%)   control   drop")
    for target in TARGETS:
        o, n, c = need_old[target], need_new[target], need_ctl[target]
        drop = f"{1 - n / o:.1%}" if o and n is not None else "-"
        drop_c = f"{1 - c / o:.1%}" if o and c is not None else "-"
        print(
            f"  {target:15.0%}   {show(o):>11}   {show(n):>11}   {drop:>22}   {show(c):>7}   {drop_c:>6}"
        )


if __name__ == "__main__":
    main()
