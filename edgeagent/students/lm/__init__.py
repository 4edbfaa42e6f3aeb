"""The LM student: a small causal LM (the packaged SmolLM2-135M) fine-tuned to write the
compact call format, run by the GGUF brain under its grammar.

``train`` holds the loss and the LoRA wrapping, ``gguf_export`` writes the student (or its
adapter) as GGUF for llama.cpp, ``brain`` runs a student folder. :class:`LMStudent` is the
``lm`` plugin of the ``edgeagent.students`` group.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from edgeagent.assets import DEFAULT_GGUF_FILE, DEFAULT_GGUF_PACKAGE, resolve_packaged
from edgeagent.brains.base import Brain
from edgeagent.cases import Case
from edgeagent.students import Progress, StudentManifest, read_manifest, write_manifest

KIND = "lm"
ADAPTER_FILE = "student-lora.gguf"
DEFAULT_BASE = f"{DEFAULT_GGUF_PACKAGE}/{DEFAULT_GGUF_FILE}"


class LMStudent:
    """The ``lm`` student kind: a causal LM run by llama.cpp (needs no torch at run time)."""

    kind: ClassVar[str] = KIND

    @property
    def Config(self) -> type[Any]:
        from edgeagent.students.lm.train import DistillConfig

        return DistillConfig

    def missing_runtime(self, folder: Path | None = None) -> str | None:
        if importlib.util.find_spec("llama_cpp") is None:
            return "llama-cpp-python: reinstall edgeagent"
        return None

    def train(
        self,
        cases: Sequence[Case],
        config: Any,
        out: Path,
        *,
        init: Path | None = None,
        progress: Progress | None = None,
    ) -> StudentManifest:
        """Fine-tune the base GGUF on the cases (dequantized into transformers). With a LoRA
        rank (or ``init``, a LoRA student folder to continue) only an adapter trains and the
        folder holds it; otherwise the folder holds the whole model as F16 and ``config.quant``.
        """
        from edgeagent.brains.prompt import PromptBuilder
        from edgeagent.factory import build_toolset
        from edgeagent.students.lm.gguf_export import export_llama, export_lora, quantize
        from edgeagent.students.lm.train import (
            add_lora,
            load_gguf_as_transformers,
            make_pairs,
            train,
        )

        base_ref = config.base_model or DEFAULT_BASE
        init_adapter = None
        if init is not None:
            previous = read_manifest(init)
            base_ref = previous.base
            init_adapter = init / previous.files["adapter"]
        base = resolve_packaged(base_ref)
        out.mkdir(parents=True, exist_ok=True)
        suites = sorted({c.suite for c in cases})
        toolsets = {s: build_toolset([s]) for s in suites}
        model, tokenizer = load_gguf_as_transformers(base)
        prompt = PromptBuilder(
            tokenizer.chat_template,
            bos_token=tokenizer.bos_token or "",
            eos_token=tokenizer.eos_token or "",
            compact=True,
        )
        pairs = make_pairs(cases, toolsets, prompt, tokenizer.eos_token or "")
        lora = bool(config.lora_rank or init_adapter is not None)
        if lora:
            model = add_lora(model, config, init_adapter)
        start = time.perf_counter()
        losses = train(model, tokenizer, pairs, config, progress=progress)
        train_s = time.perf_counter() - start
        meta = {"prompt": "compact", "suites": ",".join(suites), "init": base.name}
        settings: dict[str, Any] = {"prompt": "compact"}
        if lora:
            alpha = model.peft_config["default"].lora_alpha
            export_lora(model, out / ADAPTER_FILE, alpha=alpha, metadata=meta)
            files = {"adapter": ADAPTER_FILE}
            settings |= {"lora_alpha": alpha, "merge_quant": "Q8_0"}
        else:
            f16 = export_llama(
                model, out / "student-f16.gguf", template_gguf=base, dtype="F16", metadata=meta
            )
            files = {"model": f16.name, "f16": f16.name}
            if config.quant and config.quant != "F16":
                q = quantize(f16, out / f"student-{config.quant.lower()}.gguf", config.quant)
                files["model"] = q.name
        manifest = StudentManifest(
            kind=KIND,
            toolkits=suites,
            base=base_ref,
            files=files,
            settings=settings,
            training={
                "cases": len(cases),
                "init": str(init) if init else None,
                "config": config.model_dump(),
                "train_seconds": round(train_s, 1),
                "seconds_per_step": round(train_s / config.steps, 3),
                "loss_first": losses[0],
                "loss_last": sum(losses[-10:]) / min(10, len(losses)),
            },
        )
        write_manifest(manifest, out)
        return manifest

    def footprint(self, folder: Path) -> list[Path]:
        """What must be on disk to run it: its GGUF, or its adapter and the base model."""
        manifest = read_manifest(folder)
        if "model" in manifest.files:
            return [folder / manifest.files["model"]]
        return [folder / manifest.files["adapter"], resolve_packaged(manifest.base)]

    def load(self, folder: Path, **options: Any) -> Brain:
        from edgeagent.students.lm.brain import lm_brain

        return lm_brain(folder, **options)


__all__ = ["LMStudent"]
