"""Eval metrics, results summary and report, checked against values computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgeagent.evaluation.metrics import (
    CurvePoint,
    apgr,
    auc,
    auroc,
    cpt,
    ece,
    percentiles,
    reliability,
    routing_curve,
)
from edgeagent.evaluation.records import CaseRecord, TierOutcome
from edgeagent.evaluation.report import write_report
from edgeagent.evaluation.summary import summarize

# Data set B: five cases, the cloud always right.
#   confidence  0.9  0.8  0.6  0.4  0.2
#   local        T    F    T    F    F    -> local accuracy 2/5 = 0.4
#   cloud        T    T    T    T    T    -> cloud accuracy 1.0
CONF = [0.9, 0.8, 0.6, 0.4, 0.2]
LOCAL = [True, False, True, False, False]
CLOUD = [True, True, True, True, True]


def pts(curve: list[CurvePoint]) -> list[tuple[float, float, float]]:
    return [
        (pytest.approx(p.threshold), pytest.approx(p.offload), pytest.approx(p.accuracy))
        for p in curve
    ]


# --------------------------------------------------------------------------- curve


def test_routing_curve_by_hand() -> None:
    # t=0      escalates nothing                      -> offload 0.0, acc 2/5 = 0.4
    # t=0.2    escalates nothing (c < 0.2): same offload, dropped
    # t=0.4    escalates 0.2 (F->T)                   -> offload 0.2, acc 3/5 = 0.6
    # t=0.6    + 0.4 (F->T)                           -> offload 0.4, acc 4/5 = 0.8
    # t=0.8    + 0.6 (T->T)                           -> offload 0.6, acc 0.8
    # t=0.9    + 0.8 (F->T)                           -> offload 0.8, acc 1.0
    # t=0.9+ε  everything                             -> offload 1.0, acc 1.0
    curve = routing_curve(CONF, LOCAL, CLOUD)
    assert pts(curve) == [
        (0.0, 0.0, 0.4),
        (0.4, 0.2, 0.6),
        (0.6, 0.4, 0.8),
        (0.8, 0.6, 0.8),
        (0.9, 0.8, 1.0),
        (pytest.approx(0.900001), 1.0, 1.0),
    ]


def test_routing_curve_with_ties_zero_and_one() -> None:
    # confidence 0.0  0.5  0.5  1.0
    # local      F    T    F    T     -> 0.5
    # cloud      T    T    T    F     -> 0.75
    # t=0        nothing              -> offload 0,    acc 2/4 = 0.5
    # t=0.5      0.0 (F->T)           -> offload 0.25, acc 3/4 = 0.75
    # t=1.0      0.0, 0.5, 0.5        -> offload 0.75, acc (T + T + T) + T = 1.0
    # t=1+ε      everything           -> offload 1.0,  acc 0.75 (the cloud)
    curve = routing_curve(
        [0.0, 0.5, 0.5, 1.0], [False, True, False, True], [True, True, True, False]
    )
    assert pts(curve) == [
        (0.0, 0.0, 0.5),
        (0.5, 0.25, 0.75),
        (1.0, 0.75, 1.0),
        (pytest.approx(1.000001), 1.0, 0.75),
    ]
    assert routing_curve([], [], []) == []
    with pytest.raises(ValueError):
        routing_curve([0.5], [True], [])


def test_auc_apgr_cpt_by_hand() -> None:
    curve = routing_curve(CONF, LOCAL, CLOUD)
    # five segments of width 0.2: (0.4+0.6)/2 + (0.6+0.8)/2 + 0.8 + 0.9 + 1.0 = 3.9 -> 0.78
    assert auc(curve) == pytest.approx(0.78)
    # (0.78 - 0.4) / (1.0 - 0.4) = 0.38 / 0.6
    assert apgr(0.78, 0.4, 1.0) == pytest.approx(0.633333, abs=1e-6)
    # CPT50 target 0.4 + 0.5*0.6 = 0.7 -> first reached at offload 0.4 (acc 0.8)
    assert cpt(curve, 0.4, 1.0, 0.5) == pytest.approx(0.4)
    # CPT80 target 0.4 + 0.8*0.6 = 0.88 -> first reached at offload 0.8 (acc 1.0)
    assert cpt(curve, 0.4, 1.0, 0.8) == pytest.approx(0.8)
    # a target met exactly counts: fraction 1/3 -> 0.6, reached at offload 0.2
    assert cpt(curve, 0.4, 1.0, 1 / 3) == pytest.approx(0.2)


def test_apgr_and_cpt_edge_cases() -> None:
    assert apgr(0.8, 0.7, 0.7) is None  # no gap to recover
    assert apgr(None, 0.7, 0.9) is None
    # a router above the cloud line recovers more than the gap
    assert apgr(0.9, 0.6, 0.8) == pytest.approx(1.5)
    curve = [CurvePoint(0.0, 0.0, 0.9), CurvePoint(1.1, 1.0, 0.8)]
    assert cpt(curve, 0.9, 0.8, 0.5) == 0.0  # cloud no better: nothing needs offloading
    assert cpt([], 0.4, 1.0, 0.5) is None
    assert auc([]) is None
    # a curve that never reaches the target (inconsistent baselines) gives None
    assert cpt([CurvePoint(0.0, 0.0, 0.4), CurvePoint(1.0, 1.0, 0.5)], 0.4, 1.0, 0.5) is None


# --------------------------------------------------------------------------- confidence


def test_auroc_by_hand() -> None:
    # right: 0.9, 0.6; wrong: 0.8, 0.4, 0.2. 0.9 beats 3, 0.6 beats 2 -> 5 of 6 pairs
    assert auroc(CONF, LOCAL) == pytest.approx(5 / 6)
    # right: 0.5, 0.7; wrong: 0.5, 0.3 -> pairs 0.5 (tie) + 1 + 1 + 1 = 3.5 of 4
    assert auroc([0.5, 0.5, 0.7, 0.3], [True, False, True, False]) == pytest.approx(0.875)
    assert auroc([0.5, 0.5, 0.5], [True, False, True]) == pytest.approx(0.5)  # all ties
    assert auroc([0.1, 0.9], [False, True]) == pytest.approx(1.0)
    assert auroc([0.1, 0.9], [True, False]) == pytest.approx(0.0)
    assert auroc([0.3, 0.9], [True, True]) is None  # no wrong decision
    assert auroc([0.3, 0.9], [False, False]) is None  # no right decision
    assert auroc([], []) is None


def test_reliability_and_ece_by_hand() -> None:
    # bins=2: [0, 0.5) holds 0.4, 0.2 (both wrong): mean conf 0.3, acc 0
    #         [0.5, 1] holds 0.9, 0.8, 0.6 (T, F, T): mean conf 2.3/3, acc 2/3
    bins = reliability(CONF, LOCAL, bins=2)
    assert [(b.lo, b.hi, b.count) for b in bins] == [(0.0, 0.5, 2), (0.5, 1.0, 3)]
    assert bins[0].mean_confidence == pytest.approx(0.3)
    assert bins[0].accuracy == pytest.approx(0.0)
    assert bins[1].mean_confidence == pytest.approx(0.766667, abs=1e-6)
    assert bins[1].accuracy == pytest.approx(0.666667, abs=1e-6)
    # ECE = 2/5 * |0 - 0.3| + 3/5 * |0.666667 - 0.766667| = 0.12 + 0.06 = 0.18
    assert ece(CONF, LOCAL, bins=2) == pytest.approx(0.18)
    # bins=10: one case per bin, ECE = (0.1 + 0.8 + 0.4 + 0.4 + 0.2) / 5 = 0.38
    assert ece(CONF, LOCAL) == pytest.approx(0.38)


def test_reliability_edges_and_empty_bins() -> None:
    bins = reliability([1.0, 0.0, 0.25], [True, False, True], bins=4)
    # 0.0 -> bin 0, 0.25 -> bin 1 ([0.25, 0.5)), 1.0 -> last bin; bin 2 stays empty
    assert [b.count for b in bins] == [1, 1, 0, 1]
    assert bins[2].mean_confidence is None and bins[2].accuracy is None
    assert bins[3].accuracy == 1.0
    # |0 - 0| + |1 - 0.25| + |1 - 1| over 3 cases = 0.25
    assert ece([1.0, 0.0, 0.25], [True, False, True], bins=4) == pytest.approx(0.25)
    assert ece([], []) is None
    assert len(reliability([], [])) == 10


def test_percentiles_by_hand() -> None:
    # sorted 10 20 30 40 100: p50 at index 2 -> 30; p95 at 3.8 -> 40 + 0.8*60 = 88
    p = percentiles([100, 20, 10, 40, 30])
    assert p["p50"] == pytest.approx(30.0)
    assert p["p95"] == pytest.approx(88.0)
    assert percentiles([1, 2, 3, 4])["p50"] == pytest.approx(2.5)
    assert percentiles([5.0]) == {"p50": 5.0, "p95": 5.0}
    assert percentiles([]) == {"p50": None, "p95": None}


# --------------------------------------------------------------------------- summary


def outcome(brain: str, conf: float, correct: bool, ms: float, kind: str = "act") -> TierOutcome:
    calls = [{"tool": "light_on", "args": {"room": "kitchen"}}] if kind == "act" else []
    return TierOutcome(
        brain=brain,
        kind=kind,
        calls=calls,
        confidence=conf,
        latency_ms=ms,
        correct=correct,
        reason="unknown tool" if kind == "invalid" else None,
    )


def records() -> list[CaseRecord]:
    # data set B, with the policy escalating the three least confident cases
    rows = [
        # id, conf, local ok, local kind, local ms, cloud ms, escalated, category, expected
        ("a", 0.9, True, "act", 100, 1000, False, "simple", ["light_on"]),
        ("b", 0.8, False, "act", 200, 1000, False, "simple", ["light_on"]),
        ("c", 0.6, True, "act", 300, 2000, True, "multiple", ["lock", "light_on"]),
        ("d", 0.4, False, "invalid", 400, 3000, True, "irrelevance", []),
        ("e", 0.2, False, "act", 500, 4000, True, "irrelevance", []),
    ]
    return [
        CaseRecord(
            id=i,
            suite="home",
            category=cat,
            utterance=f"utterance {i} | with a pipe",
            expected_tools=exp,
            local=outcome("small", conf, ok, lms, kind),
            cloud=outcome("big", 0.99, True, cms),
            escalated=esc,
            escalation_reason=f"gguf: confidence {conf:.2f} < 0.50 (threshold)" if esc else None,
            trigger="low_confidence" if esc else None,
            rule="threshold" if esc else None,
        )
        for i, conf, ok, kind, lms, cms, esc, cat, exp in rows
    ]


META = {
    "threshold": 0.7,
    "local_brain": "smollm2",
    "cloud_brain": "gpt-4o",
    "policy": "default",
    "case_file": "cases/home.jsonl",
    "seed": 1,
}


def test_summarize_by_hand() -> None:
    s = summarize(records(), meta=META)
    json.dumps(s)  # serialisable
    for key, value in META.items():
        assert s[key] == value
    assert s["cases"] == 5
    assert s["local_accuracy"] == 0.4  # a, c
    assert s["cloud_accuracy"] == 1.0
    # routed: a local T, b local F, c/d/e cloud T -> 4/5; escalated c, d, e -> 3/5
    assert s["routed_accuracy"] == 0.8
    assert s["offload_rate"] == 0.6
    assert s["threshold"] == 0.7
    assert s["latency_ms"]["local"] == {"p50": 300.0, "p95": 480.0}  # 400 + 0.8*100
    # cloud 1000 1000 2000 3000 4000 -> p95 3000 + 0.8*1000
    assert s["latency_ms"]["cloud"] == {"p50": 2000.0, "p95": 3800.0}
    # routed 100, 200, 300+2000, 400+3000, 500+4000 -> p50 2300, p95 3400 + 0.8*1100
    assert s["latency_ms"]["routed"] == {"p50": 2300.0, "p95": 4280.0}
    assert [(p["offload"], p["accuracy"]) for p in s["curve"]] == [
        (0.0, 0.4),
        (0.2, 0.6),
        (0.4, 0.8),
        (0.6, 0.8),
        (0.8, 1.0),
        (1.0, 1.0),
    ]
    assert s["curve"][-1]["threshold"] == 0.900001
    assert s["auc"] == 0.78
    assert s["apgr"] == 0.6333
    assert s["cpt50"] == 0.4
    assert s["cpt80"] == 0.8
    assert s["auroc"] == 0.8333  # the invalid decision counts with its confidence 0.4
    assert s["ece"] == 0.38
    assert len(s["reliability"]) == 10
    assert s["reliability"][9] == {
        "lo": 0.9,
        "hi": 1.0,
        "count": 1,
        "mean_confidence": 0.9,
        "accuracy": 1.0,
    }
    assert s["invalid"] == {"local": 1, "cloud": 0}
    assert s["escalation_reasons"] == {"confidence below threshold": 3}
    # d and e expect no action: locally d is invalid (nothing called), e acts; the cloud acts on
    # both (and both escalated, so the routed agent does too); nothing changed a world
    assert s["no_action_cases"] == 2
    assert s["false_action_rate"] == {"local": 0.5, "cloud": 1.0, "routed": 1.0}
    assert s["false_change_rate"] == {"local": 0.0, "cloud": 0.0, "routed": 0.0}
    assert s["no_action_offload"] == 1.0
    assert s["effect_accuracy"] == {"local": 0.4, "cloud": 1.0, "routed": 0.8}
    assert s["signals"] == {"confidence": {"auroc": 0.8333, "ece": 0.38}}  # none measured


def test_summarize_groups() -> None:
    s = summarize(records(), meta=META)
    tools = s["per_tool"]
    assert list(tools) == ["(none)", "light_on", "lock"]  # by count, then name
    assert tools["(none)"] == {
        "cases": 2,
        "local_accuracy": 0.0,
        "cloud_accuracy": 1.0,
        "routed_accuracy": 1.0,
        "local_effect_accuracy": 0.0,  # no world here: the effect score is the match rule
        "offload": 1.0,
    }
    assert tools["light_on"]["cases"] == 2  # "c" counts under its first tool, lock
    assert tools["light_on"]["local_accuracy"] == 0.5
    assert tools["light_on"]["routed_accuracy"] == 0.5
    assert tools["light_on"]["offload"] == 0.0
    assert tools["lock"]["routed_accuracy"] == 1.0
    cats = s["per_category"]
    assert set(cats) == {"simple", "multiple", "irrelevance"}
    assert cats["irrelevance"]["cases"] == 2
    assert cats["irrelevance"]["routed_accuracy"] == 1.0
    assert cats["simple"]["local_accuracy"] == 0.5


def test_summarize_empty_run() -> None:
    s = summarize([], meta={"threshold": 0.5})
    json.dumps(s)
    assert s["cases"] == 0
    assert s["local_accuracy"] is None and s["auc"] is None and s["cpt50"] is None
    assert s["curve"] == []
    assert s["latency_ms"]["routed"] == {"p50": None, "p95": None}
    assert s["per_tool"] == {}


# --------------------------------------------------------------------------- report


def test_write_report(tmp_path: Path) -> None:
    recs = records()
    s = summarize(recs, meta=META)
    out = tmp_path / "run"
    paths = write_report(s, recs, out)
    names = sorted(p.name for p in paths)
    assert names == ["latency.png", "offload_curve.png", "reliability.png", "report.md"]
    for p in paths:
        assert p.parent == out and p.stat().st_size > 0
        if p.suffix == ".png":
            assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "report.md").read_text(encoding="utf-8")
    for needle in ("](offload_curve.png)", "](reliability.png)", "](latency.png)"):
        assert needle in md
    assert "smollm2" in md and "gpt-4o" in md and "home.jsonl" in md
    assert "| (none) | 2 |" in md and "| irrelevance | 2 |" in md
    assert "How to read this" in md and "APGR" in md and "CPT50" in md


def test_write_report_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """matplotlib is the optional `plots` extra: without it the tables are written, the
    figures are not, and the report says how to get them."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "matplotlib" else real(n, *a)
    )
    recs = records()
    paths = write_report(summarize(recs, meta=META), recs, tmp_path / "run")
    assert [p.name for p in paths] == ["report.md"]
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["report.md"]
    md = paths[0].read_text(encoding="utf-8")
    assert "edgeagent[plots]" in md and ".png" not in md and "APGR" in md
    # confident mistakes, most confident first: b (0.8), d (0.4), e (0.2); pipes escaped
    mistakes = md.split("Confidently wrong")[1]
    assert (
        mistakes.index("utterance b")
        < mistakes.index("utterance d")
        < mistakes.index("utterance e")
    )
    assert "utterance b \\| with a pipe" in mistakes
    assert 'light_on(room="kitchen")' in mistakes
    assert "invalid: unknown tool" in mistakes


def test_write_report_empty_run(tmp_path: Path) -> None:
    paths = write_report(summarize([], meta={}), [], tmp_path)
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)
