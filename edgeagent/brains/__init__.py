"""Brains decide what to do: local compressed models, cloud LLMs, and brains that route."""

from edgeagent.brains.base import BaseBrain, Brain

__all__ = ["BaseBrain", "Brain"]
