"""Prompts for local models: a static prefix (instructions, tools, world) and a short suffix.

The prefix depends only on the toolset, so its KV state is computed once and reused; each
decision evaluates only the suffix (the context and the words). The model's own chat template
(from the GGUF metadata) wraps the messages when there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from edgeagent.callformat import NONE, render_calls
from edgeagent.datamodel import Observation
from edgeagent.tool import Param, Tool
from edgeagent.toolset import Toolset

_MARK = "\x00USER\x00"

INSTRUCTIONS = (
    "You are the decision module of an agent on a small device. Reply only with tool calls, "
    'one per line, written like Tool(arg="value",n=3), in the order they must run. '
    f"Give only the arguments the request needs. Reply {NONE} when no tool applies."
)


def tool_signature(tool: Tool) -> str:
    params = ",".join(p.name + ("" if p.required else "?") for p in tool.params)
    return f"{tool.name}({params}): {tool.description}"


def _param_line(p: Param) -> str:
    """``  name (integer 1..10, optional): what it is`` for one parameter."""
    kind = f"list of {p.type}" if p.is_list else p.type
    if p.choices:
        kind += " one of " + "|".join(p.choices[:12])
    if p.minimum is not None or p.maximum is not None:
        lo = "" if p.minimum is None else f"{p.minimum:g}"
        hi = "" if p.maximum is None else f"{p.maximum:g}"
        kind += f" {lo}..{hi}"
    if not p.required:
        kind += ", optional"
    text = f"  {p.name} ({kind})"
    return text + (f": {p.description}" if p.description else "")


def tool_description(tool: Tool) -> str:
    """The signature line and one line per parameter (type, choices, bounds, description)."""
    return "\n".join([tool_signature(tool), *(_param_line(p) for p in tool.params)])


def render_context(context: Mapping[str, Any]) -> str:
    parts = []
    for key, value in context.items():
        if value in (None, "", [], {}):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        parts.append(f"{key}={shown}")
    return "[" + "; ".join(parts) + "] " if parts else ""


def _orders(toolset: Toolset) -> dict[str, list[str]]:
    return {t.name: [p.name for p in t.params] for t in toolset}


@dataclass(frozen=True)
class PromptParts:
    prefix: str  # static: evaluated once per toolset
    suffix: str  # per observation


class PromptBuilder:
    """Builds prompts from a toolset; uses a Jinja chat template when the model has one.

    ``compact`` is for models distilled on a toolset: the system text only names the worlds
    (no instructions, tool list or examples), so prompts are short and cheap to evaluate.
    ``describe_params`` lists each parameter's type, choices, bounds and description under
    its tool (for a model that reads the tools for the first time).
    """

    def __init__(
        self,
        chat_template: str | None = None,
        *,
        bos_token: str = "",
        eos_token: str = "",
        context_keys: tuple[str, ...] | None = None,
        include_world: bool = True,
        include_examples: bool = True,
        compact: bool = False,
        describe_params: bool = False,
    ) -> None:
        self.chat_template = chat_template
        self.bos_token = bos_token
        self.eos_token = eos_token
        self.context_keys = context_keys
        self.include_world = include_world
        self.include_examples = include_examples and not compact
        self.compact = compact
        self.describe_params = describe_params and not compact
        self._wrapped: tuple[tuple[str, tuple[tuple[str, str], ...]], tuple[str, str]] | None = None

    def system_text(self, toolset: Toolset) -> str:
        if self.compact:  # a model trained on this toolset needs only to know which one
            return "edgeagent " + " ".join(sorted({w.name for w in toolset.worlds}) or ["tools"])
        lines = [INSTRUCTIONS, "Tools:"]
        describe = tool_description if self.describe_params else tool_signature
        lines += [describe(t) for t in toolset]
        world = toolset.describe_worlds().strip() if self.include_world else ""
        if world:
            lines += ["World:", world]
        return "\n".join(lines)

    def example_turns(self, toolset: Toolset) -> list[tuple[str, str]]:
        """Worked examples as (user text, assistant reply) pairs."""
        if not self.include_examples:
            return []
        orders = _orders(toolset)
        return [
            (render_context(ex.context or {}) + ex.utterance, render_calls(ex.calls, orders))
            for ex in toolset.examples()
        ]

    def user_text(self, observation: Observation) -> str:
        ctx = observation.context
        if self.context_keys is not None:
            ctx = {k: v for k, v in ctx.items() if k in self.context_keys}
        words = observation.utterance or ""
        if observation.event is not None:
            ev = observation.event
            words = f"{words} (event: {ev.source} {ev.type} {ev.data})".strip()
        return render_context(ctx) + words

    def parts(self, toolset: Toolset, observation: Observation) -> PromptParts:
        head, tail = self._wrap(self.system_text(toolset), self.example_turns(toolset))
        return PromptParts(prefix=head, suffix=self.user_text(observation) + tail)

    def _wrap(self, system: str, turns: list[tuple[str, str]]) -> tuple[str, str]:
        key = (system, tuple(turns))
        if self._wrapped is None or self._wrapped[0] != key:
            self._wrapped = (key, self._wrap_uncached(system, turns))
        return self._wrapped[1]

    def _wrap_uncached(self, system: str, turns: list[tuple[str, str]]) -> tuple[str, str]:
        if self.chat_template:
            messages = [{"role": "system", "content": system}]
            for user, reply in turns:
                messages += [
                    {"role": "user", "content": user},
                    {"role": "assistant", "content": reply},
                ]
            messages.append({"role": "user", "content": _MARK})
            head, _, tail = self._render_template(messages).partition(_MARK)
            return head, tail
        shots = "".join(f"Request: {u}\nCalls:\n{r}\n\n" for u, r in turns)
        return f"{system}\n\n{shots}Request: ", "\nCalls:\n"

    def _render_template(self, messages: list[dict[str, str]]) -> str:
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)

        def raise_exception(message: str) -> None:
            raise ValueError(message)

        template = env.from_string(self.chat_template or "")
        return template.render(
            messages=messages,
            add_generation_prompt=True,
            bos_token=self.bos_token,
            eos_token=self.eos_token,
            raise_exception=raise_exception,
        )
