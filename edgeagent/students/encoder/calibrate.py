"""Making the encoder student's confidence mean something off its training distribution.

Held-aside requests are chosen by *phrasing family* and *entity name* (:func:`split`), not at
random: a random tenth of a generator's output shares its phrasings with the rest, and a
confidence calibrated on it reads 0.95 where the truth off-distribution is 0.77. On those
requests this module fits, in order:

1. a softmax temperature for the least probable choice (the raw confidence);
2. each unfamiliarity measure (:mod:`...unfamiliarity`) on the training requests' embeddings,
   keeping the one whose AUROC at telling wrong from right on the held-aside requests is best;
3. a logistic map of ``[logit(raw), unfamiliarity, no action]`` to the probability of being
   right (Platt scaling with two more features; smoothed targets keep it finite).

Every signal's AUROC, the ECE before and after, and the split are recorded in the student's
manifest (``calibration.fitted_on``).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from edgeagent.cases import Case
from edgeagent.errors import ConfigError, ToolArgumentError, UnknownNameError
from edgeagent.scoring import calls_match
from edgeagent.students.encoder import unfamiliarity as unf
from edgeagent.students.encoder.heads import Calibration, HeadSpec, decode
from edgeagent.students.encoder.infer import Logits, as_model, predict
from edgeagent.toolset import Toolset

MIN_CALIBRATION_CASES = 50  # fewer and a fitted map is noise (say so, keep the identity)
CLASS_KINDS = frozenset({"domain", "device_class", "state"})  # vocabularies of kinds, not names


def share_of(key: str) -> float:
    """A stable number in [0, 1) for a key (the same in every run and on every machine)."""
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) / 2**32


def entity_values(cases: Sequence[Case], toolset: Toolset, rare: float = 0.01) -> set[str]:
    """The entity-like values the cases use (device names, objects, lists: not domains,
    device classes or states) that at most ``rare`` of the cases name, lower-cased: the names
    that may be held out (holding out the kitchen would hold out a tenth of a home)."""

    entity_params = {
        p.name
        for t in toolset
        for p in t.params
        if p.vocab is not None and p.vocab.kind not in CLASS_KINDS
    }
    counts = Counter(
        str(v).strip().lower()
        for c in cases
        for call in c.expected
        for name, v in call.args.items()
        if name in entity_params and isinstance(v, str) and v.strip().lower() not in {"all", "me"}
    )
    return {v for v, n in counts.items() if n <= rare * len(cases)}


class Bands(BaseModel):
    """Where each phrasing family and entity name goes: a stable hash of its key below the
    first cut goes to ``calibration`` (held aside to fit the confidence), below the second to
    ``test`` (kept out of training and calibration, to measure the gap), else to ``train``.
    The cuts are recorded in the student's manifest, so a benchmark can tell later which
    families and names the student never saw."""

    model_config = ConfigDict(frozen=True)

    families: tuple[float, float] = (0.0, 0.0)
    names: tuple[float, float] = (0.0, 0.0)
    kept: tuple[str, ...] = ()  # families below a cut that stay in training (see ``fit``)

    @classmethod
    def fit(
        cls,
        family_keys: Iterable[str],
        name_values: Iterable[str],
        *,
        families: float,
        test_families: float,
        names: float,
        test_names: float,
        patterns_of: Mapping[str, set[str]] | None = None,
    ) -> Bands:
        """Cuts that put (rounding up) ``families`` of the families in calibration and
        ``test_families`` in test, the same for names: exact shares even for a toolkit with
        a dozen families, where a fixed hash threshold would be lumpy.

        ``patterns_of`` (family -> the call patterns it teaches, see :func:`call_patterns`)
        protects what the student must learn: a family is held out only while every pattern
        it teaches keeps another family in training (a toolkit with one phrasing family for
        a tool would otherwise never train that tool); the families it keeps are ``kept``."""
        keys = sorted(set(family_keys), key=lambda k: share_of("family:" + k))
        kept: list[str] = []
        if patterns_of is not None:
            wanted = math.ceil(families * len(keys)) + math.ceil(test_families * len(keys))
            kept = _kept_back(keys, patterns_of, wanted)
        staying = set(kept)
        eligible = [k for k in keys if k not in staying]
        n = len(keys)  # the shares are of all families, counted over those that may go
        return cls(
            families=_cuts(
                ["family:" + k for k in eligible],
                families * n / max(len(eligible), 1),
                test_families * n / max(len(eligible), 1),
            ),
            names=_cuts(["name:" + v for v in name_values], names, test_names),
            kept=tuple(kept),
        )

    def family(self, key: str) -> str:
        if key in self.kept:
            return "train"
        return _band(share_of("family:" + key), self.families)

    def name(self, value: str) -> str:
        return _band(share_of("name:" + value.strip().lower()), self.names)

    def of(self, case: Case, entity: set[str]) -> str:
        """A case's band: its family's, or a held-out name's if it says one."""
        bands = {self.family(case.family)} if case.family is not None else {"train"}
        said = {str(v).strip().lower() for e in case.expected for v in e.args.values()}
        bands |= {self.name(v) for v in said & entity}
        for band in ("test", "calibration"):
            if band in bands:
                return band
        return "train"


