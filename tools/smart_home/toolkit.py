"""SmartHomeToolkit: one tool per Home Assistant intent, acting on a :class:`HomeWorld`."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from edgeagent.cases import Case
from edgeagent.errors import EdgeAgentError, ToolError, UnknownNameError
from edgeagent.tool import Example, Risk, Tool
from edgeagent.toolset import Toolset

from ._base import GROUP_DOMAINS, entity_risk, kind_risk
from .assist import AssistTools, ListTools
from .devices import DeviceTools
from .examples import EXAMPLES
from .media import MediaTools
from .models import ON_OFF_DOMAINS
from .timers import TimerTools
from .world import HomeWorld

# Tools whose risk depends on what they act on (a lock, a garage door, a valve...).
_TARGETED: dict[str, frozenset[str]] = {
    "HassTurnOn": ON_OFF_DOMAINS,
    "HassTurnOff": ON_OFF_DOMAINS,
    "HassSetPosition": frozenset({"cover", "valve"}),
}


class SmartHomeToolkit(AssistTools, ListTools, TimerTools, MediaTools, DeviceTools):
    """Home Assistant's intents as tools (``HassTurnOn``, ``HassLightSet``, ``HassStartTimer``...).

    ``SmartHomeToolkit()`` acts on the bundled test home; pass ``world=HomeWorld.from_yaml(p)``
    for another. ``intents`` keeps only the named tools (all of them by default).
    """

    name: ClassVar[str] = "smart_home"

    def __init__(
        self, world: HomeWorld | None = None, *, intents: Collection[str] | None = None
    ) -> None:
        super().__init__(world)
        self.intents: frozenset[str] | None = None
        if intents is not None:
            known = {t.name for t in super().tools()}
            unknown = [i for i in intents if i not in known]
            if unknown:
                raise UnknownNameError("intent", unknown[0], known)
            self.intents = frozenset(intents)
        self._examples: list[Example] | None = None

    def tools(self) -> list[Tool]:
        found = super().tools()
        return found if self.intents is None else [t for t in found if t.name in self.intents]

    def training_cases(self, n: int, *, seed: int = 0) -> list[Case]:
        """Generated smart-home requests labelled with Home Assistant's conventions."""
        from edgeagent_tools.smart_home.generator import generate

        return generate(self.world.copy(), n, seed=seed)

    def examples(self) -> list[Example]:
        """Worked examples for prompts: those that validate and run in (a copy of) this home."""
        if self._examples is None:
            self._examples = [ex for ex in EXAMPLES if self._runs(ex)]
        return list(self._examples)

    def _runs(self, example: Example) -> bool:
        trial = SmartHomeToolkit(world=self.world.copy(), intents=self.intents)
        trial.world.observe_context(example.context or {})
        toolset = Toolset(trial.tools(), [trial.world])
        try:
            for call in toolset.validate_calls(example.calls):
                toolset.get(call.tool).invoke(call.args)
        except EdgeAgentError:
            return False
        return True

    def risk_of_call(self, tool: Tool, args: Mapping[str, Any]) -> Risk:
        """Locks, alarms, valves and garage/door/gate covers are security; other covers and
        vacuums physical; queries read-only; the rest reversible."""
        supported = _TARGETED.get(tool.name)
        if supported is None:
            return tool.risk
        domain, device_class = _text(args.get("domain")), _text(args.get("device_class"))
        risks = [kind_risk(domain, device_class)]
        try:
            targets = self.world.resolve(
                name=_text(args.get("name")),
                area=_text(args.get("area")),
                floor=_text(args.get("floor")),
                domain=domain,
                device_class=device_class,
                supported=supported,
                implicit=GROUP_DOMAINS,
            )
        except ToolError:
            targets = []
        risks += [entity_risk(e) for e in targets] if targets else [tool.risk]
        return max(risks, key=lambda r: r.rank)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
