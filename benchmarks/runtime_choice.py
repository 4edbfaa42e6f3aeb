"""Why the exported encoder student runs on llama.cpp: the candidates measured side by side.

The same trained student (the shipped torch folder, LoRA merged) is run by:

- ``llama.cpp Q8_0``: what ``edgeagent compress export`` writes (int8 in blocks of 32;
  input embeddings in numpy), through llama-cpp-python, a core dependency already;
- ``ORT int8 dynamic``: an ONNX graph of the same encoder on ONNX Runtime, matrices int8 per
  output channel, activations quantized per tensor at run time (``DynamicQuantizeMatMul``,
  what ``onnxruntime.quantization.quantize_dynamic`` produces);
- ``ORT int8 blockwise``: the same graph with ``MatMulNBits`` (8 bits, blocks of 32,
  int8 compute: the closest to llama.cpp's Q8_0).

Each runs in its own process, one thread (llama.cpp also with two): load time, peak RSS (the
runtime, numpy and the model; no edgeagent CLI), wall and CPU time per encoder pass over the
smart-home dev inputs, and the decisions (the same numpy heads and decoding) against the torch fp32 student's on both dev
files. Then the install cost of each runtime. Needs the ``train`` extra (to read the torch
student) and, for the ORT candidates, ``pip install onnx onnxruntime`` (not an edgeagent
dependency).

    python benchmarks/runtime_choice.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from edgeagent.cases import load_cases
from edgeagent.compress.report import peak_rss_mb
from edgeagent.factory import build_toolset
from edgeagent.settings import settings
from edgeagent.students import bundled
from edgeagent.students.encoder.arrays import read_arrays
from edgeagent.students.encoder.heads import decode, input_texts
from edgeagent.students.encoder.infer import LinearHeads
from edgeagent.students.encoder.model import read_folder
from edgeagent.students.encoder.tokenization import FastTokenizer

ROOT = Path(__file__).resolve().parents[1]
DATA = settings().data or ROOT.parent / "shared" / "data"
FILES = [DATA / "smart_home" / "dev.jsonl", DATA / "robot" / "dev.jsonl"]


# -- the ONNX candidates ----------------------------------------------------------------------
def onnx_graph(
    state: dict[str, np.ndarray], layers: int, heads: int, path: Path, kind: str
) -> None:
    """A BERT encoder graph: (input_ids [n], token_type_ids [n]) -> hidden [n, d]."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits: list[Any] = []
    nodes: list[Any] = []

    def init(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(arr, name))
        return name

    def node(op: str, ins: list[str], domain: str | None = None, **attrs: Any) -> str:
        out = f"t{len(nodes)}"
        nodes.append(
            helper.make_node(op, ins, [out], name=f"n{len(nodes)}", domain=domain, **attrs)
        )
        return out

    def linear(x: str, name: str) -> str:
        w, b = state[f"{name}.weight"], state[f"{name}.bias"]
        n_out, k = w.shape
        if kind == "dynamic":
            scale = np.maximum(np.abs(w).max(1) / 127.0, 1e-12).astype(np.float32)
            q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
            qt = init(f"{name}.q", np.ascontiguousarray(q.T))
            ins = [x, qt, init(f"{name}.s", scale), "", init(f"{name}.b", b)]
            return node("DynamicQuantizeMatMul", ins, domain="com.microsoft")
        blocks = w.reshape(n_out, k // 32, 32)
        scale = np.maximum(np.abs(blocks).max(2) / 127.0, 1e-12).astype(np.float32)
        q = (np.clip(np.round(blocks / scale[:, :, None]), -127, 127) + 128).astype(np.uint8)
        y = node(
            "MatMulNBits",
            [x, init(f"{name}.q", q), init(f"{name}.s", scale.reshape(-1))],
            domain="com.microsoft", K=k, N=n_out, bits=8, block_size=32, accuracy_level=4,
        )  # fmt: skip
        return node("Add", [y, init(f"{name}.b", b)])

    def norm(x: str, name: str) -> str:
        ins = [
            x,
            init(f"{name}.g", state[f"{name}.weight"]),
            init(f"{name}.bn", state[f"{name}.bias"]),
        ]
        return node("LayerNormalization", ins, axis=-1, epsilon=1e-12)

    words = state["embeddings.word_embeddings.weight"]
    ws = np.maximum(np.abs(words).max(1) / 127.0, 1e-12).astype(np.float32)
    wq = np.clip(np.round(words / ws[:, None]), -127, 127).astype(np.int8)
    word = node("Cast", [node("Gather", [init("emb.q", wq), "input_ids"])], to=TensorProto.FLOAT)
    scale = node(
        "Unsqueeze",
        [node("Gather", [init("emb.s", ws), "input_ids"]), init("last", np.array([-1]))],
    )
    zero = init("zero", np.array([0]))
    pos = node(
        "Slice",
        [
            init("pos", state["embeddings.position_embeddings.weight"]),
            zero,
            node("Shape", ["input_ids"]),
            zero,
        ],
    )
    seg = node(
        "Gather", [init("seg", state["embeddings.token_type_embeddings.weight"]), "token_type_ids"]
    )
    x = norm(
        node("Add", [node("Add", [node("Mul", [word, scale]), pos]), seg]), "embeddings.LayerNorm"
    )
    d = words.shape[1] // heads
    split, merge = init("split", np.array([0, heads, d])), init("merge", np.array([0, heads * d]))
    sq = init("sq", np.array(1 / np.sqrt(d), np.float32))
    for i in range(layers):
        p = f"encoder.layer.{i}."
        q = node(
            "Transpose",
            [node("Reshape", [linear(x, p + "attention.self.query"), split])],
            perm=[1, 0, 2],
        )
        k = node(
            "Transpose",
            [node("Reshape", [linear(x, p + "attention.self.key"), split])],
            perm=[1, 2, 0],
        )
        v = node(
            "Transpose",
            [node("Reshape", [linear(x, p + "attention.self.value"), split])],
            perm=[1, 0, 2],
        )
        att = node("Softmax", [node("Mul", [node("MatMul", [q, k]), sq])], axis=-1)
        ctx = node(
            "Reshape", [node("Transpose", [node("MatMul", [att, v])], perm=[1, 0, 2]), merge]
        )
        x = norm(
            node("Add", [linear(ctx, p + "attention.output.dense"), x]),
            p + "attention.output.LayerNorm",
        )
        ffn = node("Gelu", [linear(x, p + "intermediate.dense")], domain="com.microsoft")
        x = norm(node("Add", [linear(ffn, p + "output.dense"), x]), p + "output.LayerNorm")
    nodes.append(helper.make_node("Identity", [x], ["hidden"], name="out"))
    graph = helper.make_graph(
        nodes, "encoder",
        [helper.make_tensor_value_info(n, TensorProto.INT64, ["n"]) for n in ("input_ids", "token_type_ids")],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["n", words.shape[1]])],
        inits,
    )  # fmt: skip
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="edgeagent-benchmark")
    model.ir_version = 8
    onnx.save(model, str(path))


