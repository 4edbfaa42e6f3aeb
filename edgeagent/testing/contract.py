"""A conformance suite every Brain backend passes: subclass :class:`BrainContract` in a test
module and provide a ``brain`` fixture (pytest is needed to run it, as for any test).

    class TestMyBrain(BrainContract):
        @pytest.fixture
        def brain(self):
            with MyBrain() as b:
                yield b
"""

from __future__ import annotations

import pytest

from edgeagent.brains.base import Brain
from edgeagent.datamodel import Observation
from edgeagent.testing.lamps import lamp_toolset as _lamps
from edgeagent.toolset import Toolset

UTTERANCES = [
    "turn on the desk lamp",
    "switch off the kitchen light",
    "how many lamps are on",
    "sing me a song",
]


class BrainContract:
    """Behaviour any brain must show, whatever its backend.

    A router (a brain that passes decisions on from other brains) sets
    ``names_its_decisions = False``: its decisions carry the deciding brain's name.
    """

    names_its_decisions = True

    @pytest.fixture
    def lamp_toolset(self) -> Toolset:
        return _lamps()

    def test_has_a_name(self, brain: Brain) -> None:
        assert isinstance(brain.name, str) and brain.name

    def test_implements_the_protocol(self, brain: Brain) -> None:
        assert isinstance(brain, Brain)  # decide, warm_up, close

    def test_warm_up_then_decide(self, brain: Brain, lamp_toolset: Toolset) -> None:
        brain.warm_up(lamp_toolset)
        d = brain.decide(Observation.of(UTTERANCES[0]), lamp_toolset)
        assert d.brain == brain.name or not self.names_its_decisions

    def test_decisions_are_well_formed(self, brain: Brain, lamp_toolset: Toolset) -> None:
        for text in UTTERANCES:
            d = brain.decide(Observation.of(text), lamp_toolset)
            assert d.kind in {"act", "noop", "answer", "invalid"}
            assert 0.0 <= d.confidence <= 1.0
            assert d.latency_ms >= 0.0
            assert d.brain == brain.name or (not self.names_its_decisions and d.brain)
            if d.kind == "invalid":
                assert d.reason
            for call in d.calls:  # every call a brain returns is valid for the toolset
                assert lamp_toolset.validate_call(call) == call

    def test_close_is_idempotent(self, brain: Brain) -> None:
        brain.close()
        brain.close()
