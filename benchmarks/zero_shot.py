"""The zero-shot GGUF brain on a toolkit it never saw: accuracy, confidence and latency.

Runs the brain (new path and, with ``--baseline``, the old one: no retrieval, full prompt,
free values, interleaved case by case so both see the same machine load) on

- the greenhouse example (``examples/greenhouse/greenhouse.py``: 8 tools over a world of
  zones, vents and crops with synonyms, ``Literal`` choices and bounded numbers; its 121
  hand-written requests, 20 out of scope), scored by exact calls after the schema's defaults
  are filled in (and by ``edgeagent eval``'s exact rule, which counts a default the request
  did not ask for as an extra argument); each case in a fresh world, where an action on an
  out-of-scope request is executed to see whether it changed the world; and/or
- BFCL files (``--bfcl FILE...``, a seeded sample of ``--limit`` cases each), scored by
  BFCL's AST rules as ``edgeagent eval`` does.

Prints accuracy, invalid outputs (calls the schema rejects), false actions on no-call
cases (and how many of those changed the world), AUROC and ECE of the confidence, p50
latency, tokens evaluated, per brain and file.

    .venv/bin/python benchmarks/zero_shot.py --greenhouse --baseline
    .venv/bin/python benchmarks/zero_shot.py --greenhouse --rank-only  # retrieval and gate alone
    .venv/bin/python benchmarks/zero_shot.py --bfcl ../shared/data/bfcl/BFCL_v4_multiple.json --limit 20
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgeagent.agent import Agent
from edgeagent.brains.gguf import GGUFBrain
from edgeagent.cases import load_cases
from edgeagent.datamodel import Decision, Observation
from edgeagent.evaluation.metrics import auroc, ece
from edgeagent.evaluation.runner import case_scorer
from edgeagent.policy import AllowAll
from edgeagent.toolset import Toolset
from edgeagent.world import diff

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # examples/
Scorer = Callable[[Decision], bool]


@dataclass(frozen=True)
class Item:
    id: str
    observation: Observation
    make_toolset: Callable[[], Toolset]  # a fresh world each call, where there is one
    ok: Scorer  # the benchmark's rule
    expects_call: bool
    ok_eval: Scorer | None = None  # ``edgeagent eval``'s rule, where it differs


def greenhouse_items() -> list[Item]:
    from examples.greenhouse.greenhouse import GreenhouseToolkit

    def make() -> Toolset:
        kit = GreenhouseToolkit()  # a fresh world
        return Toolset(kit.tools(), [kit.world])

    toolset = make()
    items: list[Item] = []
    for case in load_cases(ROOT / "examples/greenhouse/requests.jsonl"):
        want = [(e.tool, _filled(toolset, e.tool, e.args)) for e in case.expected]

        def ok(d: Decision, want: list[Any] = want) -> bool:
            got = [(c.tool, _filled(toolset, c.tool, c.args)) for c in d.calls]
            return d.kind in ("act", "noop", "answer") and got == want

        eval_rule = case_scorer(case)
        items.append(
            Item(
                case.id,
                case.observation(),
                make,
                ok,
                bool(case.expected),
                lambda d, rule=eval_rule: rule(d, False),
            )
        )
    return items


def _filled(toolset: Toolset, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    """Arguments with the schema's defaults filled in, strings lower-cased."""
    try:
        model = toolset.get(tool).args_model.model_validate(args)
    except Exception:
        return {"invalid": True}
    return {
        k: v.lower() if isinstance(v, str) else float(v) if isinstance(v, int | float) else v
        for k, v in model.model_dump().items()
    }


def bfcl_items(path: Path, limit: int | None, seed: int) -> list[Item]:
    from edgeagent.evaluation import bfcl

    cases = bfcl.load_bfcl(path)
    if limit is not None and limit < len(cases):  # a seeded sample kept in file order
        keep = sorted(random.Random(seed).sample(range(len(cases)), limit))
        cases = [cases[i] for i in keep]
    items: list[Item] = []
    for c in cases:

        def ok(d: Decision, c: Any = c) -> bool:
            calls = list(d.calls) if d.kind == "act" else []
            return d.kind != "invalid" and bfcl.ast_match(c.ground_truth, calls, c.functions)

        items.append(
            Item(c.id, c.observation(), lambda c=c: bfcl.toolset_for(c), ok, c.expects_call)
        )
    return items