# -- one candidate, in its own process --------------------------------------------------------
def inputs() -> list[tuple[Any, Any, Any]]:
    """(case, observation, encoded) for both dev files, tokenized as the exported student does."""
    folder = bundled("encoder")
    spec = read_folder(folder).spec
    tok = FastTokenizer(folder / "tokenizer.json")
    out = []
    for path in FILES:
        for case in load_cases(path):
            obs = case.observation()
            out.append(
                (case, obs, tok.encode_pair(input_texts(obs, spec.context_keys), spec.max_len))
            )
    return out


def measure(kind: str, model: Path, repeat: int) -> dict[str, Any]:
    start = time.perf_counter()
    if kind.startswith("llama.cpp"):
        from edgeagent.students.encoder.gguf_runtime import GGUFRuntime

        folder = bundled("encoder")
        threads = 2 if kind.endswith("2 threads") else 1
        rt = GGUFRuntime(
            folder / "encoder-q8_0.gguf", folder / "embeddings.npz", max_tokens=128, threads=threads
        )
        hidden = rt.hidden
    else:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads, opts.inter_op_num_threads = 1, 1
        session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])

        def hidden(ids: np.ndarray, types: np.ndarray) -> np.ndarray:
            return session.run(None, {"input_ids": ids, "token_type_ids": types})[0]

    hidden(np.array([101, 102]), np.array([0, 0]))
    load_s = time.perf_counter() - start
    data = inputs()
    home = [e for c, _, e in data if c.suite == "smart_home"]
    cpu, wall = [], []
    for _ in range(repeat):
        for e in home:
            ids, types = np.array(e.input_ids), np.array(e.token_type_ids)
            t, w = time.process_time(), time.perf_counter()
            hidden(ids, types)
            cpu.append(time.process_time() - t)
            wall.append(time.perf_counter() - w)
    folder = bundled("encoder")
    found = read_folder(folder)
    heads = LinearHeads(found.spec, read_arrays(folder / "heads.npz"))
    decisions = {}
    toolsets = {s: build_toolset([s]) for s in ("smart_home", "robot")}
    for case, obs, e in data:
        h = hidden(np.array(e.input_ids), np.array(e.token_type_ids))
        tools, classes, spans, _ = heads(h)
        d = decode(
            found.spec, e, tools, classes, spans, toolsets[case.suite], obs, found.calibration
        )
        decisions[case.id] = ([c.model_dump() for c in d.calls], d.confidence)
    return {
        "load_s": load_s,
        "cpu_ms": 1000 * float(np.mean(cpu)),
        "wall_p50_ms": 1000 * float(np.median(wall)),
        "rss_mb": peak_rss_mb(),
        "decisions": decisions,
    }