def _kept_back(keys: Sequence[str], patterns_of: Mapping[str, set[str]], wanted: int) -> list[str]:
    """The families, taken in ``keys``' (hash) order until ``wanted`` can be held out, that
    must stay in training: holding one out would leave a call pattern with no family."""
    left = Counter(p for k in keys for p in patterns_of.get(k, set()))
    going, kept = 0, []
    for k in keys:
        if going >= wanted:
            break
        patterns = patterns_of.get(k, set())
        if all(left[p] > 1 for p in patterns):
            going += 1
            left.subtract(patterns)
        else:
            kept.append(k)
    return kept


def _cuts(keys: Iterable[str], first: float, second: float) -> tuple[float, float]:
    shares = sorted({share_of(k) for k in keys})
    if not shares:
        return (0.0, 0.0)

    def cut(count: int) -> float:
        return shares[count] if count < len(shares) else 1.0

    a = math.ceil(first * len(shares))
    b = a + math.ceil(second * len(shares))
    return (cut(a), cut(b))


def _band(x: float, cuts: tuple[float, float]) -> str:
    if x < cuts[0]:
        return "calibration"
    if x < cuts[1]:
        return "test"
    return "train"


def call_patterns(cases: Sequence[Case]) -> dict[str, set[str]]:
    """Per phrasing family, the call patterns its requests teach: the tool, its argument
    names, and the values an argument always has in the family (``set_fan(speed=off)`` is
    another pattern than ``set_fan(speed)``); ``""`` for no call."""
    # family -> call shape -> argument -> the values the family gives it
    seen: dict[str, dict[str, dict[str, set[str]]]] = {}
    for c in cases:
        if c.family is None:
            continue
        shapes = seen.setdefault(c.family, {})
        if not c.expected:
            shapes.setdefault("", {})
        for e in c.expected:
            args = shapes.setdefault(f"{e.tool}({','.join(sorted(e.args))})", {})
            for name, v in e.args.items():
                args.setdefault(name, set()).add(str(v))
    out: dict[str, set[str]] = {}
    for family, shapes in seen.items():
        out[family] = set()
        for shape, args in shapes.items():
            fixed = sorted(f"{name}={next(iter(vs))}" for name, vs in args.items() if len(vs) == 1)
            out[family].add(shape + (f"[{','.join(fixed)}]" if fixed else ""))
    return out


