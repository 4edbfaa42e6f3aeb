"""``edgeagent distill`` and ``edgeagent compress``: train students, shrink and measure models.

Both dispatch on the student kind (``edgeagent.students``); the work is in the library."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from edgeagent.cli._common import app, console, err_console, fail, user_errors


@app.command()
def distill(
    world: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--world", "-w", help="Toolkit(s) to learn: smart_home, robot, your own."),
    ] = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--out", "-o", help="Student folder (default: registered for the worlds, see docs)."
        ),
    ] = None,
    generated: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--generated",
            "-n",
            min=0,
            help="Requests drawn from each world's sentence files (default 4000 when no other"
            " data is given).",
        ),
    ] = None,
    data: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--data", "-d", help="gen:WORLD:N (drawn) or a case JSONL; repeatable."),
    ] = None,
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--db", help="Also learn the cloud answers stored in this decision log."),
    ] = None,
    utterances: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--utterances", help="Unlabelled requests (text or JSONL) for --teacher to label."
        ),
    ] = None,
    teacher: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--teacher",
            help="Teacher brain for --utterances/--paraphrases: 'openai', 'replay:FILE'.",
        ),
    ] = None,
    paraphrases: Annotated[
        int,
        typer.Option(
            "--paraphrases",
            min=0,
            help="Drawn requests the --teacher rewords and labels (a cloud).",
        ),
    ] = 0,
    student: Annotated[
        str,
        typer.Option(
            "--student",
            help="The student kind: 'encoder' (MiniLM with heads, milliseconds a decision) or"
            " 'lm' (a causal LM run by llama.cpp), or a plugin's.",
        ),
    ] = "encoder",
    init: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--init", help="A student folder to continue training."),
    ] = None,
    steps: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Optimizer steps (default: the kind's, 800 encoder, 300 lm)."),
    ] = None,
    batch: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Batch size (default: 32 encoder, 8 lm)."),
    ] = None,
    lr: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(min=0.0, help="Learning rate (default: 1e-3 encoder, 1e-4 lm)."),
    ] = None,
    seed: int = 0,
    lora: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=0, help="LoRA rank (0: train all weights; default: 16 encoder, 0 lm)."),
    ] = None,
    lora_alpha: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="LoRA alpha (default 32)."),
    ] = None,
    base: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--base", help="lm: the GGUF to start from (default: the packaged one)."),
    ] = None,
    quant: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="lm without LoRA: also write this quantization (default Q8_0)."),
    ] = None,
    setting: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--set",
            help="Any other training option of the kind, KEY=VALUE (e.g. test_families=0.1);"
            " repeatable.",
        ),
    ] = None,
) -> None:
    """Distill teacher decisions into a student folder (``student.json`` + weights).

    ``--world NAME`` learns a toolkit from requests drawn from its sentence files, plus any
    of: the decision log's cloud answers (--db), requests a teacher labels (--utterances,
    --teacher) or rewords (--paraphrases). Without --out the student is registered for its
    worlds: ``edgeagent run --world NAME`` then picks it. The encoder student (default) is a
    sentence encoder with tool and argument heads; the lm student fine-tunes a causal LM
    written as GGUF (with --lora R, a llama.cpp adapter for the --base model). --init
    continues a student folder of the same kind.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from edgeagent.errors import UnknownNameError
    from edgeagent.students import student_kind, user_student_folder
    from edgeagent.students.data import teacher_data
    from edgeagent.students.distill import distill as train_student
    from edgeagent.students.distill import training_config

    options: dict[str, Any] = {
        k: v
        for k, v in (
            ("steps", steps), ("batch_size", batch), ("lr", lr), ("lora_rank", lora),
            ("lora_alpha", lora_alpha), ("base_model", str(base) if base else None),
            ("quant", quant),
        )
        if v is not None
    }  # fmt: skip
    options["seed"] = seed
    for item in setting or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise fail(f"--set takes KEY=VALUE, not {item!r}")
        options[key.strip()] = value.strip()
    command = " ".join(["edgeagent", *map(shlex.quote, sys.argv[1:])])
    worlds = list(world or [])
    with user_errors():
        try:
            student_kind(student)
        except UnknownNameError as exc:
            raise fail(f"--student: {exc}") from exc
        total = training_config(student, options).steps
        cases = teacher_data(
            worlds,
            data=data or [],
            generated=generated,
            seed=seed,
            db=db,
            utterances=utterances,
            teacher=teacher,
            paraphrases=paraphrases,
            notify=err_console.print,
        )
        target = out or user_student_folder(worlds or sorted({c.suite for c in cases}))
        with Progress(
            TextColumn("distilling"), BarColumn(), TextColumn("{task.completed}/{task.total} loss {task.fields[loss]:.3f}"),
            TimeRemainingColumn(), console=err_console,
        ) as bar:  # fmt: skip
            task = bar.add_task("train", total=total, loss=float("nan"))

            def progress(step: int, loss: float) -> None:
                bar.update(task, completed=step, loss=loss)

            manifest = train_student(
                student,
                cases,
                target,
                options=options,
                init=init,
                progress=progress,
                command=command,
            )
    console.print_json(manifest.model_dump_json())
    err_console.print(f"student written to [bold]{target}[/]")


