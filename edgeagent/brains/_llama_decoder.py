"""Grammar-constrained greedy decoding on llama.cpp with per-choice probabilities.

Jump-forward: after each chosen token the grammar is probed with single-character tokens;
while exactly one character is allowed, the text is forced. Forced text (the rest of a tool
name, ``(``, an argument name, the rest of an entity name) is tokenized and evaluated in one
batch instead of one model step per token. Where the grammar would let the last forced token
merge with the next choice (``_`` + ``on`` → ``_on``), that token is left to the model, so the
model keeps its own tokenization; tests check the output equals token-by-token decoding.

llama.cpp's own grammar sampler decides which tokens are allowed; this loop takes the most
likely allowed token and, wherever the grammar leaves more than one choice, records the
chosen token's probability renormalised over the allowed tokens. Only the ``top_k`` most
likely tokens are checked against the grammar first (cheap); when none of them is allowed,
the whole vocabulary is checked.

Imported lazily by :mod:`edgeagent.brains.gguf`: importing it loads llama.cpp.
"""

from __future__ import annotations

import bisect
import ctypes
import time
from dataclasses import dataclass, field
from typing import Any

import llama_cpp
import numpy as np

_TOKEN_DTYPE = np.dtype([("id", "<i4"), ("logit", "<f4"), ("p", "<f4")])


@dataclass
class DecodeResult:
    tokens: list[int]
    text: str
    choice_probs: list[float]  # one per token where the grammar allowed several tokens
    finished: bool  # reached end-of-generation (vs. ran out of tokens)
    batches: list[list[int]] = field(default_factory=list)  # token groups evaluated together
    timings: dict[str, float] = field(default_factory=dict)


class _CandidateBuffer:
    """A reusable ``llama_token_data_array`` with a numpy view of its entries."""

    def __init__(self, size: int) -> None:
        self.capacity = size
        self.data = (llama_cpp.llama_token_data * size)()
        self.view = np.frombuffer(memoryview(self.data), dtype=_TOKEN_DTYPE, count=size)
        self.array = llama_cpp.llama_token_data_array(
            data=ctypes.cast(self.data, llama_cpp.llama_token_data_p),
            size=0,
            selected=-1,
            sorted=False,
        )

    def fill(self, ids: np.ndarray, logits: np.ndarray) -> None:
        n = len(ids)
        self.view["id"][:n] = ids
        self.view["logit"][:n] = logits
        self.view["p"][:n] = 0.0
        self.array.size = n
        self.array.selected = -1
        self.array.sorted = False


class GrammarSampler:
    """Owns one llama.cpp grammar sampler; reset between decisions."""

    def __init__(self, vocab: Any, grammar: str) -> None:
        self.grammar = grammar
        self.ptr = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode(), b"root")
        if not self.ptr:
            raise ValueError("llama.cpp rejected the generated grammar")

    def reset(self) -> None:
        llama_cpp.llama_sampler_reset(self.ptr)

    def clone(self) -> GrammarSampler:
        twin = object.__new__(GrammarSampler)
        twin.grammar = self.grammar
        twin.ptr = llama_cpp.llama_sampler_clone(self.ptr)
        return twin

    def apply(self, buf: _CandidateBuffer) -> None:
        llama_cpp.llama_sampler_apply(self.ptr, ctypes.byref(buf.array))

    def accept(self, token: int) -> None:
        llama_cpp.llama_sampler_accept(self.ptr, token)

    def free(self) -> None:
        if self.ptr:
            llama_cpp.llama_sampler_free(self.ptr)
            self.ptr = None


