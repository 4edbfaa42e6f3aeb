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
from .loader import SHOPPING_LIST_ID
from .media import MediaTools
from .models import ON_OFF_DOMAINS
from .timers import TimerTools
from .world import HomeWorld

# How training requests are drawn: this share from the sentence files, the rest from the
# phrasing generator; this share of all of them with speech-recognition noise.
SENTENCE_SHARE = 0.35
NOISE = 0.15

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

    def training_cases(self, n: int, *, seed: int = 0, noise: float = NOISE) -> list[Case]:
        """Generated smart-home requests labelled with Home Assistant's conventions: from the
        phrasing generator (``generator.py``) and, for :data:`SENTENCE_SHARE` of them, from
        the sentence files (``sentences/*.yaml``: out-of-scope requests, indirect and natural
        phrasing); ``noise`` of them get speech-recognition noise."""
        from edgeagent.sentences.mix import mix_cases
        from edgeagent_tools.smart_home.generator import generate

        from_files = round(n * SENTENCE_SHARE)
        written = generate(self.world.copy(), n - from_files, seed=seed)
        drawn = super().training_cases(from_files, seed=seed + 1, noise=noise)
        return mix_cases(written, drawn, seed=seed, noise=noise, prefix="gen-sh")

    def sentence_lists(self) -> dict[str, Any]:
        """The world's vocabulary, plus what only the world can say: the areas and floors
        that have lights, covers or thermostats, and the names of each kind of device."""
        from edgeagent.sentences import SentenceList

        lists = super().sentence_lists()
        w = self.world
        by_domain: dict[str, list[Any]] = {}
        for e in w.entities.values():
            by_domain.setdefault(e.domain, []).append(e)

        def areas(*domains: str) -> list[str]:
            ids = {e.area_id for d in domains for e in by_domain.get(d, []) if e.area_id}
            return [n for a in w.areas.values() if a.id in ids for n in a.names()]

        def names(*domains: str) -> list[str]:
            return list(
                dict.fromkeys(n for d in domains for e in by_domain.get(d, []) for n in e.names())
            )

        extra = {
            "light_area": areas("light"),
            "switch_area": areas("switch"),
            "cover_area": areas("cover"),
            "climate_area": areas("climate"),
            "light_name": names("light"),
            "switch_name": names("switch"),
            "fan_name": names("fan"),
            "cover_name": [
                n for e in by_domain.get("cover", []) if e.device_class for n in e.names()
            ],
            "lock_name": names("lock"),
            "climate_name": names("climate"),
            "media_name": names("media_player"),
            "vacuum_name": names("vacuum"),
            "scene_name": names("scene"),
            "todo_name": [
                n for t in w.lists.values() for n in t.names() if t.id != SHOPPING_LIST_ID
            ],
        }
        lists.update({k: SentenceList.of(v) for k, v in extra.items() if v})
        return lists

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
