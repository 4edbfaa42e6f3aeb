"""Compression targets: the encoder student and its int8 copy, and the GGUF quantizer.

Measures, each variant in its own process (``edgeagent compress report``'s measurement): the
shipped torch encoder student (``encoder-torch``) with int8 and with fp32 linear layers, its
int8-stored copy, and the shipped exported student (``encoder``, llama.cpp), on both dev files (local brain only; routed figures assume the replay cloud, which is always
right), then the file size of int8 against fp32 storage, and Q4_K_M against F16 for the
packaged SmolLM2 (dequantized to F16 and requantized). Prints every target with its figure.

    python benchmarks/compression.py [--student FOLDER] [--limit N] [--no-gguf] [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from edgeagent.compress.report import Variant, measure_all, to_markdown, write_report
from edgeagent.settings import settings
from edgeagent.students import bundled
from edgeagent.students.encoder.compress import fp32_copy, int8_copy

ROOT = Path(__file__).resolve().parents[1]
DATA = settings().data or ROOT.parent / "shared" / "data"
HOME, ROBOT = "smart_home/dev.jsonl", "robot/dev.jsonl"


def q4km_sizes(tmp: Path) -> tuple[float, float, float]:
    """(F16, Q4_K_M, Q4_K_M with a Q4_0 token embedding) MB for the packaged SmolLM2,
    dequantized to F16 and requantized."""
    from edgeagent.assets import default_gguf_path
    from edgeagent.compress.gguf import quantize
    from edgeagent.students.lm.gguf_export import export_llama
    from edgeagent.students.lm.train import load_gguf_as_transformers

    model, _ = load_gguf_as_transformers(default_gguf_path())
    f16 = export_llama(model, tmp / "f16.gguf", template_gguf=default_gguf_path(), dtype="F16")
    q4 = quantize(f16, tmp / "q4_k_m.gguf", "Q4_K_M")
    q4e = quantize(f16, tmp / "q4_k_m-e.gguf", "Q4_K_M", token_embedding="Q4_0")
    return tuple(p.stat().st_size / 2**20 for p in (f16, q4, q4e))  # type: ignore[return-value]


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "NOT met")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--student", type=Path, default=None, help="encoder student folder")
    ap.add_argument("--limit", type=int, default=0, help="seeded sample of N cases per file")
    ap.add_argument("--no-gguf", action="store_true", help="skip the Q4_K_M/F16 measurement")
    ap.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = ap.parse_args()
    student = args.student or bundled("encoder-torch")
    files = [DATA / HOME, DATA / ROBOT]
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        fp32 = fp32_copy(student, tmp / "fp32")
        int8 = int8_copy(fp32, tmp / "int8")
        variants = [
            Variant(model=student, student=True, options={"int8": True}),
            Variant(model=student, student=True, options={"int8": False}),
            Variant(model=int8, student=True, options={"int8": True}),
            Variant(model=bundled("encoder"), student=True),
        ]
        rows = measure_all(variants, files, args.limit or None)
        fp32_mb = (fp32 / "student.safetensors").stat().st_size / 2**20
        int8_mb = (int8 / "student.safetensors").stat().st_size / 2**20
        gguf = None if args.no_gguf else q4km_sizes(tmp)
    print(to_markdown(rows))
    if args.out:
        write_report(rows, args.out)
    default, fp32_row, int8_row, _exported = rows
    home, robot = default["files"][HOME], default["files"][ROBOT]
    loss = max(
        fp32_row["files"][f]["accuracy"] - int8_row["files"][f]["accuracy"] for f in (HOME, ROBOT)
    )
    checks: list[tuple[str, str, bool | None]] = [
        ("smart-home accuracy >= 85%, no cloud", f"{home['accuracy']:.1%}", home["accuracy"] >= 0.85),
        ("robot accuracy >= 70%, no cloud", f"{robot['accuracy']:.1%}", robot["accuracy"] >= 0.70),
        ("p50 <= 20 ms per decision", f"{home['p50_ms']:.1f} / {robot['p50_ms']:.1f} ms", max(home["p50_ms"], robot["p50_ms"]) <= 20),
        ("routed >= 97% at <= 15% offload (smart home)", f"{home['routed_at_15']:.1%} at <= 15%; 97% needs {fmt(home['offload_needed']['97%'])}", home["routed_at_15"] >= 0.97),
        ("int8 file <= 30% of fp32", f"{int8_mb:.1f} / {fp32_mb:.1f} MB = {int8_mb / fp32_mb:.1%}", int8_mb / fp32_mb <= 0.30),
        ("int8 loses <= 1 point", f"{loss * 100:+.1f} points (worst file)", loss <= 0.01),
    ]  # fmt: skip
    if gguf is not None:
        f16_mb, q4_mb, q4e_mb = gguf
        checks.append(("Q4_K_M <= 35% of F16 (SmolLM2-135M)", f"{q4_mb:.1f} / {f16_mb:.1f} MB = {q4_mb / f16_mb:.1%}", q4_mb / f16_mb <= 0.35))  # fmt: skip
        checks.append(("  same, token embedding Q4_0", f"{q4e_mb:.1f} / {f16_mb:.1f} MB = {q4e_mb / f16_mb:.1%}", q4e_mb / f16_mb <= 0.35))  # fmt: skip
    print(
        "target                                          measured                                   "
    )
    for name, figure, ok in checks:
        print(f"{name:47} {figure:58} {verdict(ok)}")


def fmt(x: Any) -> str:
    return "-" if x is None else f"{x:.1%}"


if __name__ == "__main__":
    main()
