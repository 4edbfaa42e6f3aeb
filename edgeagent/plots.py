"""Figures are optional: matplotlib comes with the ``plots`` extra.

A device running the agent draws no charts, and matplotlib (with its fonts and image
libraries) is a quarter of a default install. Reports always write their tables; they draw
their PNGs when matplotlib is installed and otherwise say how to get them.
"""

from __future__ import annotations

import importlib.util

PLOTS_EXTRA = "plots"
NO_PLOTS = (
    "Figures were not drawn: matplotlib is not installed"
    f" (`pip install 'edgeagent[{PLOTS_EXTRA}]'`)."
)


def can_plot() -> bool:
    """Whether matplotlib is installed (checked without importing it)."""
    return importlib.util.find_spec("matplotlib") is not None
