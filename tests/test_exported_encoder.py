"""The exported encoder student (what edgeagent ships): it runs on llama.cpp with numpy heads,
tokenizes like transformers, and never imports torch or transformers on the decision path.

These load only the shipped 24 MiB folder (no torch model): fast enough for every run."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edgeagent import Observation
from edgeagent.cases import load_cases
from edgeagent.errors import BrainError, ConfigError
from edgeagent.students import bundled
from edgeagent.students.encoder.arrays import read_arrays, write_arrays
from edgeagent.students.encoder.brain import EncoderBrain
from edgeagent.students.encoder.heads import input_texts
from edgeagent.students.encoder.model import read_folder
from edgeagent.students.encoder.tokenization import FastTokenizer, TransformersTokenizer
from edgeagent.testing.contract import BrainContract
from edgeagent.toolset import Toolset
from tests.conftest import DATA_DIR

DEV_FILES = [DATA_DIR / "smart_home" / "dev.jsonl", DATA_DIR / "robot" / "dev.jsonl"]


@pytest.fixture(scope="module")
def exported() -> Iterator[EncoderBrain]:
    with EncoderBrain() as brain:
        yield brain


@pytest.fixture(scope="module")
def home() -> Toolset:
    from edgeagent.factory import build_toolset

    return build_toolset(["smart_home"])


def _encodings(tokenizer: Any, texts: tuple[str, str], max_len: int) -> Any:
    try:
        e = tokenizer.encode_pair(texts, max_len)
    except Exception as exc:  # both must fail alike where they fail
        return type(exc).__name__, str(exc)
    return e.input_ids, e.token_type_ids, e.offsets


def test_tokenizers_and_transformers_give_the_same_tokens_on_both_dev_files() -> None:
    from transformers import AutoTokenizer

    from edgeagent.students.encoder.model import base_encoder_path

    folder = bundled("encoder")
    spec = read_folder(folder).spec
    fast = FastTokenizer(folder / "tokenizer.json")
    slow = TransformersTokenizer(AutoTokenizer.from_pretrained(base_encoder_path()))
    texts = [
        input_texts(case.observation(), spec.context_keys)
        for path in DEV_FILES
        for case in load_cases(path)
    ]
    assert len(texts) > 1100
    texts += [("", ""), ("Ünïcödé café – naïve 😀 x² 25°C", "area: Küche"), ("go " * 300, "")]
    for t in texts:
        for max_len in (spec.max_len, 12):  # 12: truncation, of the context first
            assert _encodings(fast, t, max_len) == _encodings(slow, t, max_len), t


def test_the_exported_student_decides_without_torch_or_transformers() -> None:
    """In a fresh interpreter: the default brain for the home is the exported encoder student,
    and deciding imports neither torch nor transformers."""
    script = (
        "import sys, json\n"
        "from edgeagent import Observation\n"
        "from edgeagent.factory import build_local_brain, build_toolset\n"
        "brain = build_local_brain(suites=['smart_home'])\n"
        "d = brain.decide(Observation.of('turn on the kitchen light'), build_toolset(['smart_home']))\n"
        "print(json.dumps({'brain': d.brain, 'calls': [c.model_dump() for c in d.calls],"
        " 'heavy': sorted(m for m in ('torch', 'transformers') if m in sys.modules)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["brain"] == "encoder:encoder-q8_0" and out["heavy"] == []
    assert out["calls"] == [{"tool": "HassTurnOn", "args": {"area": "Kitchen", "domain": "light"}}]


def test_decisions_carry_logits_and_the_pooled_embedding(exported: EncoderBrain) -> None:
    from edgeagent.students.encoder.infer import predict

    model, tokenizer = exported._load()
    spec = exported.spec
    logits = predict(model, tokenizer, spec, Observation.of("dim the bedroom lamp to 30%"))
    n = len(logits.enc.input_ids)
    assert logits.tools.shape == (spec.slots, len(spec.tools))
    assert logits.classes.shape == (spec.slots, spec.n_classes)
    assert logits.spans.shape == (n, spec.slots * len(spec.args), 2)
    assert logits.pooled.shape == (384,) and logits.pooled.dtype == np.float32
    again = predict(model, tokenizer, spec, Observation.of("dim the bedroom lamp to 30%"))
    assert np.array_equal(again.tools, logits.tools)  # one input never sees another


def test_the_runtime_refuses_what_it_cannot_run(exported: EncoderBrain) -> None:
    from edgeagent.students.encoder.gguf_runtime import load_exported

    folder = bundled("encoder")
    model, _, runtime = load_exported(folder, read_folder(folder))
    too_long = np.zeros(runtime.max_tokens + 1, dtype=np.int64)
    with pytest.raises(BrainError, match="tokens"):
        runtime.hidden(too_long, too_long)
    model.close()
    model.close()  # idempotent
    with pytest.raises(BrainError, match="closed"):
        runtime.hidden(np.array([101, 102]), np.array([0, 0]))


def test_an_exported_student_runs_its_stored_weights_only() -> None:
    from edgeagent.students.encoder.model import load_student

    with pytest.raises(ConfigError, match="int8 weights, not fp32"):
        EncoderBrain(bundled("encoder"), int8=False)
    with pytest.raises(ConfigError, match="encoder-torch"):
        load_student(bundled("encoder"))  # no torch weights: train from the source folder


def test_a_folder_missing_a_file_is_a_clear_error(tmp_path: Path, home: Toolset) -> None:
    import shutil

    folder = shutil.copytree(bundled("encoder"), tmp_path / "student")
    (folder / "heads.npz").unlink()
    d = EncoderBrain(folder).decide(Observation.of("turn on the kitchen light"), home)
    assert d.kind == "invalid" and "lacks its heads file" in (d.reason or "")


def test_arrays_are_written_byte_for_byte_the_same(tmp_path: Path) -> None:
    arrays = {"b": np.arange(6, dtype=np.int8).reshape(2, 3), "a": np.ones(4, np.float32)}
    one = write_arrays(tmp_path / "one.npz", arrays)
    two = write_arrays(tmp_path / "two.npz", dict(reversed(arrays.items())))
    assert one.read_bytes() == two.read_bytes()
    back = read_arrays(one)
    assert set(back) == {"a", "b"} and np.array_equal(back["b"], arrays["b"])
    assert set(np.load(one)) == {"a", "b"}  # numpy reads it as any .npz


class TestExportedEncoderBrain(BrainContract):
    @pytest.fixture
    def brain(self) -> Any:
        with EncoderBrain() as b:
            yield b

    def test_home_decisions_are_validated(self, brain: Any, home: Toolset) -> None:
        for text in ("turn on the kitchen light", "what time is it", "order me a pizza"):
            d = brain.decide(Observation.of(text), home)
            assert d.kind in {"act", "noop", "invalid"} and 0.0 <= d.confidence <= 1.0
            assert d.tokens.prompt > 0 and d.raw
            assert home.validate_calls(d.calls) == d.calls


def test_the_kind_describes_both_forms() -> None:
    from edgeagent.students import student_kind

    plugin: Any = student_kind("encoder")
    exported = plugin.describe(bundled("encoder"))
    assert exported["runtime"] == "llama.cpp" and exported["weights"] == "q8_0"
    assert 20 < exported["size_mb"] < 27  # with the unfamiliarity bank (int8, 1.5 MB)
    torch_form = plugin.describe(bundled("encoder-torch"))
    assert torch_form["runtime"] == "torch" and torch_form["size_mb"] < 5