compress_app = typer.Typer(
    help="Quantize models, make compressed student variants, and compare every variant's"
    " size, speed and accuracy."
)
app.add_typer(compress_app, name="compress")


@compress_app.command("quantize")
def compress_quantize(
    model: Annotated[Path, typer.Argument(help="An F16/F32 GGUF model.")],
    kind: Annotated[
        list[str], typer.Option("--type", "-t", help="Q8_0, Q5_K_M, Q4_K_M, ...; repeatable.")
    ] = ["Q8_0", "Q5_K_M", "Q4_K_M"],  # noqa: B006 - typer reads the default
    out_dir: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--out", "-o", help="Folder for the outputs (default: beside the input)."),
    ] = None,
    token_embedding: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--token-embedding-type",
            help="Store the token embedding as Q4_0, Q5_0, Q8_0, ... (llama.cpp's override).",
        ),
    ] = None,
) -> None:
    """Quantize a GGUF with llama.cpp's quantizer; prints each output's size against the input."""
    from edgeagent.compress.gguf import quantize

    if not model.is_file():
        raise fail(f"model file not found: {model}")
    folder = out_dir or model.parent
    base = model.stat().st_size
    stem = model.stem.removesuffix("-f16").removesuffix("-f32")
    suffix = f"-emb-{token_embedding.lower()}" if token_embedding else ""
    for k in kind:
        with user_errors():
            out = quantize(
                model,
                folder / f"{stem}-{k.lower()}{suffix}.gguf",
                k,
                token_embedding=token_embedding,
            )
        size = out.stat().st_size
        console.print(f"{k:8} {out}  {size / 2**20:8.1f} MB  {size / base:6.1%} of {model.name}")


@compress_app.command("student")
def compress_student(
    student: Annotated[Path, typer.Argument(help="A student folder.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the variant folders.")],
    int8: Annotated[bool, typer.Option("--int8/--no-int8", help="Write int8 copies.")] = True,
    sparsity: Annotated[
        Optional[list[float]],  # noqa: UP045
        typer.Option("--sparsity", help="Magnitude-prune to this sparsity (repeatable)."),
    ] = None,
    heads: Annotated[
        Optional[list[float]],  # noqa: UP045
        typer.Option("--heads", help="Structured: remove this fraction of attention heads."),
    ] = None,
    neurons: Annotated[
        float, typer.Option(help="Structured: fraction of FFN neurons removed with --heads.")
    ] = 0.5,
    data: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--data", "-d", help="Fine-tuning cases (gen:SUITE:N or a JSONL)."),
    ] = None,
    steps: Annotated[int, typer.Option(min=1, help="Fine-tuning steps after pruning.")] = 150,
    seed: int = 0,
) -> None:
    """Compressed variants of a student (the encoder's: an fp32 baseline, int8 copies,
    magnitude pruning at each --sparsity and structured pruning at each --heads fraction, each
    pruned model fine-tuned for --steps); every variant is a student folder under --out."""
    from edgeagent.students import read_manifest, student_kind
    from edgeagent.students.data import gather_cases

    with user_errors():
        manifest = read_manifest(student)
        plugin = student_kind(manifest.kind)
        variants = getattr(plugin, "variants", None)
        if variants is None:
            raise fail(f"the {manifest.kind} student has no variants here; try compress quantize")
        specs = data or [f"gen:{s}:{4000 // len(manifest.toolkits)}" for s in manifest.toolkits]
        cases = gather_cases(specs, seed=seed + 1)
        made = variants(
            student, out, cases, int8=int8, sparsity=sparsity or (), heads=heads or (),
            neurons=neurons, steps=steps, seed=seed,
        )  # fmt: skip
    describe = getattr(plugin, "describe", None)
    for folder in made:
        info = describe(folder) if describe is not None else {}
        console.print(f"{folder}: {info.get('weights', '')}, {info.get('size_mb', 0.0):.1f} MB")


