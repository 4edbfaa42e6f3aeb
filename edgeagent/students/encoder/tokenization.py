"""Tokenizing the encoder's input pair: the words and the context become an :class:`Encoded`.

Two tokenizers give the same tokens, offsets and segments:

- :class:`FastTokenizer` reads a ``tokenizer.json`` with the ``tokenizers`` package (Hugging
  Face's Rust tokenizer: a few MB, no torch, no transformers). The exported student uses it.
- :class:`TransformersTokenizer` wraps a transformers tokenizer (training, the torch student).

Both truncate the context (the second text) first, down to ``max_len`` tokens, as the
student was trained; a test checks they agree token for token on both dev files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from edgeagent.errors import MissingDependencyError
from edgeagent.students.encoder.heads import Encoded, encode_input


@runtime_checkable
class TextTokenizer(Protocol):
    """Turns the sentence pair (words, context) into the encoder's tokens."""

    def encode_pair(self, texts: tuple[str, str], max_len: int) -> Encoded:
        """The tokens of ``texts``, at most ``max_len`` of them (the context truncated first)."""
        ...


class FastTokenizer:
    """A ``tokenizer.json`` run by the ``tokenizers`` package."""

    def __init__(self, path: str | Path) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingDependencyError("tokenizers", None) from exc
        self.path = Path(path)
        pair = Tokenizer.from_file(str(self.path))
        pair.no_padding()
        single = Tokenizer.from_str(pair.to_str())
        # one configured instance per case, so encoding never changes a shared setting
        self._pair, self._single = pair, single
        self._max_len = 0

    def _truncate_at(self, max_len: int) -> None:
        if max_len != self._max_len:
            self._pair.enable_truncation(max_len, strategy="only_second")
            self._single.enable_truncation(max_len, strategy="longest_first")
            self._max_len = max_len

    def encode_pair(self, texts: tuple[str, str], max_len: int) -> Encoded:
        self._truncate_at(max_len)
        words, context = texts
        enc = self._pair.encode(words, context) if context else self._single.encode(words)
        offsets: list[tuple[int, int, int] | None] = [
            None if seq is None else (seq, a, b)
            for seq, (a, b) in zip(enc.sequence_ids, enc.offsets, strict=True)
        ]
        return Encoded(list(enc.ids), list(enc.type_ids), offsets, texts)


class TransformersTokenizer:
    """A transformers tokenizer (what the torch student trains with)."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def encode_pair(self, texts: tuple[str, str], max_len: int) -> Encoded:
        return encode_input(self.tokenizer, texts, max_len)


def as_text_tokenizer(tokenizer: Any) -> TextTokenizer:
    """``tokenizer`` itself when it is a :class:`TextTokenizer`, else a transformers one wrapped."""
    if isinstance(tokenizer, TextTokenizer):
        return tokenizer
    return TransformersTokenizer(tokenizer)
