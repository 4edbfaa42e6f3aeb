"""A greenhouse toolkit for measuring the zero-shot brain on a user's own tools."""

from examples.greenhouse.toolkit import GreenhouseToolkit

__all__ = ["GreenhouseToolkit"]