def run(brains: dict[str, GGUFBrain], items: list[Item]) -> dict[str, Any]:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in brains}
    for item in items:
        for name, brain in brains.items():  # interleaved: the same load for each brain
            toolset = item.make_toolset()
            t = time.perf_counter()
            d = brain.decide(item.observation, toolset)
            ms = (time.perf_counter() - t) * 1000
            timings = dict(brain.last_timings)
            rows[name].append(
                {
                    "id": item.id,
                    "ok": item.ok(d),
                    "ok_eval": (item.ok_eval or item.ok)(d),
                    "confidence": d.confidence,
                    "ms": ms,
                    "invalid": d.kind == "invalid",
                    "acted": d.kind == "act",
                    "changed": _changed(brain, toolset, d, item.observation),
                    "expects_call": item.expects_call,
                    "evaluated": timings.get("suffix_tokens", 0)
                    + timings.get("output_tokens", 0)
                    + (
                        len(brain._prefix_tokens) - timings.get("prefix_reused_tokens", 0)
                        if "prefix_eval_ms" in timings
                        else 0
                    ),
                    "raw": d.raw,
                    "reason": d.reason,
                }
            )
            row = rows[name][-1]
            print(
                f"  {name} {item.id} ok={row['ok']} conf={d.confidence:.2f} {ms:.0f}ms {d.raw!r:.80}",
                flush=True,
            )
    return {name: summary(r) | {"rows": r} for name, r in rows.items()}


def _changed(brain: GGUFBrain, toolset: Toolset, d: Decision, obs: Observation) -> bool:
    """Whether executing the decision changes its (fresh) world; False without a world."""
    if d.kind != "act" or not toolset.worlds:
        return False
    agent = Agent(brain, toolset, policy=AllowAll())
    before = agent.snapshot()
    agent.act(d, agent.perceive(obs))
    return bool(diff(before, agent.snapshot()))


def rank_only(items: list[Item]) -> dict[str, Any]:
    """Retrieval and the relevance gate alone (no model), per scorer: the top-ranked tool on
    the requests that call one, and how many requests of each kind the gate turns away."""
    from edgeagent.brains.zero_shot import ZeroShot

    wanted = {i.id: i for i in items}
    cases = {c.id: c for c in load_cases(ROOT / "examples/greenhouse/requests.jsonl")}
    out: dict[str, Any] = {}
    for scorer in ("lexical", "embedding", "hybrid"):
        zs = ZeroShot(scorer=scorer)
        zs.plan(Observation(utterance="-"), items[0].make_toolset())  # loads the scorer
        top1 = gated_in = gated_out = 0
        ms: list[float] = []
        for case_id, item in wanted.items():
            toolset = item.make_toolset()
            t = time.perf_counter()
            plan = zs.plan(item.observation, toolset)
            ms.append((time.perf_counter() - t) * 1000)
            expected = cases[case_id].expected
            if expected:
                gated_in += plan.toolset is None
                ranked = plan.ranking.tools[0].name if plan.ranking else None
                top1 += ranked == expected[0].tool
            else:
                gated_out += plan.toolset is None
        n_in = sum(i.expects_call for i in items)
        out[scorer] = {
            "top1": f"{top1}/{n_in}",
            "in_scope_gated_out": gated_in,
            "out_of_scope_gated_out": f"{gated_out}/{len(items) - n_in}",
            "p50_ms": round(statistics.median(ms), 2),
        }
        print(f"greenhouse rank-only {scorer:10s} {json.dumps(out[scorer])}", flush=True)
    return out


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    conf = [r["confidence"] for r in rows]
    ok = [r["ok"] for r in rows]
    no_call = [r for r in rows if not r["expects_call"]]
    return {
        "n": len(rows),
        "accuracy": round(sum(ok) / len(rows), 3),
        "accuracy_eval_rule": round(sum(r["ok_eval"] for r in rows) / len(rows), 3),
        "invalid": sum(r["invalid"] for r in rows),
        "false_actions": f"{sum(r['acted'] for r in no_call)}/{len(no_call)}",
        "false_actions_changed": f"{sum(r['changed'] for r in no_call)}/{len(no_call)}",
        "auroc": _r(auroc(conf, ok)),
        "ece": _r(ece(conf, ok)),
        "p50_ms": round(statistics.median(r["ms"] for r in rows)),
        "tokens_evaluated_mean": round(statistics.mean(r["evaluated"] for r in rows), 1),
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--greenhouse", action="store_true")
    ap.add_argument("--bfcl", nargs="*", type=Path, default=[])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--baseline", action="store_true", help="also run the old full-prompt path")
    ap.add_argument("--retrieval", default="auto", help="auto, lexical or embedding")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--json", type=Path, default=None, help="write every row here")
    ap.add_argument("--rank-only", action="store_true", help="greenhouse retrieval alone")
    args = ap.parse_args()
    if args.rank_only:
        rank_only(greenhouse_items())
        return
    brains = {
        "zero-shot": GGUFBrain(state_cache=False, retrieval=args.retrieval, n_threads=args.threads)
    }
    if args.baseline:
        brains["baseline"] = GGUFBrain(
            state_cache=False, zero_shot=False, max_calls=4, n_threads=args.threads
        )
    sets: dict[str, list[Item]] = {}
    if args.greenhouse:
        sets["greenhouse"] = greenhouse_items()
    for f in args.bfcl:
        sets[f.stem] = bfcl_items(f, args.limit, args.seed)
    report: dict[str, Any] = {}
    for label, items in sets.items():
        report[label] = run(brains, items)
        for name, res in report[label].items():
            shown = {k: v for k, v in res.items() if k != "rows"}
            print(f"{label:28s} {name:10s} {json.dumps(shown)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
