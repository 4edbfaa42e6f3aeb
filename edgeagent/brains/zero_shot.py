"""The zero-shot path of the GGUF brain: which tools to offer, whether any applies, how sure.

For a toolset the model was never trained on, :class:`ZeroShot` ranks the tools by relevance
to the request (:mod:`edgeagent.brains.retrieval`) and turns the ranking into the probability
that some tool applies, ``relevance = sigmoid(w · [best score, margin] + b)``: a logistic fit
on generated requests against the project's own toolkits (never benchmark data;
``benchmarks/zero_shot_fit.py`` refits it and docs/zero_shot.md gives the figures). Below
:attr:`ZeroShot.gate` the brain calls nothing, without running the model; above it the model
sees only the best few tools and must call one of them. The decision's confidence is the
relevance times the model's own (the least sure grammar-renormalised choice), or
``1 - relevance`` for no call.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from edgeagent.brains.retrieval import (
    EmbeddingScorer,
    HybridScorer,
    LexicalScorer,
    Ranking,
    Scorer,
    default_scorer,
    rank_tools,
)
from edgeagent.brains.values import Bounds, clamp
from edgeagent.datamodel import Observation, ToolCall
from edgeagent.toolset import Toolset


@dataclass(frozen=True)
class RelevanceFit:
    """``P(some tool applies) = sigmoid(w_best * best + w_margin * margin + bias)``."""

    w_best: float
    w_margin: float
    bias: float

    def probability(self, ranking: Ranking) -> float:
        z = self.w_best * ranking.best + self.w_margin * ranking.margin + self.bias
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


# fitted by benchmarks/zero_shot_fit.py on the best score alone (the margin equals it for a
# one-tool toolset and got unstable weights); docs/zero_shot.md has the figures:
# embedding: --source synthetic (generated API-style toolsets; the gate sits at cosine 0.40);
# lexical: --source both (the synthetic requests reuse the tools' words verbatim, which alone
# puts the gate too high for paraphrases; the gate sits at a covered share of 0.11).
FITS: dict[str, RelevanceFit] = {
    "embedding": RelevanceFit(w_best=13.177, w_margin=0.0, bias=-5.301),
    "lexical": RelevanceFit(w_best=12.379, w_margin=0.0, bias=-1.38),
}


@dataclass(frozen=True)
class Plan:
    """What the zero-shot path decided before the model runs."""

    relevance: float  # probability that some tool applies
    ranking: Ranking | None
    toolset: Toolset | None  # the tools offered to the model; None: call nothing

    @property
    def no_call_confidence(self) -> float:
        return 1.0 - self.relevance

    def confidence(self, model: float, acted: bool) -> float:
        """The decision's confidence from the model's own and the relevance."""
        return self.relevance * model if acted else (1.0 - self.relevance) * model


class ZeroShot:
    """Ranks a toolset's tools for a request and plans what the model may call."""

    def __init__(
        self,
        scorer: Literal["auto", "lexical", "embedding", "hybrid"] | Scorer = "auto",
        *,
        max_tools: int = 2,
        close: float = 0.05,
        max_calls: int = 1,
        gate: float = 0.5,
        fit: RelevanceFit | None = None,
    ) -> None:
        self._scorer_option = scorer
        self._scorer: Scorer | None = None if isinstance(scorer, str) else scorer
        self.max_tools = max_tools
        self.close = close
        self.max_calls = max_calls
        self.gate = gate
        self._fit = fit
        # (id of the toolset, kept names) -> (the toolset, held so its id stays its own; narrowed)
        self._narrowed: dict[tuple[int, tuple[str, ...]], tuple[Toolset, Toolset]] = {}

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            option = self._scorer_option
            named: dict[str, type[Scorer]] = {
                "embedding": EmbeddingScorer,
                "lexical": LexicalScorer,
                "hybrid": HybridScorer,
            }
            self._scorer = named[option]() if option in named else default_scorer()
        return self._scorer

    @property
    def fit(self) -> RelevanceFit:
        return self._fit or FITS.get(self.scorer.name, FITS["lexical"])

    def relevance(self, words: str, toolset: Toolset, ranking: Ranking) -> float:
        """The probability that some tool applies (the hybrid scorer: the mean of its two
        parts' fitted probabilities)."""
        scorer = self.scorer
        if not isinstance(scorer, HybridScorer):
            return self.fit.probability(ranking)
        lex, emb = scorer.parts(words, list(toolset))  # cached: no second embedding pass
        p = [
            FITS[name].probability(Ranking(ranking.tools, tuple(sorted(part, reverse=True))))
            for name, part in (("lexical", lex), ("embedding", emb))
        ]
        return sum(p) / 2

    def plan(self, observation: Observation, toolset: Toolset) -> Plan:
        words = observation.utterance or ""
        if not words.strip() or len(toolset) == 0:  # an event: let the model read it
            return Plan(1.0, None, toolset)
        ranking = rank_tools(words, toolset, self.scorer)
        relevance = self.relevance(words, toolset, ranking)
        if relevance < self.gate:
            return Plan(relevance, ranking, None)
        best = ranking.best
        kept = [
            t
            for t, score in zip(ranking.top(self.max_tools), ranking.scores, strict=False)
            if score >= best - self.close
        ]
        return Plan(relevance, ranking, self.narrow(toolset, kept))

    def narrow(self, toolset: Toolset, tools: Sequence[object]) -> Toolset:
        """The toolset restricted to ``tools`` (the same object for the same choice, so
        prompts and grammars built for it are reused)."""
        names = tuple(sorted(t.name for t in tools if hasattr(t, "name")))
        if len(names) == len(toolset):
            return toolset
        key = (id(toolset), names)
        entry = self._narrowed.get(key)
        if entry is None:
            if len(self._narrowed) > 256:
                self._narrowed.clear()
            kept = [t for t in toolset if t.name in names]
            entry = self._narrowed[key] = (toolset, Toolset(kept, toolset.worlds))
        return entry[1]


def clamp_calls(calls: Sequence[ToolCall], toolset: Toolset) -> list[ToolCall]:
    """Numbers pulled back within their schema's bounds (the grammar bounds a real number's
    integer part exactly; its fraction may still step past the bound)."""
    out = []
    for call in calls:
        if call.tool not in toolset:
            out.append(call)
            continue
        tool = toolset.get(call.tool)
        props = tool.json_schema().get("properties", {})
        args = dict(call.args)
        for name, value in call.args.items():
            param = tool.param(name)
            if param is None or param.type not in ("integer", "number"):
                continue
            bounds = Bounds(param.minimum, param.maximum)
            prop = props.get(name)
            if isinstance(prop, dict) and (
                "exclusiveMinimum" in prop or "exclusiveMaximum" in prop
            ):
                bounds = Bounds.of(prop)
            if not bounds.bounded:
                continue
            integer = param.type == "integer"
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                args[name] = clamp(value, bounds, integer)
            elif isinstance(value, list):
                args[name] = [
                    clamp(v, bounds, integer)
                    if isinstance(v, int | float) and not isinstance(v, bool)
                    else v
                    for v in value
                ]
        out.append(call if args == dict(call.args) else ToolCall(tool=call.tool, args=args))
    return out