def torch_decisions() -> dict[str, Any]:
    from edgeagent.students.encoder.brain import EncoderBrain
    from edgeagent.students.encoder.infer import predict

    brain = EncoderBrain(bundled("encoder-torch"), int8=False, threads=1)
    model, tok = brain._load()
    found = brain.found
    out = {}
    toolsets = {s: build_toolset([s]) for s in ("smart_home", "robot")}
    for case, obs, _ in inputs():
        lg = predict(model, tok, found.spec, obs)
        d = decode(
            found.spec,
            lg.enc,
            lg.tools,
            lg.classes,
            lg.spans,
            toolsets[case.suite],
            obs,
            found.calibration,
        )
        out[case.id] = ([c.model_dump() for c in d.calls], d.confidence)
    return out


def dist_mb(name: str) -> float:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return float("nan")
    files = [Path(str(dist.locate_file(f))) for f in dist.files or []]
    return sum(p.stat().st_size for p in files if p.is_file()) / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # internal: KIND MODEL
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]), args.repeat)))
        return
    from edgeagent.students.encoder.model import load_student

    student, _, _ = load_student(bundled("encoder-torch"))
    cfg = student.encoder.config
    state = {k: v.detach().float().numpy() for k, v in student.encoder.state_dict().items()}
    reference = torch_decisions()
    print(
        f"load average {os.getloadavg()[0]:.1f}; one thread per runtime; torch fp32 is the reference\n"
    )
    print(
        "| runtime | load (s) | peak RSS (MB) | CPU per pass (ms) | wall p50 (ms) | same decisions | max conf. diff | runtime install (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        candidates = [
            ("llama.cpp Q8_0", Path(tmp) / "none", "llama-cpp-python"),
            ("llama.cpp Q8_0, 2 threads", Path(tmp) / "none", "llama-cpp-python"),
        ]
        for kind in ("dynamic", "blockwise"):
            path = Path(tmp) / f"{kind}.onnx"
            onnx_graph(state, cfg.num_hidden_layers, cfg.num_attention_heads, path, kind)
            candidates.append((f"ORT int8 {kind}", path, "onnxruntime"))
        for name, path, package in candidates:
            cmd = [
                sys.executable,
                __file__,
                "--repeat",
                str(args.repeat),
                "--measure",
                name,
                str(path),
            ]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                print(f"| {name} | failed: {done.stderr.strip().splitlines()[-1]} |")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            same = sum(r["decisions"][k][0] == reference[k][0] for k in reference)
            diff = max(abs(r["decisions"][k][1] - reference[k][1]) for k in reference)
            extra = (
                "0 (a core dependency)"
                if package == "llama-cpp-python"
                else f"{dist_mb(package):.0f}"
            )
            print(
                f"| {name} | {r['load_s']:.2f} | {r['rss_mb']:.0f} | {r['cpu_ms']:.2f} |"
                f" {r['wall_p50_ms']:.2f} |"
                f" {same}/{len(reference)} | {diff:.4f} | {extra} |"
            )


if __name__ == "__main__":
    main()
