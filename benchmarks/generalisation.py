"""How the local brain does off its training distribution, measured the way it will be judged.

For a student folder (default: the shipped encoder student) this draws fresh requests from
the toolkits' generators and sentence files (another seed than training) and sorts them by
the bands the student was trained with (``student.json`` training config): requests of
phrasing families and entity names it trained on (*i.i.d.*), of families held out of
training and calibration (*held-out families*), and naming held-out entities (*held-out
names*). It also runs the dev files and the hand-written files (``tests/data/``). For each
set: exact and effect accuracy, false action and false change rates on the no-action cases,
AUROC of the confidence and of the unfamiliarity, ECE, the offload needed for 97% routed
(with a cloud that is always right), p50 latency.

    python benchmarks/generalisation.py [--student FOLDER] [--n 3000] [--no-dev] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edgeagent.cases import Case
from edgeagent.evaluation.metrics import auroc, ece, routing_curve
from edgeagent.evaluation.runner import (
    EvalCase,
    expected_effect,
    from_case,
    load_eval_cases,
    run_tier,
)
from edgeagent.factory import build_toolset
from edgeagent.settings import settings
from edgeagent.students import bundled, load_brain, read_manifest
from edgeagent.students.data import gather_cases
from edgeagent.students.encoder.calibrate import Bands, entity_values

ROOT = Path(__file__).resolve().parents[1]
DATA = settings().data or ROOT.parent / "shared" / "data"
HAND = ROOT / "tests" / "data"


def figures(brain: Any, cases: Sequence[EvalCase]) -> dict[str, Any]:
    """The local brain alone on ``cases`` (fresh world each, executed, scored)."""
    rows = []
    for case in cases:
        outcome, _, _ = run_tier(brain, case, expected_effect(case))
        rows.append((case, outcome))
    if not rows:
        return {"cases": 0}
    conf = [o.confidence for _, o in rows]
    ok = [o.correct for _, o in rows]
    none = [o for c, o in rows if not c.expected_tools]
    curve = routing_curve(conf, ok, [True] * len(ok))
    measured = [(o.unfamiliarity, o.correct) for _, o in rows if o.unfamiliarity is not None]
    out: dict[str, Any] = {
        "cases": len(rows),
        "exact": sum(ok) / len(ok),
        "effect": sum(o.effect for _, o in rows) / len(rows),
        "auroc_confidence": auroc(conf, ok),
        "auroc_unfamiliarity": auroc([1 - u for u, _ in measured], [k for _, k in measured])
        if measured
        else None,
        "ece": ece(conf, ok),
        "offload_for_97": min((p.offload for p in curve if p.accuracy >= 0.97), default=None),
        "routed_at_15": max((p.accuracy for p in curve if p.offload <= 0.15), default=None),
        "p50_ms": statistics.median(o.latency_ms for _, o in rows),
    }
    if none:
        out["no_action_cases"] = len(none)
        out["false_action"] = sum(o.acted for o in none) / len(none)
        out["false_change"] = sum(o.changed for o in none) / len(none)
    return out


def banded(student: Path, n: int, seed: int) -> dict[str, list[EvalCase]]:
    """Fresh generated requests sorted into the student's bands."""
    manifest = read_manifest(student)
    bands = Bands.model_validate(manifest.training.get("bands") or {})
    toolkits = manifest.toolkits
    specs = [f"gen:{kit}:{n if kit == 'smart_home' else n // 2}" for kit in toolkits]
    cases: list[Case] = gather_cases(specs, seed=seed)
    entity = entity_values(cases, build_toolset(toolkits))
    groups: dict[str, list[EvalCase]] = {
        "i.i.d. (trained families)": [],
        "held-out families": [],
        "held-out names": [],
    }
    for c in cases:
        family_band = bands.family(c.family) if c.family else "train"
        said = {str(v).strip().lower() for e in c.expected for v in e.args.values()} & entity
        name_bands = {bands.name(v) for v in said}
        if family_band == "test":
            groups["held-out families"].append(from_case(c))
        elif "test" in name_bands:
            groups["held-out names"].append(from_case(c))
        elif family_band == "train" and not name_bands - {"train"}:
            groups["i.i.d. (trained families)"].append(from_case(c))
    return groups


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--student", type=Path, default=None)
    ap.add_argument("--n", type=int, default=3000, help="fresh smart-home requests (robot: half)")
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--no-dev", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    student = args.student or bundled("encoder")
    brain = load_brain(student)
    sets: dict[str, list[EvalCase]] = {}
    if not args.no_dev:
        sets["smart-home dev"] = load_eval_cases(DATA / "smart_home" / "dev.jsonl")
        sets["robot dev"] = load_eval_cases(DATA / "robot" / "dev.jsonl")
    sets["hand-written natural requests"] = load_eval_cases(HAND / "natural_requests.jsonl")
    sets["hand-written out-of-scope"] = load_eval_cases(HAND / "out_of_scope.jsonl")
    sets.update(banded(student, args.n, args.seed))
    brain.warm_up(next(iter(sets.values()))[0].make_toolset())
    results = {}
    for name, cases in sets.items():
        start = time.perf_counter()
        results[name] = figures(brain, cases)
        results[name]["wall_s"] = round(time.perf_counter() - start, 1)
        print(f"{name}: {_line(results[name])}", flush=True)
    print(f"\nstudent {student} ({brain.name})")
    print(_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _line(r: dict[str, Any]) -> str:
    return f"{r['cases']} cases, exact {_pct(r.get('exact'))}, effect {_pct(r.get('effect'))}"


def _table(results: dict[str, dict[str, Any]]) -> str:
    head = "| set | cases | exact | effect | false action | world changed | AUROC conf | AUROC unfam | ECE | offload for 97% | routed at 15% | p50 ms |"
    lines = [head, "|---|" + "---:|" * 11]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['cases']} | {_pct(r.get('exact'))} | {_pct(r.get('effect'))} |"
            f" {_pct(r.get('false_action'))} | {_pct(r.get('false_change'))} |"
            f" {_num(r.get('auroc_confidence'))} | {_num(r.get('auroc_unfamiliarity'))} |"
            f" {_num(r.get('ece'))} | {_pct(r.get('offload_for_97'))} | {_pct(r.get('routed_at_15'))} |"
            f" {r.get('p50_ms', 0):.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
