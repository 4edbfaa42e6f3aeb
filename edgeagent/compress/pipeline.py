"""``edgeagent distill``: from teacher data to a GGUF student the GGUF brain runs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from edgeagent.brains.prompt import PromptBuilder
from edgeagent.cases import Case, ExpectedCall, load_cases
from edgeagent.compress.distill import (
    DistillConfig,
    add_lora,
    load_gguf_as_transformers,
    make_pairs,
    train,
)
from edgeagent.compress.gguf_export import export_llama, export_lora, quantize
from edgeagent.errors import ConfigError
from edgeagent.factory import build_toolset
from edgeagent.models import resolve_model_path
from edgeagent.registry import ToolRegistry
from edgeagent.toolset import Toolset


def gather_cases(
    specs: Sequence[str], *, seed: int = 0, db: Path | None = None, db_suite: str | None = None
) -> list[Case]:
    """Teacher cases from ``gen:SUITE:N`` (the toolkit's generator), case files, and the
    escalation log's teacher examples (``db``, for the toolkit ``db_suite``)."""
    cases: list[Case] = []
    for spec in specs:
        if spec.startswith("gen:"):
            try:
                _, suite, count = spec.split(":")
                n = int(count)
            except ValueError as exc:
                raise ConfigError(f"expected gen:SUITE:N, got {spec!r}") from exc
            kit = ToolRegistry().load_toolkit(suite)
            cases += kit.training_cases(n, seed=seed)
        else:
            cases += load_cases(spec)
    if db is not None:
        cases += teacher_cases(db, db_suite or "smart_home")
    if not cases:
        raise ConfigError("no teacher data: give --data and/or --db")
    return cases


def label_with_teacher(source: Path, teacher: Any, suite: str) -> tuple[list[Case], int]:
    """Teacher cases from unlabelled observations (a text file, one request a line, or JSONL
    observations): the ``teacher`` brain decides each one over a fresh ``suite`` toolset and
    its valid decisions become the labels. Returns the cases and how many were dropped
    (invalid decisions are never training data)."""
    from edgeagent.sources import iter_observations

    cases, dropped = [], 0
    for i, obs in enumerate(iter_observations(source)):
        decision = teacher.decide(obs, build_toolset([suite]))
        if decision.kind == "invalid" or not obs.utterance:
            dropped += 1
            continue
        context = {k: v for k, v in obs.context.items() if k in ("area", "objects", "domain")}
        cases.append(
            Case(
                id=f"{source.stem}-{i}",
                suite=suite,
                utterance=obs.utterance,
                context=context or None,
                expected=[ExpectedCall(tool=c.tool, args=c.args) for c in decision.calls],
            )
        )
    return cases, dropped


def teacher_cases(db: Path, suite: str) -> list[Case]:
    """The cloud answers stored by the escalating brain, as cases of ``suite``."""
    from edgeagent.telemetry import Telemetry

    out = []
    with Telemetry(db) as log:
        for row in log.teacher_examples():
            obs, d = row["observation"], row["decision"]
            out.append(
                Case(
                    id=f"teacher-{row['id']}",
                    suite=suite,
                    utterance=obs.get("utterance") or "",
                    context={
                        k: v
                        for k, v in (obs.get("context") or {}).items()
                        if k in ("area", "objects", "domain", "device_class")
                    }
                    or None,
                    expected=[
                        ExpectedCall(tool=c["tool"], args=c["args"]) for c in d.get("calls", [])
                    ],
                )
            )
    return [c for c in out if c.utterance]


def distill_to_gguf(
    cases: Sequence[Case],
    out_dir: Path,
    *,
    init: str | Path | None = None,
    config: DistillConfig | None = None,
    quant: str = "Q8_0",
    progress: Callable[[int, float], None] | None = None,
    command: str | None = None,
    init_adapter: str | Path | None = None,
) -> dict[str, Any]:
    """Fine-tune the ``init`` GGUF model on the cases; write F16 and quantized GGUF students
    (or, with ``config.lora_rank``, a LoRA adapter; ``init_adapter`` continues training one).
    ``command`` is recorded in the report."""
    config = config or DistillConfig()
    init_path = resolve_model_path(init)
    out_dir.mkdir(parents=True, exist_ok=True)
    toolsets: dict[str, Toolset] = {s: build_toolset([s]) for s in sorted({c.suite for c in cases})}
    model, tokenizer = load_gguf_as_transformers(init_path)
    prompt = PromptBuilder(
        tokenizer.chat_template,
        bos_token=tokenizer.bos_token or "",
        eos_token=tokenizer.eos_token or "",
        compact=True,
    )
    eos = tokenizer.eos_token or ""
    pairs = make_pairs(cases, toolsets, prompt, eos)
    if config.lora_rank or init_adapter is not None:
        model = add_lora(model, config, init_adapter)
    t = time.perf_counter()
    losses = train(model, tokenizer, pairs, config, progress=progress)
    train_s = time.perf_counter() - t
    meta = {"prompt": "compact", "suites": ",".join(toolsets), "init": init_path.name}
    if config.lora_rank or init_adapter is not None:
        alpha = model.peft_config["default"].lora_alpha
        adapter = export_lora(model, out_dir / "student-lora.gguf", alpha=alpha, metadata=meta)
        files = {"LoRA": str(adapter)}
    else:
        f16 = export_llama(
            model, out_dir / "student-f16.gguf", template_gguf=init_path, dtype="F16", metadata=meta
        )
        files = {"F16": str(f16)}
        if quant and quant != "F16":
            files[quant] = str(quantize(f16, out_dir / f"student-{quant.lower()}.gguf", quant))
    report = {
        "command": command,
        "cases": len(cases),
        "suites": list(toolsets),
        "init": str(init_path),
        "config": config.model_dump(),
        "train_seconds": round(train_s, 1),
        "seconds_per_step": round(train_s / config.steps, 3),
        "loss_first": losses[0],
        "loss_last": sum(losses[-10:]) / min(10, len(losses)),
        "files": files,
    }
    (out_dir / "distill.json").write_text(json.dumps(report, indent=2))
    return report


def distill_to_encoder(
    cases: Sequence[Case],
    out_dir: Path,
    *,
    config: Any = None,
    init: str | Path | None = None,
    progress: Callable[[int, float], None] | None = None,
    command: str | None = None,
) -> dict[str, Any]:
    """Train an encoder student (``edgeagent.encoder``) on the cases and write its folder;
    ``init`` continues training a student folder (its heads and LoRA adapters)."""
    from edgeagent.encoder.train import EncoderTrainConfig, train_encoder

    config = config or EncoderTrainConfig()
    suites = sorted({c.suite for c in cases})
    if init is not None:
        from edgeagent.encoder.model import read_config

        suites = sorted(set(suites) | set(read_config(init).spec.suites))
    toolset = build_toolset(suites)
    result = train_encoder(cases, toolset, config, out_dir, init=init, progress=progress)
    report = {"command": command, "student": "encoder", "suites": suites, **result}
    (out_dir / "distill.json").write_text(json.dumps(report, indent=2))
    return report
