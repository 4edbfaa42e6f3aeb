"""Fit the zero-shot relevance gate (``edgeagent/brains/zero_shot.py`` ``FITS``) on the
project's own toolkits; no benchmark data.

Two sources (``--source``): generated API-style toolsets over invented domains
(``synthetic_toolsets.py``), and requests drawn from the smart-home and robot toolkits'
sentence generators. Each toolkit request becomes
BFCL-shaped toolsets of one to four tools: *relevant* (its own tool among random tools of the
other toolkit) and *irrelevant* (tools of the other toolkit only, or the request is one of
the toolkits' own out-of-scope sentences against that toolkit's tools). A logistic regression
of "some tool applies" on the ranking's best score and margin is fitted per scorer.

    .venv/bin/python benchmarks/zero_shot_fit.py --n 300
"""

from __future__ import annotations

import argparse
import json
import random

import numpy as np

from edgeagent.brains.retrieval import EmbeddingScorer, LexicalScorer, rank_tools
from edgeagent.registry import ToolRegistry
from edgeagent.tool import Tool
from edgeagent.toolset import Toolset


def pairs(n: int, seed: int) -> list[tuple[str, list[Tool], int]]:
    """(request, tools, 1 if a tool applies) for generated requests of both toolkits."""
    rng = random.Random(seed)
    kits = {name: ToolRegistry().load_toolkit(name) for name in ("smart_home", "robot")}
    tools = {name: {t.name: t for t in kit.tools()} for name, kit in kits.items()}
    out: list[tuple[str, list[Tool], int]] = []
    for name, kit in kits.items():
        other = [t for k, ts in tools.items() if k != name for t in ts.values()]
        own = list(tools[name].values())
        for case in kit.training_cases(n, seed=seed):
            words = case.utterance
            k = rng.randint(1, 4)
            if case.expected:
                target = tools[name][case.expected[0].tool]
                toolset = [target, *rng.sample(other, k - 1)]
                rng.shuffle(toolset)
                out.append((words, toolset, 1))
                out.append((words, rng.sample(other, k), 0))
            else:  # the toolkit's own out-of-scope sentence against its own tools
                out.append((words, rng.sample(own, k), 0))
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Weights (…, bias) by Newton's method."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + l2 * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def auroc(scores: np.ndarray, labels: np.ndarray) -> float:
    pos, neg = scores[labels == 1], scores[labels == 0]
    return float(((pos[:, None] > neg[None]) + 0.5 * (pos[:, None] == neg[None])).mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="requests drawn per toolkit")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scorers", default="lexical,embedding")
    ap.add_argument("--source", default="both", choices=["both", "synthetic", "toolkits"])
    args = ap.parse_args()
    data = []
    if args.source in ("both", "synthetic"):
        from synthetic_toolsets import relevance_pairs

        data += list(relevance_pairs(args.n, args.seed))
    if args.source in ("both", "toolkits"):
        data += pairs(args.n, args.seed)
    labels = np.array([y for _, _, y in data], dtype=float)
    report = {}
    for name in args.scorers.split(","):
        scorer = LexicalScorer() if name == "lexical" else EmbeddingScorer()
        feats = []
        for words, tools, _ in data:
            r = rank_tools(words, Toolset(tools), scorer)
            feats.append([r.best, r.margin])
        x = np.array(feats)
        w = fit_logistic(x, labels)
        p = 1 / (1 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ w)))
        w1 = fit_logistic(x[:, :1], labels)
        neg, pos = np.sort(x[labels == 0, 0]), np.sort(x[labels == 1, 0])
        report[name] = {
            "w_best": round(float(w[0]), 3),
            "w_margin": round(float(w[1]), 3),
            "bias": round(float(w[2]), 3),
            "best_only": [round(float(v), 3) for v in w1],
            "negatives_best_q50_q80_q90_q95": [
                round(float(np.quantile(neg, q)), 3) for q in (0.5, 0.8, 0.9, 0.95)
            ],
            "positives_best_q05_q10_q20_q50": [
                round(float(np.quantile(pos, q)), 3) for q in (0.05, 0.1, 0.2, 0.5)
            ],
            "auroc_best": round(auroc(x[:, 0], labels), 3),
            "accuracy_at_0.5": round(float(((p >= 0.5) == labels).mean()), 3),
            "pairs": len(data),
            "relevant": int(labels.sum()),
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