def split(
    cases: Sequence[Case],
    toolset: Toolset,
    *,
    families: float,
    test_families: float,
    names: float,
    test_names: float,
    random_share: float,
    seed: int,
) -> tuple[list[Case], list[Case], list[Case], Bands]:
    """(training, calibration, test, the bands) as :class:`Bands` says; cases without a
    family (a log, a case file) are held aside for calibration at random with
    ``random_share``. When families and names give fewer than :data:`MIN_CALIBRATION_CASES`
    (a toolkit with few phrasing families), random training cases make up the difference:
    calibrating on them is i.i.d., and the figures say so (``random_calibration``)."""
    import random

    rng = random.Random(seed)
    entity = entity_values(cases, toolset)
    patterns_of = call_patterns(cases)
    bands = Bands.fit(
        patterns_of,
        entity,
        families=families,
        test_families=test_families,
        names=names,
        test_names=test_names,
        patterns_of=patterns_of,
    )
    out: dict[str, list[Case]] = {"train": [], "calibration": [], "test": []}
    for c in cases:
        if c.family is None:
            out["calibration" if rng.random() < random_share else "train"].append(c)
        else:
            out[bands.of(c, entity)].append(c)
    short = MIN_CALIBRATION_CASES - len(out["calibration"])
    if short > 0 and (families or names or random_share):
        pool = out["train"]
        rng.shuffle(pool)
        take = min(short, len(pool) // 5)
        out["calibration"] += pool[:take]
        out["train"] = pool[take:]
    return out["train"], out["calibration"], out["test"], bands


@dataclass
class Scored:
    """A held-aside request through the student: its case and the heads' outputs."""

    case: Case
    logits: Logits


def score(student: Any, tokenizer: Any, spec: HeadSpec, cases: Sequence[Case]) -> list[Scored]:
    model = as_model(student)  # the numpy heads read once, not per request
    return [Scored(c, predict(model, tokenizer, spec, c.observation())) for c in cases]


def outcomes_at(
    scored: Sequence[Scored], spec: HeadSpec, toolset: Toolset, temperature: float
) -> list[tuple[bool, float, bool]]:
    """(right?, raw confidence at ``temperature``, decided no action?) per request."""
    out = []
    at = Calibration(temperature=temperature)
    for s in scored:
        lg, obs = s.logits, s.case.observation()
        d = decode(spec, lg.enc, lg.tools, lg.classes, lg.spans, toolset, obs, at)
        try:
            calls = toolset.validate_calls(d.calls, obs)
            ok = calls_match(s.case.expected_dicts(), calls, s.case.match)
        except (UnknownNameError, ToolArgumentError):
            ok = False  # an invalid decision is simply wrong
        out.append((ok, d.raw_confidence, not d.calls))
    return out


GRID = tuple(round(0.5 * 1.25**i, 3) for i in range(14))  # 0.5 .. ~9.1


def fit_temperature(
    pairs_at: Callable[[float], Sequence[tuple[bool, float]]], grid: Sequence[float] = GRID
) -> float:
    """The temperature whose confidences best predict correctness: the least binary
    log-loss of ``pairs_at(T)`` (each decision's (right?, confidence) at T) over the grid."""
    best, best_loss = 1.0, math.inf
    eps = 1e-6
    for t in grid:
        pairs = pairs_at(t)
        loss = -float(
            np.mean([math.log(max(c, eps)) if ok else math.log(max(1 - c, eps)) for ok, c in pairs])
        )
        if loss < best_loss:
            best, best_loss = t, loss
    return best


def fit_logistic(
    x: np.ndarray, right: np.ndarray, iterations: int = 100, l2: float = 1e-3
) -> np.ndarray:
    """Logistic regression of correctness on the columns of ``x`` (a bias column included by
    the caller), with Platt's smoothed targets (``(N+ + 1) / (N+ + 2)`` for right,
    ``1 / (N- + 2)`` for wrong) so that (nearly) separable data keep the fit finite; Newton
    steps with step halving and a little ridge."""
    n_pos, n_neg = int(right.sum()), int((~right).sum())
    y = np.where(right, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def loss(w: np.ndarray) -> float:
        z = x @ w
        return float(np.sum(np.logaddexp(0, z) - y * z) + l2 * w @ w)

    w = np.zeros(x.shape[1])
    w[0] = 1.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -50, 50)))
        grad = x.T @ (p - y) + 2 * l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + 2 * l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        scale, before = 1.0, loss(w)
        while scale > 1e-4 and loss(w - scale * step) > before:
            scale /= 2
        w = w - scale * step
        if np.abs(scale * step).max() < 1e-9:
            break
    return w


def fit_platt(pairs: Sequence[tuple[bool, float]], iterations: int = 100) -> tuple[float, float]:
    """Logistic regression of correctness on ``logit(confidence)``: the Platt map ``(a, b)``."""
    if not pairs:
        return (1.0, 0.0)
    c = np.clip(np.array([p for _, p in pairs], dtype=float), 1e-6, 1 - 1e-6)
    x = np.stack([np.log(c / (1 - c)), np.ones_like(c)], axis=1)
    right = np.array([ok for ok, _ in pairs], dtype=bool)
    w = fit_logistic(x, right, iterations, l2=0.0)
    return (float(w[0]), float(w[1]))


def auroc(scores: Sequence[float], right: Sequence[bool]) -> float | None:
    from edgeagent.evaluation.metrics import auroc as _auroc

    value = _auroc(list(scores), list(right))
    return None if value is None else round(float(value), 4)


def ece(pairs: Sequence[tuple[bool, float]]) -> float:
    from edgeagent.evaluation.metrics import ece as _ece

    return round(float(_ece([c for _, c in pairs], [ok for ok, _ in pairs]) or 0.0), 4)


