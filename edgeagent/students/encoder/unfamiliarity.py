"""How unlike its training data a request is, from the pooled embedding the heads read.

Three measures are fitted and compared on requests held aside by phrasing family (the one
that best separates right from wrong decisions there is kept; every figure is recorded):

- ``knn``: one minus the mean cosine similarity to the ``k`` nearest training requests (a
  bank of their normalised embeddings);
- ``mahalanobis``: the distance to the nearest tool's mean embedding under a shared, shrunk
  covariance (class-conditional Gaussians, as in Lee et al. 2018);
- ``energy``: minus the log-sum-exp of the first call slot's tool logits (Liu et al. 2020).

A raw measure becomes an *unfamiliarity* in [0, 1] through the empirical distribution of the
training requests' own raw values: 0.9 means "less familiar than 90% of what I was trained
on". Pure numpy: it runs wherever the heads run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from edgeagent.students.encoder.arrays import int8_rows

Method = Literal["knn", "mahalanobis", "energy"]
METHODS: tuple[Method, ...] = ("knn", "mahalanobis", "energy")
QUANTILES = 201
CHUNK = 256  # requests scored at once (bounds the memory of a batch)


@dataclass
class Unfamiliarity:
    """A fitted unfamiliarity measure (see the module docstring)."""

    method: Method
    quantiles: np.ndarray  # raw values at evenly spaced training percentiles
    bank: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))  # knn
    k: int = 10
    means: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))  # maha
    precision: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))

    def raw(self, pooled: np.ndarray, tool_logits: np.ndarray) -> float:
        """The raw measure for one request (larger = less familiar)."""
        return float(raw_scores(self, pooled[None, :], tool_logits[None, :])[0])

    def __call__(self, pooled: np.ndarray, tool_logits: np.ndarray) -> float:
        """Unfamiliarity in [0, 1]: the share of training requests more familiar than this."""
        return to_unit(self.raw(pooled, tool_logits), self.quantiles)

    # -- files ---------------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        # the bank as int8 rows: a quarter of float32's bytes; its rows are unit vectors, so
        # the rounding moves a cosine by ~1e-3
        rows, scales = int8_rows(self.bank)
        np.savez_compressed(
            path,
            method=np.array(self.method),
            quantiles=self.quantiles.astype(np.float32),
            bank=rows,
            bank_scale=scales,
            k=np.array(self.k),
            means=self.means.astype(np.float32),
            precision=self.precision.astype(np.float32),
        )

    @classmethod
    def load(cls, path: str | Path) -> Unfamiliarity:
        with np.load(path) as data:
            return cls(
                method=str(data["method"]),  # type: ignore[arg-type]
                quantiles=data["quantiles"].astype(np.float64),
                bank=_float_rows(data),
                k=int(data["k"]),
                means=data["means"].astype(np.float32),
                precision=data["precision"].astype(np.float32),
            )


def _float_rows(data: Any) -> np.ndarray:
    bank = data["bank"].astype(np.float32)
    if "bank_scale" in data:  # int8 rows, a scale each (older files hold float16)
        bank = bank * data["bank_scale"].reshape(-1, 1)
    return bank


def to_unit(raw: float, quantiles: np.ndarray) -> float:
    """Where ``raw`` falls among the training requests' raw values, in [0, 1]."""
    grid = np.linspace(0.0, 1.0, len(quantiles))
    return float(np.interp(raw, quantiles, grid, left=0.0, right=1.0))


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def raw_scores(
    model: Unfamiliarity, pooled: np.ndarray, tool_logits: np.ndarray, *, exclude_self: bool = False
) -> np.ndarray:
    """Raw measures for a batch (``pooled``: [n, d]; ``tool_logits``: [n, tools], slot 0).
    ``exclude_self`` skips each request's own copy in the bank (scoring the bank itself)."""
    if len(pooled) > CHUNK:
        return np.concatenate(
            [
                raw_scores(
                    model,
                    pooled[i : i + CHUNK],
                    tool_logits[i : i + CHUNK],
                    exclude_self=exclude_self,
                )
                for i in range(0, len(pooled), CHUNK)
            ]
        )
    if model.method == "energy":
        z = tool_logits - tool_logits.max(axis=1, keepdims=True)
        return -(np.log(np.exp(z).sum(axis=1)) + tool_logits.max(axis=1))
    if model.method == "knn":
        query = _normalise(pooled).astype(model.bank.dtype)  # no float64 copy of the bank
        # One request: einsum's own loop (a multi-threaded BLAS spins beside llama.cpp).
        sims = (
            np.einsum("ij,kj->ik", query, model.bank) if len(query) <= 4 else query @ model.bank.T
        )
        k = min(model.k + int(exclude_self), sims.shape[1])
        top = -np.partition(-sims, k - 1, axis=1)[:, :k]
        top = np.sort(top, axis=1)[:, ::-1]
        if exclude_self:
            top = top[:, 1:]
        return 1.0 - top.mean(axis=1)
    diffs = pooled[:, None, :] - model.means[None, :, :]  # [n, classes, d]
    n, classes, dim = diffs.shape
    projected = (diffs.reshape(-1, dim) @ model.precision).reshape(n, classes, dim)
    d2 = (projected * diffs).sum(axis=2)  # one 2-D matmul: einsum's loops are ~30x slower
    return np.sqrt(np.maximum(d2.min(axis=1), 0.0))


def fit(
    method: Method,
    pooled: np.ndarray,
    tool_logits: np.ndarray,
    labels: Sequence[int],
    *,
    k: int = 10,
    bank_size: int = 4096,
    seed: int = 0,
    shrinkage: float = 0.1,
) -> Unfamiliarity:
    """Fit a measure on training requests: their pooled embeddings, first-slot tool logits and
    first-slot tool labels (for the class means). The bank keeps at most ``bank_size``."""
    rng = np.random.default_rng(seed)
    pooled = pooled.astype(np.float32)
    model = Unfamiliarity(method=method, quantiles=np.zeros(QUANTILES), k=k)
    if method == "knn":
        keep = rng.permutation(len(pooled))[:bank_size]
        model.bank = _normalise(pooled[keep]).astype(np.float32)
        own = raw_scores(model, pooled[keep], tool_logits[keep], exclude_self=True)
    elif method == "mahalanobis":
        labels_a = np.asarray(labels)
        classes = sorted(set(labels_a.tolist()))
        means = np.stack([pooled[labels_a == c].mean(axis=0) for c in classes])
        centred = pooled - means[np.searchsorted(classes, labels_a)]
        cov = centred.T @ centred / max(1, len(pooled) - 1)
        cov = (1 - shrinkage) * cov + shrinkage * np.trace(cov) / cov.shape[0] * np.eye(
            cov.shape[0]
        )
        model.means = means.astype(np.float32)
        model.precision = np.linalg.inv(cov).astype(np.float32)
        own = raw_scores(model, pooled, tool_logits)
    else:
        own = raw_scores(model, pooled, tool_logits)
    model.quantiles = np.quantile(own, np.linspace(0.0, 1.0, QUANTILES))
    return model
