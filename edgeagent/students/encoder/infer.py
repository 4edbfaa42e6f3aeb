"""One forward pass of the encoder student: the heads' logits for an observation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from edgeagent.datamodel import Observation
from edgeagent.students.encoder.heads import Encoded, HeadSpec, encode_input, input_texts
from edgeagent.students.training import require_torch


@dataclass
class Logits:
    """One observation through the student: its tokens, the heads' logits, and the pooled
    embedding the heads read (what unfamiliarity is measured on)."""

    enc: Encoded
    tools: np.ndarray  # [slots, tools]
    classes: np.ndarray  # [slots, n_classes]
    spans: np.ndarray  # [tokens, slots * args, 2]
    pooled: np.ndarray  # [hidden]


def predict(student: Any, tokenizer: Any, spec: HeadSpec, observation: Observation) -> Logits:
    """The heads' logits for one observation (no gradients)."""
    torch = require_torch()
    enc = encode_input(tokenizer, input_texts(observation, spec.context_keys), spec.max_len)
    with torch.inference_mode():
        h, pooled = student.features(
            torch.tensor([enc.input_ids]),
            torch.ones((1, len(enc.input_ids)), dtype=torch.long),
            torch.tensor([enc.token_type_ids]),
        )
        tools, classes, spans = student.heads(h, pooled)
    return Logits(
        enc, tools[0].numpy(), classes[0].numpy(), spans[0].numpy(), pooled[0].float().numpy()
    )
