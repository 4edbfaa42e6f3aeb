"""Which of a toolset's tools a request is about: a ranking and a relevance score.

A zero-shot brain puts only the best few tools in its prompt (shorter prompts, fewer
confusions) and uses the scores to decide whether any tool applies at all. Two scorers:

- :class:`LexicalScorer` (pure Python): BM25 over each tool's words (its name split at
  ``_ . -`` and camel case, its description, its parameters' names, descriptions and choices),
  with a fixed document frequency table for common English words so that one-tool toolsets
  still weigh words sensibly; its relevance is the share of the request's content words the
  best tool covers.
- :class:`EmbeddingScorer`: cosine similarity of sentence embeddings (the packaged
  all-MiniLM-L6-v2, through :func:`embed`; needs the ``encoder`` extra).

- :class:`HybridScorer`: the two added (the default when the embedding runtime is installed).

``default_scorer()`` picks the hybrid scorer when the embedding runtime is installed, else
the lexical one. docs/zero_shot.md has the measurements behind the choice.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from edgeagent.tool import Tool
from edgeagent.toolset import Toolset

_SPLIT_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TOKEN = re.compile(r"[a-z0-9]+")
_STOPWORDS = """a an the of to in on for from by with at as is are be was were been being it its this
    that these those i me my we our you your he she they them their what which who whom how
    when where why do does did can could would should will shall may might must please and or
    but if then than so not no yes any some all each every about into over under up down out
    there here just also get give tell find me us let want need like make know show using use
    given provided following one"""
STOPWORDS = frozenset(_STOPWORDS.split())


def split_identifier(name: str) -> str:
    """``getWeather_forecast.v2`` → ``get Weather forecast v2``."""
    return _SPLIT_CAMEL.sub(" ", re.sub(r"[_.\-/]+", " ", name))


def stem(word: str) -> str:
    """A light suffix stripper (plural and verb endings), enough to match ``lights``/``light``;
    stripped until nothing changes, so ``seedlings`` and ``seedling`` meet."""
    while True:
        shorter = _strip_suffix(word)
        if shorter == word:
            return word
        word = shorter


def _strip_suffix(word: str) -> str:
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "es" and not word.endswith(("ses", "xes", "ches", "shes")):
                continue
            return word[: -len(suffix)] + keep
    return word


def content_words(text: str) -> list[str]:
    """Lower-cased, stemmed words of ``text`` without stopwords."""
    words = _TOKEN.findall(split_identifier(text).lower())
    return [stem(w) for w in words if w not in STOPWORDS]


def tool_text(tool: Tool) -> str:
    """What a tool is about, as one text: name, description, parameters and their choices."""
    parts = [split_identifier(tool.name), tool.description]
    for p in tool.params:
        parts.append(split_identifier(p.name))
        if p.description:
            parts.append(p.description)
        if p.choices:
            parts.append(" ".join(p.choices[:20]))
    return ". ".join(x for x in parts if x)


class Scorer(Protocol):
    """Scores each tool for a request: higher is more relevant; comparable across toolsets."""

    name: str

    def scores(self, utterance: str, tools: Sequence[Tool]) -> list[float]: ...


class LexicalScorer:
    """BM25 of the request against each tool's words; scores in [0, 1] (see :meth:`scores`)."""

    name = "lexical"

    def __init__(self, k1: float = 1.2, b: float = 0.5) -> None:
        self.k1 = k1
        self.b = b
        self._docs: dict[str, Counter[str]] = {}

    def _doc(self, tool: Tool) -> Counter[str]:
        # keyed by the text, not id(tool): a toolset built per request (BFCL's, a fresh world
        # per case) frees its tools, and a new tool may get a freed one's id
        key = tool_text(tool)
        doc = self._docs.get(key)
        if doc is None:
            if len(self._docs) > 4096:
                self._docs.clear()
            doc = self._docs[key] = Counter(content_words(key))
        return doc

    def scores(self, utterance: str, tools: Sequence[Tool]) -> list[float]:
        """Per tool: BM25 normalised by the best score the request could reach (every content
        word matched with the same weights), so 1.0 means the tool covers the whole request."""
        query = list(dict.fromkeys(content_words(utterance)))
        if not query or not tools:
            return [0.0] * len(tools)
        docs = [self._doc(t) for t in tools]
        avg = sum(sum(d.values()) for d in docs) / len(docs) or 1.0
        n = len(docs)
        out = []
        for d in docs:
            length = sum(d.values()) or 1
            norm = self.k1 * (1 - self.b + self.b * length / avg)
            total = best = 0.0
            for w in query:
                df = sum(1 for other in docs if w in other)
                idf = math.log(1 + (n + 1) / (df + 0.5))  # ≥ log(1 + 2/3) even when all match
                best += idf
                tf = d.get(w, 0)
                if tf:
                    total += idf * tf * (self.k1 + 1) / (tf + norm) / (self.k1 + 1)
            out.append(total / best if best else 0.0)
        return out


