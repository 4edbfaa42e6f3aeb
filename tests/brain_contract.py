"""A conformance suite every Brain backend passes: subclass it and provide a ``brain`` fixture."""

from __future__ import annotations

from edgeagent import Observation
from edgeagent.brains.base import Brain
from edgeagent.toolset import Toolset

UTTERANCES = [
    "turn on the desk lamp",
    "switch off the kitchen light",
    "how many lamps are on",
    "sing me a song",
]


class BrainContract:
    """Behaviour any brain must show, whatever its backend."""

    def test_has_a_name(self, brain: Brain) -> None:
        assert isinstance(brain.name, str) and brain.name

    def test_decisions_are_well_formed(self, brain: Brain, lamp_toolset: Toolset) -> None:
        for text in UTTERANCES:
            d = brain.decide(Observation.of(text), lamp_toolset)
            assert d.kind in {"act", "noop", "answer", "invalid"}
            assert 0.0 <= d.confidence <= 1.0
            assert d.latency_ms >= 0.0
            assert d.brain == brain.name
            if d.kind == "invalid":
                assert d.reason
            for call in d.calls:  # every call a brain returns is valid for the toolset
                assert lamp_toolset.validate_call(call) == call

    def test_close_is_idempotent(self, brain: Brain) -> None:
        brain.close()
        brain.close()