@compress_app.command("export")
def compress_export(
    student: Annotated[Path, typer.Argument(help="A trained student folder (torch form).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The exported student folder to write.")],
) -> None:
    """Write a student's deployable form, a student folder that runs without torch (the
    encoder's: its layers as a Q8_0 GGUF for llama.cpp, input embeddings and heads in numpy,
    its tokenizer.json), and print the files and their sizes."""
    from edgeagent.students import read_manifest, student_kind

    with user_errors():
        plugin = student_kind(read_manifest(student).kind)
        export = getattr(plugin, "export", None)
        if export is None:
            raise fail(f"the {plugin.kind} student has no exported form; it runs as trained")
        manifest = export(student, out)
    total = 0
    for role, name in manifest.files.items():
        size = (out / name).stat().st_size
        total += size
        console.print(f"{role:12} {out / name}  {size / 2**20:8.2f} MB")
    console.print(f"exported {student} → [bold]{out}[/] ({total / 2**20:.1f} MB)")


@compress_app.command("calibrate")
def compress_calibrate(
    student: Annotated[Path, typer.Argument(help="A student folder (changed in place).")],
    data: Annotated[
        list[str],
        typer.Option("--data", "-d", help="Held-aside cases: gen:SUITE:N or a JSONL; repeatable."),
    ],
    seed: Annotated[
        int, typer.Option(help="Generator seed (use one the student did not train on).")
    ] = 1,
) -> None:
    """Refit a student's confidence (the encoder's: a temperature, then a Platt map) on
    labelled cases it did not train on, so its confidence reads as the probability of being
    right."""
    from edgeagent.students import read_manifest, student_kind
    from edgeagent.students.data import gather_cases

    with user_errors():
        plugin = student_kind(read_manifest(student).kind)
        refit = getattr(plugin, "calibrate", None)
        if refit is None:
            raise fail(f"the {plugin.kind} student has no separate calibration")
        figures = refit(student, gather_cases(data, seed=seed))
    console.print_json(json.dumps(figures))


@compress_app.command("report")
def compress_report(
    variants: Annotated[
        list[str],
        typer.Argument(
            help="MODEL.gguf or MODEL.gguf:ADAPTER.gguf ('default': the packaged model), or a"
            " student folder DIR, torch or exported (DIR@fp32 / DIR@int8 for a torch encoder's"
            " linear layers; 'encoder', 'encoder-torch', 'lm': the shipped ones)."
        ),
    ],
    cases: Annotated[
        list[Path], typer.Option("--cases", "-c", help="Case file(s) to score on; repeatable.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report.")] = Path(
        "compress-report"
    ),
    limit: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--limit", "-n", min=1, help="A seeded sample of N cases per file."),
    ] = None,
    seed: int = 0,
) -> None:
    """Measure each variant (own process): parameters, size, peak RSS, cold start, p50/p95
    latency, accuracy; write a markdown table, JSON and an accuracy-vs-size Pareto plot."""
    from edgeagent.compress.report import Variant, measure_all, to_markdown, write_report

    with user_errors():
        parsed = [Variant.parse(v) for v in variants]
        rows = measure_all(parsed, cases, limit, seed)
    write_report(rows, out)
    console.print(to_markdown(rows))
    console.print(f"report, JSON and plot in [bold]{out}[/]")
