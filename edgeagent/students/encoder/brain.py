"""A brain running the encoder student: one forward pass of a small sentence encoder.

The student (``edgeagent.students.encoder``) reads the words and the context, and its heads give the
tool for each call slot, each argument's value or span, resolved against the world. Its
confidence is the least probable of those choices at the temperature fitted on held-aside
teacher data. A decision costs one encoder pass over ~20-60 tokens: milliseconds, not the
hundreds of a generative model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edgeagent.brains.base import BaseBrain, Proposal
from edgeagent.callformat import render_calls
from edgeagent.datamodel import Observation, TokenUsage
from edgeagent.errors import BrainError
from edgeagent.toolset import Toolset


class EncoderBrain(BaseBrain):
    """Decides with an encoder student folder (``edgeagent distill --student encoder``).

    Args:
        model_path: the student's folder; None uses the one edgeagent ships.
        int8: run the linear layers with torch's dynamic int8 kernels (default) instead of fp32.
        threads: torch CPU threads for this process (default: torch's own choice; torch's
            thread count is process-wide, so it is only set when asked for).
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        int8: bool = True,
        threads: int | None = None,
        name: str | None = None,
    ) -> None:
        from edgeagent.students import bundled

        self.model_path = Path(model_path) if model_path is not None else bundled("encoder")
        self.int8 = int8
        self.threads = threads
        self.name = name or f"encoder:{self.model_path.name}{'-int8' if int8 else ''}"
        self._model: tuple[Any, Any, Any] | None = None
        self._signal: Any = None  # the unfamiliarity measure, where the student has one
        self._counts = (0, 0)

    def _load(self) -> tuple[Any, Any, Any]:
        if self._model is None:
            from edgeagent.students.encoder.model import (
                load_student,
                quantize_dynamic_int8,
                torch_modules,
            )

            torch = torch_modules()
            if self.threads:
                torch.set_num_threads(self.threads)
            student, tokenizer, config = load_student(self.model_path)
            weights = list(student.parameters())
            self._counts = (
                sum(t.numel() for t in weights),
                sum(int((t != 0).sum()) for t in weights),
            )
            if self.int8:
                student = quantize_dynamic_int8(student)
            self._model = (student, tokenizer, config)
            self._signal = _signal(self.model_path, config.manifest.files)
        return self._model

    def parameter_counts(self) -> tuple[int, int]:
        """(parameters, non-zero parameters) of the student, counted before int8."""
        self._load()
        return self._counts

    @property
    def spec(self) -> Any:
        return self._load()[2].spec

    def warm_up(self, toolset: Toolset) -> None:
        """Load the model and run one decision, so the first real one is not slow (a toolset
        it was not trained for still loads it; the decision is then simply invalid)."""
        self.decide(Observation(utterance="hello"), toolset)

    def propose(self, observation: Observation, toolset: Toolset) -> Proposal:
        from edgeagent.students.encoder.heads import decode
        from edgeagent.students.encoder.infer import predict

        student, tokenizer, found = self._load()
        spec = found.spec
        if not any(t in toolset for t in spec.tools[1:]):
            raise BrainError(
                f"{self.name} was trained for {', '.join(spec.suites)}; none of its tools is here"
            )
        logits = predict(student, tokenizer, spec, observation)
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
            found.calibration,
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
        self._model = None
        self._signal = None


def _signal(folder: Path, files: dict[str, str]) -> Any:
    """The student's unfamiliarity measure, if its folder has one."""
    from edgeagent.students.encoder.unfamiliarity import Unfamiliarity

    name = files.get("unfamiliarity")
    return Unfamiliarity.load(folder / name) if name and (folder / name).is_file() else None
