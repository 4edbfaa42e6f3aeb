"""GGUF export, quantization and distillation on a tiny Llama the test creates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the student extra is part of the dev install")
transformers = pytest.importorskip("transformers")

from edgeagent.assets import default_gguf_path  # noqa: E402
from edgeagent.compress.gguf import quantize, read_metadata  # noqa: E402
from edgeagent.errors import ConfigError  # noqa: E402
from edgeagent.students.lm.gguf_export import export_llama  # noqa: E402
from edgeagent.students.lm.train import DistillConfig, Pair, kd_loss, train  # noqa: E402

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def tokenizer():  # type: ignore[no-untyped-def]
    path = default_gguf_path()
    return transformers.AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)


@pytest.fixture(scope="module")
def tiny(tokenizer):  # type: ignore[no-untyped-def]
    torch.manual_seed(0)
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
        tie_word_embeddings=True, rms_norm_eps=1e-5,
    )  # fmt: skip
    return transformers.LlamaForCausalLM(config).eval()


def llama_logits(path: Path, ids: list[int], lora: Path | None = None) -> np.ndarray:
    import llama_cpp

    lora_path = None if lora is None else str(lora)
    llm = llama_cpp.Llama(model_path=str(path), n_ctx=128, verbose=False, lora_path=lora_path)
    llm.eval(ids)
    out = np.ctypeslib.as_array(
        llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),)
    ).copy()
    llm.close()
    return out


def test_exported_gguf_computes_what_transformers_computes(tiny, tokenizer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = export_llama(
        tiny,
        tmp_path / "tiny.gguf",
        template_gguf=default_gguf_path(),
        dtype="F32",
        metadata={"prompt": "compact"},
    )
    assert read_metadata(out) == {"prompt": "compact"}
    ids = tokenizer("turn on the kitchen light please", add_special_tokens=False)["input_ids"]
    ours = llama_logits(out, ids)
    with torch.no_grad():
        theirs = tiny(torch.tensor([ids])).logits[0, -1].numpy()
    assert np.allclose(ours, theirs, atol=1e-3), np.abs(ours - theirs).max()


def test_lora_adapter_computes_what_peft_computes(tiny, tokenizer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import copy

    peft = pytest.importorskip("peft")
    from edgeagent.students.lm.gguf_export import LORA_TARGET_MODULES, export_lora

    base = export_llama(
        tiny, tmp_path / "base.gguf", template_gguf=default_gguf_path(), dtype="F32"
    )
    config = peft.LoraConfig(r=4, lora_alpha=8, target_modules=LORA_TARGET_MODULES)
    adapted = peft.get_peft_model(copy.deepcopy(tiny), config)
    torch.manual_seed(1)
    with torch.no_grad():  # B starts at zero: give it weights so the adapter matters
        for name, param in adapted.named_parameters():
            if "lora_B" in name:
                param.normal_(0, 0.2)
    adapter = export_lora(
        adapted, tmp_path / "adapter.gguf", alpha=8, dtype="F32", metadata={"prompt": "compact"}
    )
    assert read_metadata(adapter) == {"prompt": "compact"}
    from edgeagent.students.lm.gguf_export import read_lora

    back, alpha, rank = read_lora(adapter, tiny.config)  # and back, for further training
    state = adapted.state_dict()
    assert (alpha, rank) == (8.0, 4) and len(back) == 2 * 7 * 2  # A and B, 7 modules, 2 layers
    for key, value in back.items():
        (match,) = [k for k in state if f"{key}." in k]
        assert np.allclose(state[match].numpy(), value)
    ids = tokenizer("turn on the kitchen light please", add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        want = adapted(torch.tensor([ids])).logits[0, -1].numpy()
        plain = tiny(torch.tensor([ids])).logits[0, -1].numpy()
    got = llama_logits(base, ids, lora=adapter)
    assert np.abs(want - plain).max() > 0.05  # the adapter changes the output...
    assert np.allclose(got, want, atol=1e-3), np.abs(got - want).max()  # ...the same way

    from edgeagent.students.lm.gguf_export import merge_lora

    merged = merge_lora(base, adapter, tmp_path / "merged.gguf", quant="F32")
    assert read_metadata(merged) == {"prompt": "compact"}  # the adapter's keys travel along
    folded = llama_logits(merged, ids)  # no adapter at run time, same logits
    assert np.allclose(folded, want, atol=2e-2), np.abs(folded - want).max()


def test_quantized_variants_are_smaller_and_still_agree(tiny, tokenizer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f16 = export_llama(
        tiny, tmp_path / "tiny-f16.gguf", template_gguf=default_gguf_path(), dtype="F16"
    )
    q8 = quantize(f16, tmp_path / "tiny-q8.gguf", "Q8_0")
    assert q8.stat().st_size < f16.stat().st_size
    ids = tokenizer("open the garage", add_special_tokens=False)["input_ids"]
    a, b = llama_logits(f16, ids), llama_logits(q8, ids)
    assert np.corrcoef(a, b)[0, 1] > 0.99
    # the token embedding (here most of the model) can be stored narrower than the default
    q4 = quantize(f16, tmp_path / "tiny-q4km.gguf", "Q4_K_M")
    q4e = quantize(f16, tmp_path / "tiny-q4km-e.gguf", "Q4_K_M", token_embedding="Q4_0")
    assert q4e.stat().st_size < 0.8 * q4.stat().st_size
    assert np.corrcoef(a, llama_logits(q4e, ids))[0, 1] > 0.9
    with pytest.raises(ConfigError, match="token embedding type"):
        quantize(f16, tmp_path / "x.gguf", "Q4_K_M", token_embedding="Q4_K")


def test_kd_loss_matches_the_definition() -> None:
    s = torch.tensor([[[1.0, 0.0, -1.0]]])
    t = torch.tensor([[[0.0, 1.0, 0.0]]])
    mask = torch.ones(1, 1)
    temp = 2.0
    p = torch.softmax(t / temp, -1)
    q = torch.log_softmax(s / temp, -1)
    expected = (p * (p.log() - q)).sum() * temp * temp
    assert torch.isclose(kd_loss(s, t, mask, temp), expected)
    assert float(kd_loss(t, t, mask, temp)) == pytest.approx(0.0, abs=1e-6)


def test_training_learns_the_targets_and_is_deterministic(tiny, tokenizer) -> None:  # type: ignore[no-untyped-def]
    pairs = [
        Pair("<|im_start|>user\nlights on<|im_end|>\n", 'HassTurnOn(domain="light")<|im_end|>')
    ] * 4
    runs = []
    for _ in range(2):
        model = transformers.LlamaForCausalLM(tiny.config)
        model.load_state_dict(tiny.state_dict())
        runs.append(
            train(model, tokenizer, pairs, DistillConfig(steps=40, batch_size=2, lr=1e-2, warmup=2))
        )
    assert runs[0] == runs[1]
    assert runs[0][-1] < runs[0][0] * 0.25


def test_training_with_a_teacher_uses_the_kd_loss(tiny, tokenizer) -> None:  # type: ignore[no-untyped-def]
    pairs = [Pair("hello ", "world<|im_end|>")] * 2
    student = transformers.LlamaForCausalLM(tiny.config)
    losses = train(
        student, tokenizer, pairs, DistillConfig(steps=3, batch_size=2, alpha=1.0), teacher=tiny
    )
    assert all(np.isfinite(losses))


def test_distill_cli_end_to_end_on_a_tiny_model(tiny, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """gen data → fine-tune → GGUF (F16 + Q8_0) → the GGUF brain runs the student."""
    import json

    from typer.testing import CliRunner

    from edgeagent import Observation
    from edgeagent.brains.gguf import GGUFBrain
    from edgeagent.cli import app
    from edgeagent.factory import build_toolset

    init = export_llama(
        tiny, tmp_path / "init.gguf", template_gguf=default_gguf_path(), dtype="F32"
    )
    out = tmp_path / "student"
    result = CliRunner().invoke(
        app,
        [
            "distill",
            "--student",
            "lm",
            "--out",
            str(out),
            "--base",
            str(init),
            "--data",
            "gen:robot:16",
            "--steps",
            "2",
            "--batch",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "student.json").read_text())
    assert manifest["kind"] == "lm" and manifest["training"]["cases"] == 16
    assert manifest["files"] == {"model": "student-q8_0.gguf", "f16": "student-f16.gguf"}
    assert read_metadata(out / "student-q8_0.gguf")["prompt"] == "compact"
    brain = GGUFBrain(out / "student-q8_0.gguf", state_cache=False)
    try:
        assert brain.prompt.compact
        d = brain.decide(Observation.of("go to the kitchen"), build_toolset(["robot"]))
        assert d.kind in {"act", "noop", "invalid"}  # an untrained toy: any well-formed decision
        assert d.kind != "invalid" or "max_tokens" in (d.reason or "")
    finally:
        brain.close()


def test_distill_cli_trains_a_lora_adapter_the_gguf_brain_applies(tiny, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """--lora: only an adapter trains; the GGUF brain applies it to the untouched init model."""
    import json

    from typer.testing import CliRunner

    from edgeagent import Observation
    from edgeagent.brains.gguf import GGUFBrain
    from edgeagent.cli import app
    from edgeagent.factory import build_toolset

    init = export_llama(
        tiny, tmp_path / "init.gguf", template_gguf=default_gguf_path(), dtype="F32"
    )
    out = tmp_path / "student"
    args = ["distill", "--student", "lm", "--data", "gen:robot:16", "--base", str(init)]
    result = CliRunner().invoke(
        app, [*args, "--out", str(out), "--steps", "2", "--batch", "2", "--lora", "2"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "student.json").read_text())
    adapter = out / "student-lora.gguf"
    assert manifest["files"] == {"adapter": "student-lora.gguf"}
    assert manifest["training"]["config"]["lora_rank"] == 2 and manifest["base"] == str(init)
    assert adapter.stat().st_size < init.stat().st_size / 5  # the adapter, not a model copy
    again = ["distill", "--student", "lm", "--data", "gen:robot:16", "--init", str(out)]
    result = CliRunner().invoke(
        app, [*again, "--out", str(tmp_path / "more"), "--steps", "1", "--batch", "2"]
    )
    assert result.exit_code == 0, result.output  # training continues from the adapter
    assert (tmp_path / "more" / "student-lora.gguf").stat().st_size == adapter.stat().st_size
    brain = GGUFBrain(init, adapter=adapter, state_cache=False)
    try:
        assert brain.prompt.compact  # read from the adapter's metadata
        assert brain.name == "gguf:init+student-lora"
        d = brain.decide(Observation.of("go to the kitchen"), build_toolset(["robot"]))
        assert d.kind != "invalid" or "max_tokens" in (d.reason or "")
    finally:
        brain.close()


def test_compress_cli_quantizes_and_reports_every_variant(tiny, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from edgeagent.cli import app

    f16 = export_llama(
        tiny, tmp_path / "tiny-f16.gguf", template_gguf=default_gguf_path(), dtype="F16"
    )
    runner = CliRunner()
    result = runner.invoke(app, ["compress", "quantize", str(f16), "-t", "Q8_0"])
    assert result.exit_code == 0, result.output
    q8 = tmp_path / "tiny-q8_0.gguf"
    assert q8.stat().st_size < f16.stat().st_size and "of tiny-f16.gguf" in result.output

    cases = tmp_path / "cases.jsonl"
    rows = [
        {"id": "r1", "suite": "robot", "utterance": "go to the kitchen",
         "expected": [{"tool": "navigate", "args": {"goal": "kitchen"}}]},
        {"id": "r2", "suite": "robot", "utterance": "stop", "expected": [{"tool": "stop"}]},
    ]  # fmt: skip
    cases.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "report"
    result = runner.invoke(
        app, ["compress", "report", str(f16), str(q8), "--cases", str(cases), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    assert [r["variant"] for r in report] == ["tiny-f16", "tiny-q8_0"]
    for row in report:
        assert row["params_m"] > 0 and row["peak_rss_mb"] > 0
        assert row["files"][f"{tmp_path.name}/cases.jsonl"]["cases"] == 2
    assert report[1]["size_mb"] < report[0]["size_mb"]
    assert (out / "pareto.png").stat().st_size > 0 and "tiny-q8_0" in (
        out / "report.md"
    ).read_text()
