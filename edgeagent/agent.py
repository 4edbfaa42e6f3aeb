"""The agent loop: perceive → decide → act → record."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from edgeagent.brains.base import Brain
from edgeagent.datamodel import ActionResult, Decision, Observation, StepResult, ToolCall
from edgeagent.errors import EdgeAgentError, ToolError, UnknownNameError
from edgeagent.inputs import InputLimits, check_observation
from edgeagent.policy import DeclarativePolicy, Policy
from edgeagent.sources import OnProblem, Source, iter_observations
from edgeagent.telemetry import Telemetry
from edgeagent.toolset import Toolset, merge_context
from edgeagent.world import diff

log = logging.getLogger(__name__)

ConfirmFn = Callable[[ToolCall, str], bool]


class Agent:
    """Runs a brain over a toolset, checking every call with a policy and logging every step.

    Args:
        brain: decides what to do for each observation.
        toolset: the tools (and the worlds behind them) the brain may use.
        policy: checked before every call. The default is secure: a
            :class:`~edgeagent.policy.DeclarativePolicy` with the built-in rules (security-risk
            calls need confirmation; no rate limit); pass :class:`~edgeagent.policy.AllowAll`
            to run every valid call.
        telemetry: where each step is recorded (nothing is recorded when None).
        confirm: asks a person to confirm a call the policy says needs it; without it such
            calls are refused, with a message saying how a policy can allow them.
        limits: the largest utterance and context decided on (larger ones are refused).
    """

    def __init__(
        self,
        brain: Brain,
        toolset: Toolset,
        *,
        policy: Policy | None = None,
        telemetry: Telemetry | None = None,
        confirm: ConfirmFn | None = None,
        limits: InputLimits | None = None,
    ) -> None:
        self.brain = brain
        self.toolset = toolset
        self.policy: Policy = policy or DeclarativePolicy()
        self.telemetry = telemetry
        self.confirm = confirm
        self.limits = limits or InputLimits()

    # -- the loop --------------------------------------------------------------------------
    def step(self, observation: Observation | str) -> StepResult:
        """Perceive one observation, decide, act on the decision, and record the step.

        The step is recorded before it is returned: a returned step is in the decision log
        (when the log is writable; see :class:`~edgeagent.telemetry.Telemetry`)."""
        obs = Observation(utterance=observation) if isinstance(observation, str) else observation
        obs, refused = check_observation(obs, self.limits)
        if refused:  # never perceived nor decided: bounded time whatever was sent
            decision = Decision.invalid(f"input refused: {refused}", brain="input", confidence=0.0)
        else:
            obs = self.perceive(obs)
            decision = self.decide(obs)
        before = self.snapshot()
        results = self.act(decision, obs) if decision.acts else ()
        step = StepResult(
            observation=obs,
            decision=decision,
            results=results,
            changes=diff(before, self.snapshot()),
        )
        self.record(step)
        return step

    def run(self, source: Source, on_problem: OnProblem | None = None) -> Iterator[StepResult]:
        """Step through a stream of observations (stdin lines, a JSONL file, an iterable); a
        line that is no observation goes to ``on_problem`` (default: a logged warning) and
        the run goes on."""
        for obs in iter_observations(source, on_problem):
            yield self.step(obs)

    # -- the stages ------------------------------------------------------------------------
    def perceive(self, observation: Observation | str) -> Observation:
        obs = Observation(utterance=observation) if isinstance(observation, str) else observation
        for world in self.toolset.worlds:
            world.observe_context(obs.context)
        return merge_context(obs, self.toolset.worlds)

    def decide(self, obs: Observation) -> Decision:
        try:
            return self.brain.decide(obs, self.toolset)
        except Exception as exc:  # a brain must never take the agent down
            log.exception("brain %s crashed", getattr(self.brain, "name", self.brain))
            return Decision.invalid(
                f"brain crashed: {type(exc).__name__}: {exc}",
                brain=getattr(self.brain, "name", "unknown"),
                confidence=0.0,
            )

    def act(self, decision: Decision, obs: Observation) -> tuple[ActionResult, ...]:
        """Run the decision's calls in order; stop at the first one that fails or is refused."""
        results: list[ActionResult] = []
        for i, call in enumerate(decision.calls):
            result = self._run_call(call, decision, obs)
            results.append(result)
            if not result.ok:
                for skipped in decision.calls[i + 1 :]:
                    results.append(_failed(skipped, "skipped: an earlier call failed", "Skipped"))
                break
        return tuple(results)

    def record(self, step: StepResult) -> None:
        if self.telemetry is None:
            return
        try:
            self.telemetry.record(step)
        except Exception:  # losing a log line must not stop the house
            log.exception("could not record step %s", step.observation.id)

    # -- helpers ---------------------------------------------------------------------------
    def _run_call(self, call: ToolCall, decision: Decision, obs: Observation) -> ActionResult:
        try:
            tool = self.toolset.get(call.tool)
            call = self.toolset.validate_call(call, obs)
        except (UnknownNameError, ToolError) as exc:
            return _failed(call, str(exc), type(exc).__name__)
        risk = tool.risk_of(call.args)
        verdict = self.policy.check(call, tool, risk, decision, obs)
        if verdict.action == "deny":
            return _failed(call, f"denied by policy: {verdict.reason}", "PolicyDenied")
        if verdict.action == "confirm":
            reason = verdict.reason or f"{call.tool} needs confirmation"
            if self.confirm is None:
                return _failed(call, _cannot_ask(call, tool, reason), "PolicyDenied")
            if not self.confirm(call, reason):
                return _failed(call, f"not confirmed: {reason}", "PolicyDenied")
        try:
            output: Any = tool.invoke(call.args)
        except EdgeAgentError as exc:
            return _failed(call, str(exc), type(exc).__name__)
        except Exception as exc:  # a buggy tool is reported, not raised
            log.exception("tool %s crashed", call.tool)
            return _failed(call, f"tool crashed: {type(exc).__name__}: {exc}", "ToolCrashed")
        return ActionResult(call=call, ok=True, output=_jsonable(output))

    def snapshot(self) -> dict[str, Any]:
        """The state of every world, merged (compare two with :func:`edgeagent.world.diff`)."""
        snap: dict[str, Any] = {}
        for world in self.toolset.worlds:
            snap.update(world.snapshot())
        return snap


def _cannot_ask(call: ToolCall, tool: Any, reason: str) -> str:
    """The refusal when nobody can confirm: what was refused and how a policy allows it."""
    from edgeagent.policy.declarative import targets

    args: dict[str, list[str]] = {}
    for key in targets(call, tool):
        name, _, _ = key.partition("=")
        value = call.args.get(name)
        args[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    rule = json.dumps({"tool": call.tool, "args": args} if args else {"tool": call.tool})
    return (
        f"not run: {reason}, and nobody can confirm in this run (no one to ask). To let it run "
        f"unattended, give a policy file (--policy FILE) that allows it: add {rule} under "
        "confirm.allow (per entity), or leave its risk out of confirm.risks"
    )


def _failed(call: ToolCall, error: str, error_type: str) -> ActionResult:
    return ActionResult(call=call, ok=False, error=error, error_type=error_type)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return _jsonable(value.model_dump(mode="json"))
    return str(value)