class EmbeddingScorer:
    """Cosine similarity between the request's and each tool's sentence embeddings."""

    name = "embedding"

    def __init__(self) -> None:
        self._cache: dict[str, np.ndarray] = {}

    def scores(self, utterance: str, tools: Sequence[Tool]) -> list[float]:
        texts = [tool_text(t) for t in tools]
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if len(self._cache) > 4096:
            self._cache.clear()
        asked = [utterance] if utterance not in self._cache else []
        if asked or missing:
            vecs = embed([*asked, *missing])
            for text, vec in zip([*asked, *missing], vecs, strict=True):
                self._cache[text] = vec
        q = self._cache[utterance]
        return [float(np.dot(q, self._cache[t])) for t in texts]


class HybridScorer:
    """The lexical and the embedding score added: words the request shares with a tool's
    text outweigh a loose similarity of meaning, and meaning still counts where no word is
    shared. :meth:`parts` keeps both for the relevance fit of each."""

    name = "hybrid"

    def __init__(self) -> None:
        self.lexical = LexicalScorer()
        self.embedding = EmbeddingScorer()

    def parts(self, utterance: str, tools: Sequence[Tool]) -> tuple[list[float], list[float]]:
        return self.lexical.scores(utterance, tools), self.embedding.scores(utterance, tools)

    def scores(self, utterance: str, tools: Sequence[Tool]) -> list[float]:
        lex, emb = self.parts(utterance, tools)
        return [a + b for a, b in zip(lex, emb, strict=True)]


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length sentence embeddings (one row per text) from the packaged all-MiniLM-L6-v2.

    The one place the retrieval touches an embedding runtime (torch today), so another
    runtime can replace it. Raises :class:`~edgeagent.errors.MissingDependencyError` without
    the ``encoder`` extra.
    """
    model, tokenizer = _minilm()
    import torch

    with torch.inference_mode():
        batch = tokenizer(
            list(texts), padding=True, truncation=True, max_length=128, return_tensors="pt"
        )
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
    return np.asarray(pooled.numpy(), dtype=np.float32)


@functools.cache
def _minilm() -> tuple[Any, Any]:
    import importlib

    from edgeagent.errors import MissingDependencyError
    from edgeagent.students.encoder.model import BASE_PACKAGE

    try:
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:
        raise MissingDependencyError("torch", "encoder") from exc

    folder = importlib.import_module(BASE_PACKAGE).__path__[0] + "/model"
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder)
    model.eval()
    return model, tokenizer


def embedding_available() -> bool:
    """Whether :func:`embed` can run here (torch, transformers and the packaged weights)."""
    import importlib.util

    from edgeagent.students.encoder.model import BASE_PACKAGE

    return all(
        importlib.util.find_spec(m) is not None for m in ("torch", "transformers", BASE_PACKAGE)
    )


def default_scorer() -> Scorer:
    """The hybrid scorer when the embedding runtime is installed, else the lexical one."""
    return HybridScorer() if embedding_available() else LexicalScorer()


@dataclass(frozen=True)
class Ranking:
    """Tools ordered best first with their scores."""

    tools: tuple[Tool, ...]
    scores: tuple[float, ...]

    @property
    def best(self) -> float:
        return self.scores[0] if self.scores else 0.0

    @property
    def margin(self) -> float:
        """The best score minus the next (the best score alone when there is one tool)."""
        if len(self.scores) < 2:
            return self.best
        return self.scores[0] - self.scores[1]

    def top(self, k: int) -> list[Tool]:
        return list(self.tools[:k])


def rank_tools(utterance: str, toolset: Toolset, scorer: Scorer) -> Ranking:
    """The toolset's tools by relevance to the request (stable for ties: toolset order)."""
    tools = list(toolset)
    scores = scorer.scores(utterance, tools)
    order = sorted(range(len(tools)), key=lambda i: -scores[i])
    return Ranking(tuple(tools[i] for i in order), tuple(scores[i] for i in order))