@dataclass
class HeldAside:
    """The held-aside requests at the fitted temperature: right or wrong, raw confidence, and
    whether the decision was to do nothing."""

    temperature: float
    right: np.ndarray
    raw: np.ndarray
    noop: np.ndarray


def held_aside(scored: Sequence[Scored], spec: HeadSpec, toolset: Toolset) -> HeldAside:
    """Fit the temperature on the held-aside requests and read them at it (too few of them
    is a clear error)."""
    if len(scored) < MIN_CALIBRATION_CASES:
        raise ConfigError(
            f"only {len(scored)} held-aside requests to calibrate the confidence on; at least"
            f" {MIN_CALIBRATION_CASES} are needed (give more teacher data, or more phrasing"
            " families in the sentence files)"
        )
    temperature = fit_temperature(
        lambda t: [(ok, c) for ok, c, _ in outcomes_at(scored, spec, toolset, t)]
    )
    outcomes = outcomes_at(scored, spec, toolset, temperature)
    return HeldAside(
        temperature,
        np.array([ok for ok, _, _ in outcomes], dtype=bool),
        np.clip(np.array([c for _, c, _ in outcomes]), 1e-6, 1 - 1e-6),
        np.array([float(n) for _, _, n in outcomes]),
    )


def fit_map(
    held: HeldAside, unfamiliarity: np.ndarray | None
) -> tuple[Calibration, dict[str, Any]]:
    """The logistic map of ``[logit(raw), unfamiliarity, no action]`` fitted on the held-aside
    requests (without a measure, its weight stays 0), with the figures of the fit."""
    u = unfamiliarity if unfamiliarity is not None else np.zeros(len(held.raw))
    raw, noop, right = held.raw, held.noop, held.right
    x = np.stack([np.log(raw / (1 - raw)), np.ones_like(raw), u, noop], axis=1)
    w = fit_logistic(x, right)
    calibration = Calibration(
        temperature=held.temperature,
        platt=(float(w[0]), float(w[1])),
        unfamiliarity=float(w[2]) if unfamiliarity is not None else 0.0,
        noop=float(w[3]),
    )
    final = [
        calibration.confidence(float(r), float(ui), bool(n))
        for r, ui, n in zip(raw, u, noop, strict=True)
    ]
    figures = {
        "cases": len(raw),
        "held_aside_accuracy": round(float(right.mean()), 4),
        "auroc": {
            "raw_confidence": auroc(raw.tolist(), right.tolist()),
            "calibrated": auroc(final, right.tolist()),
        },
        "ece_raw": ece(list(zip(right.tolist(), raw.tolist(), strict=True))),
        "ece": ece(list(zip(right.tolist(), final, strict=True))),
    }
    calibration.fitted_on = figures
    return calibration, figures


def fit_signals(
    train_logits: Sequence[Logits],
    train_labels: Sequence[int],
    scored: Sequence[Scored],
    spec: HeadSpec,
    toolset: Toolset,
    *,
    method: str = "auto",
    seed: int = 0,
) -> tuple[Calibration, unf.Unfamiliarity | None, dict[str, Any]]:
    """The calibration and unfamiliarity measure fitted on held-aside requests (``scored``),
    the measures fitted on training requests' outputs; returns the figures too."""
    held = held_aside(scored, spec, toolset)
    pooled = np.stack([lg.pooled for lg in train_logits])
    tools = np.stack([lg.tools[0] for lg in train_logits])
    held_pooled = np.stack([s.logits.pooled for s in scored])
    held_tools = np.stack([s.logits.tools[0] for s in scored])
    candidates = unf.METHODS if method == "auto" else (() if method == "none" else (method,))
    best: tuple[float, unf.Unfamiliarity, np.ndarray] | None = None
    signals: dict[str, float | None] = {}
    for name in candidates:
        model = unf.fit(name, pooled, tools, train_labels, seed=seed)  # type: ignore[arg-type]
        u = np.array(
            [
                unf.to_unit(r, model.quantiles)
                for r in unf.raw_scores(model, held_pooled, held_tools)
            ]
        )
        score_ = auroc((1.0 - u).tolist(), held.right.tolist()) or 0.0
        signals[f"unfamiliarity_{name}"] = score_
        if best is None or score_ > best[0]:
            best = (score_, model, u)
    calibration, figures = fit_map(held, best[2] if best is not None else None)
    figures["auroc"].update(signals)
    figures["unfamiliarity"] = best[1].method if best is not None else None
    return calibration, best[1] if best is not None else None, figures
