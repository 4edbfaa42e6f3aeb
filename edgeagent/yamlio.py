"""Reading YAML fast: libyaml's C loader where PyYAML was built with it (about ten times
faster than the pure-Python one on the shipped homes and sentence files), the Python loader
otherwise. Safe loading only."""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load``, with the C loader when there is one."""
    return yaml.load(text, Loader=SAFE_LOADER)


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree (with line marks), with the C loader when there is one."""
    return yaml.compose(text, Loader=SAFE_LOADER)
