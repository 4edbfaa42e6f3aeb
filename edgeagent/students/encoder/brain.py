"""A brain running the encoder student: one forward pass of a small sentence encoder.

The student (``edgeagent.students.encoder``) reads the words and the context, and its heads give the
tool for each call slot, each argument's value or span, resolved against the world. Its
confidence is the least probable of those choices at the temperature fitted on held-aside
teacher data. A decision costs one encoder pass over ~20-60 tokens: milliseconds, not the
hundreds of a generative model.

The folder's form picks the runtime: an exported student (what edgeagent ships) runs on
llama.cpp with numpy heads and no torch; a torch student (what training writes) runs on torch,
its heads in the same numpy code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edgeagent.brains.base import BaseBrain, Proposal
from edgeagent.callformat import render_calls
from edgeagent.datamodel import Observation, TokenUsage
from edgeagent.errors import BrainError, ConfigError
from edgeagent.toolset import Toolset


class EncoderBrain(BaseBrain):
    """Decides with an encoder student folder (``edgeagent distill --student encoder``, or its
    exported form, ``edgeagent compress export``).

    Args:
        model_path: the student's folder; None uses the one edgeagent ships.
        int8: a torch student's linear layers with torch's dynamic int8 kernels (default)
            instead of fp32; an exported student always runs its stored int8 (Q8_0) weights.
        threads: CPU threads: llama.cpp's for an exported student (default 1), torch's for a
            torch one (default: torch's own choice; torch's thread count is process-wide, so
            it is only set when asked for).
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        int8: bool | None = None,
        threads: int | None = None,
        name: str | None = None,
    ) -> None:
        from edgeagent.students import bundled
        from edgeagent.students.encoder.model import read_folder

        self.model_path = Path(model_path) if model_path is not None else bundled("encoder")
        self.found = read_folder(self.model_path)
        self.exported = self.found.settings.exported
        if self.exported and int8 is False:
            raise ConfigError(
                f"{self.model_path} is exported: it runs its stored int8 weights, not fp32"
            )
        self.int8 = True if int8 is None else int8
        self.threads = threads
        suffix = f"-{self.found.settings.weights}" if self.exported else "-int8" * self.int8
        self.name = name or f"encoder:{self.model_path.name}{suffix}"
        self._model: tuple[Any, Any] | None = None
        self._signal: Any = None  # the unfamiliarity measure, where the student has one
        self._counts = (0, 0)

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            self._model = self._load_exported() if self.exported else self._load_torch()
            self._signal = _signal(self.model_path, self.found.manifest.files)
        return self._model

    def _load_exported(self) -> tuple[Any, Any]:
        from edgeagent.students.encoder.gguf_runtime import load_exported

        model, tokenizer, runtime = load_exported(self.model_path, self.found, threads=self.threads)
        n = runtime.parameter_count() + sum(a.size for a in model.heads.weights.values())
        self._counts = (n, n)
        return model, tokenizer

    def _load_torch(self) -> tuple[Any, Any]:
        from edgeagent.students.encoder.infer import EncoderModel, LinearHeads, TorchRuntime
        from edgeagent.students.encoder.model import (
            load_student,
            quantize_dynamic_int8,
            torch_modules,
        )
        from edgeagent.students.encoder.tokenization import TransformersTokenizer

        torch = torch_modules()
        if self.threads:
            torch.set_num_threads(self.threads)
        student, tokenizer, _ = load_student(self.model_path)
        weights = list(student.parameters())
        self._counts = (
            sum(t.numel() for t in weights),
            sum(int((t != 0).sum()) for t in weights),
        )
        heads = LinearHeads.from_module(student)  # numpy heads, read before int8
        if self.int8:
            student = quantize_dynamic_int8(student)
        return EncoderModel(TorchRuntime(student), heads), TransformersTokenizer(tokenizer)

    def parameter_counts(self) -> tuple[int, int]:
        """(parameters, non-zero parameters) of the student (a torch one's counted before
        int8; an exported one's are all counted as non-zero)."""
        self._load()
        return self._counts

    @property
    def spec(self) -> Any:
        return self.found.spec

    def warm_up(self, toolset: Toolset) -> None:
        """Load the model and run one decision, so the first real one is not slow (a toolset
        it was not trained for still loads it; the decision is then simply invalid)."""
        self.decide(Observation(utterance="hello"), toolset)

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        from edgeagent.students.encoder.heads import decode
        from edgeagent.students.encoder.infer import predict

        model, tokenizer = self._load()
        spec = self.found.spec
        if not any(t in toolset for t in spec.tools[1:]):
            raise BrainError(
                f"{self.name} was trained for {', '.join(spec.suites)}; none of its tools is here"
            )
        logits = predict(model, tokenizer, spec, observation)
        unfamiliarity = (
            self._signal(logits.pooled, logits.tools[0]) if self._signal is not None else None
        )
        d = decode(
            spec,
            logits.enc,
            logits.tools,
            logits.classes,
            logits.spans,
            toolset,
            observation,
            self.found.calibration,
            unfamiliarity,
        )
        return Proposal(
            calls=d.calls,
            confidence=d.confidence,
            tokens=TokenUsage(prompt=len(logits.enc.input_ids)),
            raw=f"{render_calls(d.calls)}  # least sure: {d.weakest}",
            unfamiliarity=unfamiliarity,
        )

    def close(self) -> None:
        if self._model is not None:
            self._model[0].close()
        self._model = None
        self._signal = None


def _signal(folder: Path, files: dict[str, str]) -> Any:
    """The student's unfamiliarity measure, if its folder has one."""
    from edgeagent.students.encoder.unfamiliarity import Unfamiliarity

    name = files.get("unfamiliarity")
    return Unfamiliarity.load(folder / name) if name and (folder / name).is_file() else None