class ConstrainedDecoder:
    """Greedy grammar-constrained decoding over a loaded ``llama_cpp.Llama``."""

    def __init__(self, llama: Any, *, top_k: int = 64) -> None:
        self.llama = llama
        self.top_k = top_k
        self.n_vocab = int(llama.n_vocab())
        self.vocab = llama._model.vocab
        self.eog = np.array(
            [t for t in range(self.n_vocab) if llama_cpp.llama_vocab_is_eog(self.vocab, t)],
            dtype=np.int32,
        )
        self._is_eog = np.zeros(self.n_vocab, dtype=bool)
        self._is_eog[self.eog] = True
        self._small = _CandidateBuffer(top_k + len(self.eog))
        self._full = _CandidateBuffer(self.n_vocab)
        self._all_ids = np.arange(self.n_vocab, dtype=np.int32)
        self._sampler: GrammarSampler | None = None
        self._chars = self._single_char_tokens()
        probe_ids = np.concatenate([np.array(list(self._chars), dtype=np.int32), self.eog])
        self._probe_ids = probe_ids
        self._probe = _CandidateBuffer(len(probe_ids))
        self._probe_logits = np.zeros(len(probe_ids), dtype=np.float32)
        self.jump_forward = True
        texts = [
            llama.detokenize([t]).decode("utf-8", errors="replace") for t in range(self.n_vocab)
        ]
        self._token_texts = texts
        order = sorted(range(self.n_vocab), key=texts.__getitem__)
        self._sorted_texts = [texts[i] for i in order]
        self._sorted_ids = np.array(order, dtype=np.int32)

    def _single_char_tokens(self) -> dict[int, str]:
        """Token ids that stand for exactly one printable ASCII character."""
        found: dict[int, str] = {}
        for code in range(32, 127):
            ch = chr(code)
            toks = self.llama.tokenize(ch.encode(), add_bos=False, special=False)
            if len(toks) == 1 and self.llama.detokenize(toks).decode(errors="ignore") == ch:
                found[int(toks[0])] = ch
        return found

    def forced_text(self, sampler: GrammarSampler, limit: int = 64) -> str:
        """The characters the grammar forces next (empty when there is a choice)."""
        probe = sampler.clone()
        out: list[str] = []
        try:
            while len(out) < limit:
                self._probe.fill(self._probe_ids, self._probe_logits)
                probe.apply(self._probe)
                view = self._probe.view[: self._probe.array.size]
                ok = view["id"][np.isfinite(view["logit"])]
                if len(ok) != 1 or int(ok[0]) not in self._chars:
                    break
                out.append(self._chars[int(ok[0])])
                probe.accept(int(ok[0]))
        finally:
            probe.free()
        return "".join(out)

    def _forced_tokens(self, sampler: GrammarSampler) -> list[int]:
        text = self.forced_text(sampler)
        if not text:
            return []
        toks = [int(t) for t in self.llama.tokenize(text.encode(), add_bos=False, special=False)]
        if self.llama.detokenize(toks).decode(errors="replace") != text:
            return []  # the tokenizer changed the text (e.g. added a space): no shortcut
        if self._could_merge(sampler, toks):
            return toks[:-1]
        return toks

    def _could_merge(self, sampler: GrammarSampler, toks: list[int]) -> bool:
        """Whether the model could write the last forced token merged with what follows.

        ``_`` + ``on`` may be one token ``_on``: forcing ``_`` alone would split it. True when
        the grammar allows (after the other forced tokens) a vocabulary token that starts with
        the last forced token's text and goes on; then that token is left to the model.
        """
        last = self._token_texts[toks[-1]]
        lo = bisect.bisect_right(self._sorted_texts, last)
        hi = bisect.bisect_left(self._sorted_texts, last + "\U0010ffff")
        longer = self._sorted_ids[lo:hi]
        if len(longer) == 0:
            return False
        probe = sampler.clone()
        try:
            for t in toks[:-1]:
                probe.accept(t)
            buf = _CandidateBuffer(len(longer))
            buf.fill(longer, np.zeros(len(longer), dtype=np.float32))
            probe.apply(buf)
            return bool(np.isfinite(buf.view["logit"][: buf.array.size]).any())
        finally:
            probe.free()

    def sampler(self, grammar: str) -> GrammarSampler:
        if self._sampler is None or self._sampler.grammar != grammar:
            if self._sampler is not None:
                self._sampler.free()
            self._sampler = GrammarSampler(self.vocab, grammar)
        else:
            self._sampler.reset()
        return self._sampler

    def logits(self) -> np.ndarray:
        ptr = llama_cpp.llama_get_logits_ith(self.llama._ctx.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))

    def _allowed(
        self, sampler: GrammarSampler, logits: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ids and logits of the allowed tokens (among the top-k, else the whole vocabulary)."""
        k = self.top_k
        top = np.argpartition(-logits, k)[:k].astype(np.int32)
        present = set(top[self._is_eog[top]].tolist())
        ids = np.concatenate([top, [e for e in self.eog if int(e) not in present]]).astype(np.int32)
        buf = self._small
        buf.fill(ids, logits[ids])
        sampler.apply(buf)
        view = buf.view[: buf.array.size]
        ok = np.isfinite(view["logit"])
        if not ok.any():
            buf = self._full
            buf.fill(self._all_ids, logits)
            sampler.apply(buf)
            view = buf.view[: buf.array.size]
            ok = np.isfinite(view["logit"])
        return view["id"][ok].copy(), view["logit"][ok].copy()

    def generate(self, grammar: str, max_tokens: int) -> DecodeResult:
        """Decode from the current state of the context (the prompt must be evaluated)."""
        sampler = self.sampler(grammar)
        tokens: list[int] = []
        probs: list[float] = []
        batches: list[list[int]] = []
        finished = False
        t_eval = 0.0
        t0 = time.perf_counter()
        while len(tokens) < max_tokens:
            ids, logits = self._allowed(sampler, self.logits())
            if len(ids) == 0:
                break  # grammar dead end: nothing allowed
            best = int(np.argmax(logits))
            token = int(ids[best])
            if len(ids) > 1:
                shifted = logits - logits[best]
                probs.append(float(1.0 / np.exp(shifted).sum()))
            if self._is_eog[token]:
                finished = True
                break
            sampler.accept(token)
            batch = [token]
            if self.jump_forward:
                forced = self._forced_tokens(sampler)
                for t in forced:
                    sampler.accept(t)
                batch += forced
            tokens += batch
            batches.append(batch)
            t1 = time.perf_counter()
            self.llama.eval(batch)
            t_eval += time.perf_counter() - t1
        text = self.llama.detokenize(tokens).decode("utf-8", errors="replace")
        total = (time.perf_counter() - t0) * 1000
        return DecodeResult(
            tokens=tokens,
            text=text,
            choice_probs=probs,
            finished=finished,
            batches=batches,
            timings={"generate_ms": total, "generate_eval_ms": t_eval * 1000},
        )

    def close(self) -> None:
        if self._sampler is not None:
            self._sampler.free()
            self._sampler = None
